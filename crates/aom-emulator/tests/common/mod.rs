//! Shared helpers: start an emulator, sign raw requests, build common bodies.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use aom_api::types::{
    SearchJobsRequestBody, SortColumn, SortOrder, TaskType, WorkflowRequestBody, WorkflowType,
};
use aom_api::{Error, ErrorBody, ProjectClient, ResponseValue};
use aom_auth::{Credentials, Signer};
use aom_emulator::{Emulator, EmulatorBuilder, EmulatorHandle};
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};

/// A builder for tests: fast simulated time, fixed seed.
pub fn builder() -> EmulatorBuilder {
    Emulator::builder().seed(42).time_scale(1.0)
}

/// Starts an emulator with the test defaults.
pub async fn start() -> EmulatorHandle {
    builder().start().await.unwrap()
}

/// A raw answer.
#[derive(Debug)]
pub struct Raw {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Raw {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn error(&self) -> ErrorBody {
        serde_json::from_slice(&self.body).unwrap()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// An unsigned request with `Content-Type: application/json`.
pub fn request(
    emu: &EmulatorHandle,
    method: Method,
    path: &str,
    body: Option<Vec<u8>>,
) -> reqwest::Request {
    let url = format!("{}{path}", emu.url());
    let mut request = reqwest::Request::new(method, url.parse().unwrap());
    request.headers_mut().insert(
        reqwest::header::CONTENT_TYPE,
        "application/json".parse().unwrap(),
    );
    if let Some(body) = body {
        *request.body_mut() = Some(body.into());
    }
    request
}

/// Sends a request as it is.
pub async fn execute_raw(request: reqwest::Request) -> Raw {
    let response = reqwest::Client::new().execute(request).await.unwrap();
    Raw {
        status: response.status(),
        headers: response.headers().clone(),
        body: response.bytes().await.unwrap().to_vec(),
    }
}

/// Sends a request signed with `credentials` (unsigned when `None`).
pub async fn send(
    emu: &EmulatorHandle,
    method: Method,
    path: &str,
    body: Option<Vec<u8>>,
    credentials: Option<&Credentials>,
) -> Raw {
    let mut request = request(emu, method, path, body);
    if let Some(credentials) = credentials {
        Signer::default()
            .sign_reqwest(&mut request, credentials)
            .unwrap();
    }
    execute_raw(request).await
}

/// Sends a request signed with the emulator's own credentials.
pub async fn signed(emu: &EmulatorHandle, method: Method, path: &str, body: Option<Value>) -> Raw {
    let credentials: Credentials = emu.credentials().into();
    send(
        emu,
        method,
        path,
        body.map(|b| serde_json::to_vec(&b).unwrap()),
        Some(&credentials),
    )
    .await
}

/// Sends a signed request and checks that it is refused with 400 `AOM.31001403` naming
/// `field`.
pub async fn expect_param_error(
    emu: &EmulatorHandle,
    method: Method,
    path: &str,
    body: Option<Value>,
    field: &str,
) -> ErrorBody {
    let shown = body.as_ref().map(Value::to_string).unwrap_or_default();
    let answer = signed(emu, method, path, body).await;
    assert_eq!(answer.status, 400, "{path} {shown}: {}", answer.text());
    let error = answer.error();
    assert_eq!(error.code(), Some("AOM.31001403"));
    assert_eq!(error.http_code, Some(400));
    assert!(
        error.message().unwrap_or_default().contains(field),
        "{path} {shown}: {:?} should name {field}",
        error.message()
    );
    error
}

/// `/v1/{project}/cms/<rest>`.
pub fn api(emu: &EmulatorHandle, rest: &str) -> String {
    format!("/v1/{}/cms/{rest}", emu.project_id())
}

/// The error answer of a failed typed call.
pub fn error_of<T>(result: Result<T, Error<ErrorBody>>) -> (u16, ErrorBody) {
    match result {
        Err(Error::ErrorResponse(response)) => {
            let status = response.status().as_u16();
            (status, response.into_inner())
        }
        Err(other) => panic!("expected an error answer, got {other:?}"),
        Ok(_) => panic!("expected an error answer, got a success"),
    }
}

/// A CreateWorkflow body with `input`.
pub fn workflow_body(name: &str, input: Value) -> WorkflowRequestBody {
    let Value::Object(input) = input else {
        panic!("input must be an object")
    };
    WorkflowRequestBody {
        name: name.try_into().unwrap(),
        type_: WorkflowType::Manual,
        task_type: TaskType::Script,
        template_name: Some("CMS::ECS::BulkyRunScript".try_into().unwrap()),
        template_id: Some("CMS::ECS::BulkyRunScript".try_into().unwrap()),
        input,
        description: None,
        tags: Map::new(),
        quote: Vec::new(),
        job_name: None,
        job_id: None,
        service_scenario: None,
        service_name: None,
    }
}

/// Creates a workflow; returns its id.
pub async fn create_workflow(project: &ProjectClient, name: &str, input: Value) -> String {
    project
        .create_workflow()
        .body(workflow_body(name, input))
        .send()
        .await
        .unwrap()
        .into_inner()
        .id
        .unwrap()
}

/// Starts an execution; returns its id.
pub async fn execute(project: &ProjectClient, workflow_id: &str) -> String {
    project
        .execute_workflow()
        .workflow_id(workflow_id)
        .send()
        .await
        .unwrap()
        .into_inner()
        .execution_id
        .unwrap()
}

/// The execution detail.
pub async fn detail(
    project: &ProjectClient,
    workflow_id: &str,
    execution_id: &str,
) -> aom_api::types::SearchWorkflowExecutionDetailResponse {
    project
        .search_workflow_execution_detail()
        .workflow_id(workflow_id)
        .execution_id(execution_id)
        .send()
        .await
        .unwrap()
        .into_inner()
}

/// Polls until the execution status is one of `statuses` (fails after 10 s).
pub async fn wait_for(
    project: &ProjectClient,
    workflow_id: &str,
    execution_id: &str,
    statuses: &[&str],
) -> aom_api::types::SearchWorkflowExecutionDetailResponse {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let d = detail(project, workflow_id, execution_id).await;
        if statuses.contains(&d.status.as_deref().unwrap_or_default()) {
            return d;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "still {:?}, waiting for {statuses:?}",
            d.status
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// A node's output lists as `(success, fail, in_execution, not_performed)` host ids.
pub fn hosts_of(
    node: &aom_api::types::ExecutionResultList,
) -> (Vec<String>, Vec<String>, Vec<String>, Vec<String>) {
    let output: aom_api::types::NodeOutput =
        serde_json::from_value(node.output.clone().unwrap()).unwrap();
    let ids = |list: Option<Vec<aom_api::types::HostResult>>| {
        list.unwrap()
            .into_iter()
            .map(|h| h.id.unwrap())
            .collect::<Vec<_>>()
    };
    (
        ids(output.success),
        ids(output.fail),
        ids(output.in_execution),
        ids(output.not_performed),
    )
}

/// A job search body.
pub fn job_search() -> SearchJobsRequestBody {
    SearchJobsRequestBody {
        name: None,
        enterprise_project_id: None,
        order_by_column: SortColumn::Name,
        sort_order: SortOrder::Asc,
        page_num: None,
        page_size: None,
    }
}

/// Input that runs fast, on `hosts` (ids), with extra emulator settings.
pub fn fast_input(hosts: &[String], emulator: Value) -> Value {
    let mut group = json!({"host_seconds": [1, 2]});
    if let (Value::Object(g), Value::Object(extra)) = (&mut group, emulator) {
        g.extend(extra);
    }
    json!({
        "get_instances": {"type": "manual", "ecs_id_list": serde_json::to_string(hosts).unwrap()},
        "emulator": group,
    })
}

/// Reads a successful raw-text answer.
pub async fn text_of(
    result: Result<ResponseValue<aom_api::ByteStream>, Error<ErrorBody>>,
) -> String {
    aom_api::text::read_text(result.unwrap()).await.unwrap()
}

/// One execution under test.
pub struct Run<'a> {
    pub project: &'a ProjectClient,
    pub workflow: String,
    pub execution: String,
}

impl<'a> Run<'a> {
    pub fn new(project: &'a ProjectClient, workflow: &str, execution: &str) -> Self {
        Self {
            project,
            workflow: workflow.to_owned(),
            execution: execution.to_owned(),
        }
    }

    pub async fn op(
        &self,
        action: aom_api::types::ExecutionAction,
        node: &str,
    ) -> Result<Value, (u16, aom_api::ErrorBody)> {
        let result = self
            .project
            .start_pausing_workflow_executions()
            .workflow_id(&*self.workflow)
            .execution_id(&*self.execution)
            .action(action)
            .node_id(node)
            .send()
            .await;
        match result {
            Ok(answer) => Ok(answer.into_inner().result.unwrap()),
            Err(e) => Err(error_of::<()>(Err(e))),
        }
    }

    pub async fn wait(
        &self,
        statuses: &[&str],
    ) -> aom_api::types::SearchWorkflowExecutionDetailResponse {
        wait_for(self.project, &self.workflow, &self.execution, statuses).await
    }

    pub async fn detail(&self) -> aom_api::types::SearchWorkflowExecutionDetailResponse {
        detail(self.project, &self.workflow, &self.execution).await
    }

    pub async fn stop(&self) -> Result<String, (u16, aom_api::ErrorBody)> {
        let result = self
            .project
            .stop_execution()
            .workflow_id(&*self.workflow)
            .execution_id(&*self.execution)
            .send()
            .await;
        match result {
            Ok(answer) => Ok(aom_api::text::read_text(answer).await.unwrap()),
            Err(e) => Err(error_of::<()>(Err(e))),
        }
    }
}
