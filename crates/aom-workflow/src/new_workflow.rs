//! [`NewWorkflow`]: the request to create a workflow, built from what a user has in mind (a
//! template over some hosts) instead of the API's 13-field body.

use std::convert::Infallible;
use std::fmt::Display;

use aom_api::types::{TaskType, WorkflowRequestBody, WorkflowType};
use serde_json::{Map, Value};

use crate::error::Error;

/// The template that runs a script on every target host.
pub const RUN_SCRIPT_TEMPLATE: &str = "CMS::ECS::BulkyRunScript";

/// A workflow to create: a template run over ECS hosts, with the API's defaults filled in.
///
/// Nothing is checked until [`Workflows::create`](crate::Workflows::create) (or
/// [`into_body`](Self::into_body)); then each field is checked against the API's rules and a
/// bad one is a [`Error::Validation`] naming it, before anything is sent.
///
/// ```
/// use aom_workflow::NewWorkflow;
/// use serde_json::json;
///
/// let body = NewWorkflow::run_script("rotate-logs")
///     .hosts(["ecs-1", "ecs-2"])
///     .description("Rotate application logs")
///     .tag("team", "sre")
///     .input("rate_control", json!({"max": "10", "timeDelay": "0"}))
///     .into_body()?;
/// assert_eq!(body.input["get_instances"]["ecs_id_list"], r#"["ecs-1","ecs-2"]"#);
///
/// let err = NewWorkflow::run_script("ok").hosts(["ecs-1", ""]).into_body().unwrap_err();
/// assert!(err.to_string().contains("hosts"));
/// let err = NewWorkflow::run_script("no spaces allowed").into_body().unwrap_err();
/// assert!(err.to_string().contains("body.name"));
/// # Ok::<(), aom_workflow::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct NewWorkflow {
    name: String,
    kind: WorkflowType,
    description: Option<String>,
    tags: Map<String, Value>,
    template_name: String,
    template_id: Option<String>,
    job: Option<(String, Option<String>)>,
    task_type: TaskType,
    input: Map<String, Value>,
    hosts: Vec<String>,
}

impl NewWorkflow {
    /// A manual workflow that runs `template_name` (for example
    /// `CMS::ECS::BulkyStartECSInstances`).
    pub fn template(name: impl Into<String>, template_name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            kind: WorkflowType::Manual,
            description: None,
            tags: Map::new(),
            template_name: template_name.into(),
            template_id: None,
            job: None,
            task_type: TaskType::Script,
            input: Map::new(),
            hosts: Vec::new(),
        }
    }

    /// A manual workflow that runs a script on its hosts ([`RUN_SCRIPT_TEMPLATE`]).
    pub fn run_script(name: impl Into<String>) -> Self {
        Self::template(name, RUN_SCRIPT_TEMPLATE)
    }

    /// The ECS instances to run on (`input.get_instances`, chosen by hand).
    pub fn hosts<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.hosts = ids.into_iter().map(Into::into).collect();
        // The API wants the id list as a JSON array inside a string.
        let list =
            Value::Array(self.hosts.iter().cloned().map(Value::String).collect()).to_string();
        let mut group = Map::new();
        group.insert("group".into(), "ecs_instance".into());
        group.insert("type".into(), "manual".into());
        group.insert("ecs_id_list".into(), list.into());
        self.input
            .insert("get_instances".into(), Value::Object(group));
        self
    }

    /// Started by a schedule instead of by hand (turn the trigger on with
    /// [`Workflows::set_trigger`](crate::Workflows::set_trigger)).
    pub fn cron(mut self) -> Self {
        self.kind = WorkflowType::Cron;
        self
    }

    /// Manual or cron.
    pub fn kind(mut self, kind: WorkflowType) -> Self {
        self.kind = kind;
        self
    }

    /// A description (at most 128 characters).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// A tag (at most 20).
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), Value::String(value.into()));
        self
    }

    /// The template's id, when the template name alone is ambiguous.
    pub fn template_id(mut self, id: impl Into<String>) -> Self {
        self.template_id = Some(id.into());
        self
    }

    /// The job the template belongs to.
    pub fn job(mut self, id: impl Into<String>, name: Option<String>) -> Self {
        self.job = Some((id.into(), name));
        self
    }

    /// The kind of task (script by default).
    pub fn task_type(mut self, task_type: TaskType) -> Self {
        self.task_type = task_type;
        self
    }

    /// Sets one top-level group of the workflow's `input` (`rate_control`, `approve`, `notice`,
    /// ... or any key the template reads), replacing what was there.
    pub fn input(mut self, key: impl Into<String>, value: Value) -> Self {
        self.input.insert(key.into(), value);
        self
    }

    /// Merges `groups` into the workflow's `input`: a group that is an object on both sides is
    /// merged key by key (the new value wins), anything else is replaced. Use it to add to the
    /// group [`hosts`](Self::hosts) builds, e.g. `{"get_instances": {"vpc_id": "..."}}`.
    pub fn merge_input(mut self, groups: Map<String, Value>) -> Self {
        for (key, value) in groups {
            match (self.input.get_mut(&key), value) {
                (Some(Value::Object(existing)), Value::Object(more)) => existing.extend(more),
                (_, value) => {
                    self.input.insert(key, value);
                }
            }
        }
        self
    }

    /// The API's request body, each field checked against its rule.
    pub fn into_body(self) -> Result<WorkflowRequestBody, Error> {
        if let Some(bad) = self
            .hosts
            .iter()
            .find(|id| id.trim().is_empty() || id.chars().count() > 64)
        {
            return Err(Error::validation(
                "hosts",
                format!(
                    "each host id must be 1-64 characters, got {:?}",
                    bad.chars().take(70).collect::<String>()
                ),
            ));
        }
        let body = WorkflowRequestBody {
            name: parse("body.name", &self.name)?,
            type_: self.kind,
            description: self
                .description
                .as_deref()
                .map(|d| parse("body.description", d))
                .transpose()?,
            tags: self.tags,
            template_name: Some(parse("body.template_name", &self.template_name)?),
            template_id: self
                .template_id
                .as_deref()
                .map(|t| parse("body.template_id", t))
                .transpose()?,
            input: self.input,
            quote: vec![],
            job_id: self
                .job
                .as_ref()
                .map(|(id, _)| parse("body.job_id", id))
                .transpose()?,
            job_name: self
                .job
                .as_ref()
                .and_then(|(_, name)| name.as_deref())
                .map(|n| parse("body.job_name", n))
                .transpose()?,
            service_scenario: None,
            service_name: None,
            task_type: self.task_type,
        };
        crate::validate::create_workflow(&body)?;
        Ok(body)
    }
}

fn parse<T>(field: &str, value: &str) -> Result<T, Error>
where
    T: std::str::FromStr,
    T::Err: Display,
{
    value
        .parse()
        .map_err(|e: T::Err| Error::validation(field, e.to_string()))
}

impl TryFrom<NewWorkflow> for WorkflowRequestBody {
    type Error = Error;

    fn try_from(workflow: NewWorkflow) -> Result<Self, Error> {
        workflow.into_body()
    }
}

impl From<Infallible> for Error {
    fn from(never: Infallible) -> Self {
        match never {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn merge_input_adds_to_the_hosts_group() {
        let body = NewWorkflow::run_script("m")
            .hosts(["ecs-1"])
            .merge_input(
                json!({"get_instances": {"vpc_id": "v-1"}, "rate_control": {"max": "2"}})
                    .as_object()
                    .cloned()
                    .unwrap_or_default(),
            )
            .into_body()
            .unwrap();
        let group = &body.input["get_instances"];
        assert_eq!(group["ecs_id_list"], r#"["ecs-1"]"#);
        assert_eq!(group["vpc_id"], "v-1");
        assert_eq!(body.input["rate_control"]["max"], "2");
    }

    #[test]
    fn bad_host_ids_are_named() {
        let build = |ids: &[&str]| NewWorkflow::run_script("m").hosts(ids.to_vec()).into_body();
        assert!(build(&["x", "y"]).is_ok());
        let long = "h".repeat(65);
        for ids in [&[""][..], &["a", " "], &[long.as_str()]] {
            assert!(
                matches!(build(ids), Err(Error::Validation { ref field, .. }) if field == "hosts"),
                "{ids:?}"
            );
        }
    }
}
