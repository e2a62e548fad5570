//! The AOM automation API: the 13 current operations and the historical
//! CreateFastExecuteScript, one table ([`OPERATIONS`]) that both the router and the fault rules
//! use.

mod executions;
mod jobs;
mod scripts;
mod templates;
mod workflows;

use std::sync::Arc;

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodRouter, get, post, put};

use aom_api::types::{Job, Script, ScriptVersion, SortColumn, SortOrder, Template};

use crate::app::App;

/// One operation of the API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: &'static str,
    /// HTTP method.
    pub method: &'static str,
    /// Path template (axum syntax, as in the spec).
    pub path: &'static str,
}

const fn op(id: &'static str, method: &'static str, path: &'static str) -> Operation {
    Operation { id, method, path }
}

const EXECUTIONS: &str = "/v1/{project_id}/cms/workflow/{workflow_id}/executions";

/// Every operation, as in `spec/aom.yaml`.
pub const OPERATIONS: &[Operation] = &[
    op("create_workflow", "POST", "/v1/{project_id}/cms/workflow"),
    op("execute_workflow", "POST", EXECUTIONS),
    op("list_workflow_executions", "GET", EXECUTIONS),
    op(
        "search_workflow_execution_detail",
        "GET",
        "/v1/{project_id}/cms/workflow/{workflow_id}/executions/{execution_id}/status",
    ),
    op(
        "start_pausing_workflow_executions",
        "POST",
        "/v1/{project_id}/cms/workflow/{workflow_id}/executions/{execution_id}/operation",
    ),
    op(
        "stop_execution",
        "POST",
        "/v1/{project_id}/cms/workflow/{workflow_id}/executions/{execution_id}/terminate",
    ),
    op(
        "update_workflow_trigger_status",
        "PUT",
        "/v1/{project_id}/cms/workflow/{workflow_id}/trigger/action",
    ),
    op(
        "list_workflow",
        "POST",
        "/v1/{project_id}/cms/workflow-list",
    ),
    op(
        "list_all_job_by_name",
        "POST",
        "/v1/{project_id}/cms/job/list",
    ),
    op(
        "list_all_script_by_name",
        "POST",
        "/v1/{project_id}/cms/script/list",
    ),
    op(
        "list_all_version_by_version_id",
        "POST",
        "/v1/{project_id}/cms/script-version-list",
    ),
    op(
        "list_template_by_job_id",
        "POST",
        "/v1/{project_id}/cms/template-list/{job_id}",
    ),
    op(
        "search_template_by_id",
        "GET",
        "/v1/{project_id}/cms/template/{template_id}",
    ),
    op(
        "create_fast_execute_script",
        "POST",
        "/v1/{project_id}/cms/fast-execute-script",
    ),
];

/// The operation at `method` and matched path template, if any.
pub fn operation(method: &Method, path: &str) -> Option<&'static Operation> {
    OPERATIONS
        .iter()
        .find(|o| o.path == path && o.method == method.as_str())
}

fn handler(id: &str) -> Option<MethodRouter<Arc<App>>> {
    Some(match id {
        "create_workflow" => post(workflows::create),
        "list_workflow" => post(workflows::list),
        "update_workflow_trigger_status" => put(workflows::trigger),
        "execute_workflow" => post(executions::execute),
        "list_workflow_executions" => get(executions::list),
        "search_workflow_execution_detail" => get(executions::detail),
        "start_pausing_workflow_executions" => post(executions::operate),
        "stop_execution" => post(executions::terminate),
        "create_fast_execute_script" => post(executions::fast_execute),
        "list_all_job_by_name" => post(jobs::list),
        "list_all_script_by_name" => post(scripts::list),
        "list_all_version_by_version_id" => post(scripts::versions),
        "list_template_by_job_id" => post(templates::list),
        "search_template_by_id" => get(templates::search),
        _ => return None,
    })
}

/// Sorts `items` by a column of the list operations (`name`, `create_time`, `update_time`),
/// ties broken by id so that pages never overlap.
fn sort_listed<T: Listed>(items: &mut [T], column: SortColumn, order: SortOrder) {
    items.sort_by(|a, b| {
        let primary = match column {
            SortColumn::Name => a.name().cmp(b.name()),
            SortColumn::CreateTime => a.create_time().cmp(&b.create_time()),
            SortColumn::UpdateTime => a.update_time().cmp(&b.update_time()),
        };
        let ordering = primary.then_with(|| a.id().cmp(b.id()));
        match order {
            SortOrder::Asc => ordering,
            SortOrder::Desc => ordering.reverse(),
        }
    });
}

/// One page of `items`: `page` is 1-based (0 is read as 1).
fn page_of<T: Clone>(items: &[T], page: u64, size: u64) -> Vec<T> {
    let page = page.max(1);
    let start = usize::try_from((page - 1).saturating_mul(size)).unwrap_or(usize::MAX);
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    items.iter().skip(start).take(size).cloned().collect()
}

/// The fields the list operations filter and sort on.
trait Listed {
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn create_time(&self) -> i64;
    fn update_time(&self) -> i64;
}

macro_rules! listed {
    ($($ty:ty => $id:ident),* $(,)?) => {$(
        impl Listed for $ty {
            fn id(&self) -> &str {
                self.$id.as_deref().unwrap_or_default()
            }
            fn name(&self) -> &str {
                self.name.as_deref().unwrap_or_default()
            }
            fn create_time(&self) -> i64 {
                self.create_time.unwrap_or_default()
            }
            fn update_time(&self) -> i64 {
                self.update_time.unwrap_or_default()
            }
        }
    )*};
}

listed!(Job => id, Script => id, ScriptVersion => version_id, Template => id);

/// Case-insensitive substring match (a `None` filter matches everything).
fn fuzzy(filter: Option<&str>, text: &str) -> bool {
    filter.is_none_or(|f| text.to_lowercase().contains(&f.to_lowercase()))
}

/// The API routes (without the gateway layer).
pub fn routes() -> Router<Arc<App>> {
    OPERATIONS
        .iter()
        .fold(Router::new(), |router, o| match handler(o.id) {
            Some(h) => router.route(o.path, h),
            None => router,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_handler_and_a_unique_route() {
        for o in OPERATIONS {
            assert!(handler(o.id).is_some(), "{}", o.id);
            let m = Method::from_bytes(o.method.as_bytes()).unwrap();
            assert_eq!(operation(&m, o.path).map(|x| x.id), Some(o.id));
        }
        assert_eq!(OPERATIONS.len(), 14);
    }
}
