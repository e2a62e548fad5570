//! `aom job list`.

use std::num::NonZeroU32;

use aom_workflow::Jobs;
use aom_workflow::model::SearchJobsRequestBody;

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
        page_size: NonZeroU32::new(100),
        ..Jobs::query()
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
