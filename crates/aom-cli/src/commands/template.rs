//! `aom template list|show`.

use std::num::NonZeroU32;

use aom_workflow::model::{ListTemplateByJobIdRequestBody, SortColumn, Template};

use super::{collect, connect};
use crate::args::{Global, Output, Share, TemplateCommand};
use crate::exit::{CliError, Outcome};
use crate::output::json;
use crate::output::table::{self, Table};

/// Runs `aom template ...`.
pub async fn run(g: &Global, cmd: TemplateCommand) -> Result<Outcome, CliError> {
    match cmd {
        TemplateCommand::List { job, limit } => {
            let client = connect(g).await?;
            let query = ListTemplateByJobIdRequestBody {
                name: None,
                page_num: None,
                page_size: NonZeroU32::new(100),
                order_by_column: SortColumn::Name,
                sort_order: None,
            };
            let items = collect(client.templates().list_all_for_job(&job, query), limit).await?;
            match g.output {
                Output::Json => json::print(&items)?,
                Output::Table => {
                    let mut t = Table::new(&["ID", "NAME", "SHARE", "VERSION", "NODES", "UPDATED"]);
                    for tpl in &items {
                        t.row(vec![
                            table::or_dash(tpl.id.as_deref()),
                            table::or_dash(tpl.name.as_deref()),
                            table::or_dash(tpl.share_type.as_deref()),
                            table::or_dash(tpl.version.as_deref()),
                            tpl.nodes.as_ref().map_or(0, Vec::len).to_string(),
                            table::millis(tpl.update_time.or(tpl.create_time)),
                        ]);
                    }
                    out!("{}", t.render());
                }
            }
        }
        TemplateCommand::Show {
            template_id,
            share_type,
        } => {
            let client = connect(g).await?;
            let templates = client.templates();
            let tpl = match share_type {
                Some(share) => templates.get(&template_id, share.api()).await?,
                None => match templates.get(&template_id, Share::Public.api()).await {
                    Err(e) if e.status() == Some(404) => {
                        templates.get(&template_id, Share::Private.api()).await?
                    }
                    other => other?,
                },
            };
            match g.output {
                Output::Json => json::print(&tpl)?,
                Output::Table => out!("{}", show(&tpl)),
            }
        }
    }
    Ok(Outcome::Success)
}

fn show(tpl: &Template) -> String {
    let mut head = Table::new(&["", ""]);
    head.row(vec!["template".into(), table::or_dash(tpl.id.as_deref())]);
    head.row(vec!["name".into(), table::or_dash(tpl.name.as_deref())]);
    head.row(vec!["job".into(), table::or_dash(tpl.job_id.as_deref())]);
    head.row(vec![
        "share".into(),
        table::or_dash(tpl.share_type.as_deref()),
    ]);
    head.row(vec![
        "version".into(),
        table::or_dash(tpl.version.as_deref()),
    ]);
    head.row(vec![
        "updated".into(),
        table::millis(tpl.update_time.or(tpl.create_time)),
    ]);
    let text = head.render();
    let mut out = text
        .split_once('\n')
        .map_or("", |(_, rest)| rest)
        .to_string();
    let nodes = tpl.nodes.as_deref().unwrap_or_default();
    if !nodes.is_empty() {
        out.push('\n');
        let mut t = Table::new(&["NODE", "NAME", "TASK"]);
        for n in nodes {
            t.row(vec![
                table::or_dash(n.id.as_deref()),
                table::or_dash(n.name.as_deref()),
                table::or_dash(n.task_name.as_deref()),
            ]);
        }
        out.push_str(&t.render());
    }
    out
}
