//! `aom job list`.

use std::num::NonZeroU32;

use aom_workflow::model::{SearchJobsRequestBody, SortColumn, SortOrder};

use super::{collect, connect};
use crate::args::{Global, JobCommand, Output};
use crate::exit::{CliError, Outcome};
use crate::output::json;
use crate::output::table::{self, Table};

/// Runs `aom job ...`.
pub async fn run(g: &Global, cmd: JobCommand) -> Result<Outcome, CliError> {
    let JobCommand::List { name, limit } = cmd;
    let name = name
        .map(|n| n.parse())
        .transpose()
        .map_err(|e| CliError::usage(format!("invalid value for --name: {e}")))?;
    let client = connect(g).await?;
    let query = SearchJobsRequestBody {
        name,
        enterprise_project_id: None,
        order_by_column: SortColumn::Name,
        sort_order: SortOrder::Asc,
        page_num: None,
        page_size: NonZeroU32::new(100),
    };
    let items = collect(client.jobs().list_all(query), limit).await?;
    match g.output {
        Output::Json => json::print(&items)?,
        Output::Table => {
            let mut t = Table::new(&["ID", "NAME", "VERSION", "UPDATED", "DESCRIPTION"]);
            for j in &items {
                t.row(vec![
                    table::or_dash(j.id.as_deref()),
                    table::or_dash(j.name.as_deref()),
                    j.version_number
                        .map_or_else(|| "-".into(), |v| v.to_string()),
                    table::millis(j.update_time.or(j.create_time)),
                    table::first_line(j.description.as_deref().unwrap_or_default(), 50),
                ]);
            }
            out!("{}", t.render());
        }
    }
    Ok(Outcome::Success)
}
