//! Hand-written models that replace a spec schema in the generated code, each because the wire
//! format has a quirk a schema cannot express. The spec records every replacement in an
//! `x-aom-replaced-by` extension.

use serde::{Deserialize, Serialize};

use crate::types::ExecutionResultList;

/// One execution in the history of a workflow (element of the ListWorkflowExecutions array).
///
/// Replaces the spec's `WorkflowExecutionBrief` because the documentation's example spells two
/// keys differently from its table; both spellings are read, the table's is written.
///
/// ```
/// let brief: aom_api::WorkflowExecutionBrief = serde_json::from_str(
///     r#"{"execution_id":"ex-1","create_by":"ops","workflowEditTime":1670311089444}"#,
/// ).unwrap();
/// assert_eq!(brief.created_by.as_deref(), Some("ops"));
/// assert_eq!(brief.workflow_edit_time, Some(1670311089444));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkflowExecutionBrief {
    /// Workflow id (1-64 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workflow_id: Option<String>,
    /// Execution id (1-64 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_id: Option<String>,
    /// Execution status (1-32 characters); see `SearchWorkflowExecutionDetailResponse::status`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Start, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub begin_time: Option<i64>,
    /// End, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<i64>,
    /// Last update, epoch milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update_time: Option<i64>,
    /// Who started the execution (1-32 characters). Also read from `create_by`.
    #[serde(default, alias = "create_by", skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// Approvers, 0-200 items of 1-128 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approve_user_name_list: Option<Vec<String>>,
    /// Per-node results, 1-200 items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_result_list: Option<Vec<ExecutionResultList>>,
    /// Project id (32 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// Edit time of the workflow version used, epoch milliseconds. Also read from
    /// `workflowEditTime`.
    #[serde(
        default,
        alias = "workflowEditTime",
        skip_serializing_if = "Option::is_none"
    )]
    pub workflow_edit_time: Option<i64>,
    /// Snapshot record id (1-64 characters).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_record_id_with_snapshot: Option<String>,
}
