//! List everything with pagination: every workflow, job, template, script and script version,
//! one page at a time under the hood.
//!
//! `cargo run -p aom-workflow --example list_everything`

mod common;

use std::num::NonZeroU32;

use aom_workflow::model::{
    ListTemplateByJobIdRequestBody, ScriptQueryMode, SearchJobsRequestBody,
    SearchScriptsRequestBody, SortColumn, SortOrder, WorkflowQueryParam,
};
use aom_workflow::{Jobs, Workflows};
use futures_util::TryStreamExt as _;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, emulator) = common::connect(|b| b).await?;
    if emulator.is_some() {
        common::workflow_id(&client, emulator.as_ref()).await?;
    }

    let workflows: Vec<_> = client
        .workflows()
        .list_all(WorkflowQueryParam {
            size: NonZeroU32::new(50),
            ..Workflows::query()
        })
        .try_collect()
        .await?;
    println!("{} workflows", workflows.len());
    for w in &workflows {
        println!(
            "  {} {}",
            w.id.as_deref().unwrap_or("?"),
            w.name.as_deref().unwrap_or("?")
        );
    }

    let jobs = client.jobs().list_all(SearchJobsRequestBody {
        page_size: NonZeroU32::new(20),
        ..Jobs::query()
    });
    let jobs: Vec<_> = jobs.try_collect().await?;
    println!("{} jobs", jobs.len());
    for job in &jobs {
        let id = job.id.as_deref().unwrap_or_default();
        println!("  {id} {}", job.name.as_deref().unwrap_or("?"));
        let templates: Vec<_> = client
            .templates()
            .list_all_for_job(
                id,
                ListTemplateByJobIdRequestBody {
                    name: None,
                    page_num: None,
                    page_size: NonZeroU32::new(20),
                    order_by_column: SortColumn::Name,
                    sort_order: None,
                },
            )
            .try_collect()
            .await?;
        for t in templates {
            println!(
                "    template {} {}",
                t.id.as_deref().unwrap_or("?"),
                t.name.as_deref().unwrap_or("?")
            );
        }
    }

    let scripts: Vec<_> = client
        .scripts()
        .list_all(scripts_query("all", ScriptQueryMode::Default)?)
        .try_collect()
        .await?;
    println!("{} scripts", scripts.len());
    for s in &scripts {
        let id = s.id.as_deref().unwrap_or_default();
        let versions: Vec<_> = client
            .scripts()
            .versions_all(scripts_query(id, ScriptQueryMode::NoDefault)?)
            .try_collect()
            .await?;
        println!(
            "  {} {} ({} versions)",
            id,
            s.name.as_deref().unwrap_or("?"),
            versions.len()
        );
    }
    Ok(())
}

fn scripts_query(
    script_id: &str,
    mode: ScriptQueryMode,
) -> Result<SearchScriptsRequestBody, Box<dyn std::error::Error>> {
    Ok(SearchScriptsRequestBody {
        name: None,
        is_default: Some(mode),
        create_by: None,
        script_id: script_id.parse()?,
        page_num: None,
        page_size: NonZeroU32::new(50),
        project_id: None,
        order_by_column: SortColumn::Name,
        sort_order: SortOrder::Asc,
        enterprise_project_id: None,
    })
}
