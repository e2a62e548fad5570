//! `aom script list|versions`.

use std::num::NonZeroU32;

use aom_workflow::model::{ScriptQueryMode, SearchScriptsRequestBody, SortColumn, SortOrder};

use super::{collect, connect};
use crate::args::{Global, Output, ScriptCommand};
use crate::exit::{CliError, Outcome};
use crate::output::json;
use crate::output::table::{self, Table};

/// Runs `aom script ...`.
pub async fn run(g: &Global, cmd: ScriptCommand) -> Result<Outcome, CliError> {
    match cmd {
        ScriptCommand::List { name, limit } => {
            let query = query("all", ScriptQueryMode::Default, name.as_deref())?;
            let client = connect(g).await?;
            let items = collect(client.scripts().list_all(query), limit).await?;
            match g.output {
                Output::Json => json::print(&items)?,
                Output::Table => {
                    let mut t = Table::new(&["ID", "NAME", "LANGUAGE", "UPDATED", "DESCRIPTION"]);
                    for s in &items {
                        t.row(vec![
                            table::or_dash(s.id.as_deref()),
                            table::or_dash(s.name.as_deref()),
                            table::or_dash(s.script_language.as_deref()),
                            table::millis(s.update_time.or(s.create_time)),
                            table::first_line(s.description.as_deref().unwrap_or_default(), 50),
                        ]);
                    }
                    out!("{}", t.render());
                }
            }
        }
        ScriptCommand::Versions { script_id, limit } => {
            let query = query(&script_id, ScriptQueryMode::NoDefault, None)?;
            let client = connect(g).await?;
            let items = collect(client.scripts().versions_all(query), limit).await?;
            match g.output {
                Output::Json => json::print(&items)?,
                Output::Table => {
                    let mut t =
                        Table::new(&["VERSION ID", "VERSION", "NAME", "LANGUAGE", "UPDATED"]);
                    for v in &items {
                        t.row(vec![
                            table::or_dash(v.version_id.as_deref()),
                            table::or_dash(v.version_number.as_deref()),
                            table::or_dash(v.name.as_deref()),
                            table::or_dash(v.script_language.as_deref()),
                            table::millis(v.update_time.or(v.create_time)),
                        ]);
                    }
                    out!("{}", t.render());
                }
            }
        }
    }
    Ok(Outcome::Success)
}

fn query(
    script_id: &str,
    mode: ScriptQueryMode,
    name: Option<&str>,
) -> Result<SearchScriptsRequestBody, CliError> {
    Ok(SearchScriptsRequestBody {
        name: name
            .map(str::parse)
            .transpose()
            .map_err(|e| CliError::usage(format!("invalid value for --name: {e}")))?,
        is_default: Some(mode),
        create_by: None,
        script_id: script_id
            .parse()
            .map_err(|e| CliError::usage(format!("invalid value for <SCRIPT_ID>: {e}")))?,
        page_num: None,
        page_size: NonZeroU32::new(100),
        project_id: None,
        order_by_column: SortColumn::Name,
        sort_order: SortOrder::Asc,
        enterprise_project_id: None,
    })
}
