//! `aom workflow ...`: list, create, run, execution history, schedule trigger.

use std::io::Read as _;

use aom_workflow::model::{Workflow, WorkflowQueryParam, WorkflowRequestBody, WorkflowType};
use aom_workflow::{NewWorkflow, RUN_SCRIPT_TEMPLATE, Workflows};
use serde_json::json;

use super::{collect, connect};
use crate::args::{CreateArgs, Global, Kind, Output, TriggerCommand, WorkflowCommand};
use crate::commands::execution;
use crate::exit::{CliError, Outcome};
use crate::output::json;
use crate::output::table::{self, Table};
use crate::progress::Progress;

/// Runs `aom workflow ...`.
pub async fn run(g: &Global, cmd: WorkflowCommand) -> Result<Outcome, CliError> {
    match cmd {
        WorkflowCommand::List { search, limit } => {
            let search = search
                .map(|s| {
                    s.parse()
                        .map_err(|e| CliError::usage(format!("invalid value for --search: {e}")))
                })
                .transpose()?;
            let client = connect(g).await?;
            let query = WorkflowQueryParam {
                search,
                ..Workflows::query()
            };
            let items = collect(client.workflows().list_all(query), limit).await?;
            match g.output {
                Output::Json => json::print(&items)?,
                Output::Table => out!("{}", workflows_table(&items).render()),
            }
            Ok(Outcome::Success)
        }
        WorkflowCommand::Create(args) => {
            let body = create_body(&args)?;
            let client = connect(g).await?;
            let created = client.workflows().create(body).await?;
            match g.output {
                Output::Json => json::print(&created)?,
                Output::Table => outln!(
                    "Created workflow {} ({}).",
                    table::or_dash(created.id.as_deref()),
                    table::or_dash(created.name.as_deref())
                ),
            }
            Ok(Outcome::Success)
        }
        WorkflowCommand::Run { workflow_id, wait } => {
            let client = connect(g).await?;
            let execution_id = client.workflows().execute(&workflow_id).await?;
            if !wait {
                match g.output {
                    Output::Json => json::print(&json!({
                        "workflow_id": workflow_id,
                        "execution_id": execution_id,
                    }))?,
                    Output::Table => {
                        outln!("Started execution {execution_id} of workflow {workflow_id}.")
                    }
                }
                return Ok(Outcome::Success);
            }
            eprintln!(
                "Started execution {execution_id} of workflow {workflow_id}; waiting for it."
            );
            let done = execution::wait_for(
                g,
                &client,
                &workflow_id,
                &execution_id,
                super::poll_policy(),
                Progress::new(g.color()),
            )
            .await?;
            execution::show(g, &done)
        }
        WorkflowCommand::Executions { workflow_id } => {
            let client = connect(g).await?;
            let items = client.executions().list(&workflow_id).await?;
            match g.output {
                Output::Json => json::print(&items)?,
                Output::Table => {
                    let mut t = Table::new(&["EXECUTION", "STATUS", "STARTED", "ENDED", "BY"]);
                    for e in &items {
                        t.row(vec![
                            table::or_dash(e.execution_id.as_deref()),
                            e.status.to_string(),
                            table::time(e.begin_time),
                            table::time(e.end_time),
                            table::or_dash(e.created_by.as_deref()),
                        ]);
                    }
                    out!("{}", t.render());
                }
            }
            Ok(Outcome::Success)
        }
        WorkflowCommand::Trigger(cmd) => {
            let (workflow_id, enabled) = match cmd {
                TriggerCommand::Enable { workflow_id } => (workflow_id, true),
                TriggerCommand::Disable { workflow_id } => (workflow_id, false),
            };
            let client = connect(g).await?;
            let answer = client
                .workflows()
                .set_trigger(&workflow_id, enabled)
                .await?;
            let state = if enabled { "enabled" } else { "disabled" };
            match g.output {
                Output::Json => json::print(&json!({
                    "workflow_id": workflow_id,
                    "trigger": state,
                    "result": answer,
                }))?,
                Output::Table => outln!("Trigger of workflow {workflow_id} {state}."),
            }
            Ok(Outcome::Success)
        }
    }
}

fn workflows_table(items: &[Workflow]) -> Table {
    let mut t = Table::new(&[
        "ID",
        "NAME",
        "TYPE",
        "TEMPLATE",
        "LAST EXECUTION",
        "CREATED",
    ]);
    for w in items {
        t.row(vec![
            table::or_dash(w.id.as_deref()),
            table::or_dash(w.name.as_deref()),
            table::or_dash(w.type_.as_deref()),
            table::or_dash(w.template_name.as_deref()),
            table::or_dash(w.last_execution_id.as_deref()),
            table::millis(w.create_time),
        ]);
    }
    t
}

/// The CreateWorkflow body: from `--body`, or built from the flags. Checked before sending.
fn create_body(args: &CreateArgs) -> Result<WorkflowRequestBody, CliError> {
    if let Some(path) = &args.body {
        let text = if path.as_os_str() == "-" {
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| CliError::usage(format!("--body -: cannot read stdin: {e}")))?;
            text
        } else {
            std::fs::read_to_string(path).map_err(|e| {
                CliError::usage(format!("--body {}: cannot be read: {e}", path.display()))
            })?
        };
        return serde_json::from_str(&text).map_err(|e| {
            CliError::usage(format!(
                "--body {}: not a CreateWorkflow request body: {e}",
                path.display()
            ))
        });
    }
    let name = args
        .name
        .as_deref()
        .ok_or_else(|| CliError::usage("--name is required without --body"))?;
    let mut workflow = NewWorkflow::template(
        name,
        args.template_name.as_deref().unwrap_or(RUN_SCRIPT_TEMPLATE),
    )
    .kind(match args.kind.unwrap_or(Kind::Manual) {
        Kind::Manual => WorkflowType::Manual,
        Kind::Cron => WorkflowType::Cron,
    });
    if !args.hosts.is_empty() {
        workflow = workflow.hosts(&args.hosts);
    }
    if let Some(description) = &args.description {
        workflow = workflow.description(description);
    }
    if let Some(extra) = &args.input {
        workflow = workflow.merge_input(extra.clone());
    }
    Ok(workflow.into_body()?)
}
