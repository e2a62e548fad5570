//! Checks that run before anything is sent, for the rules the generated types cannot enforce
//! themselves (numeric ranges, counts), each naming the field and the rule.

use std::str::FromStr;

use aom_api::types::{
    ListTemplateByJobIdRequestBody, SearchJobsRequestBody, SearchScriptsRequestBody,
    WorkflowQueryParam, WorkflowRequestBody,
};

use crate::error::Error;

/// An id of 1-64 characters (workflow, execution, node, job and template ids).
pub(crate) fn id<T: FromStr>(field: &str, value: &str) -> Result<T, Error>
where
    T::Err: std::fmt::Display,
{
    let n = value.chars().count();
    if n == 0 || n > 64 {
        return Err(Error::validation(
            field,
            format!("must be 1-64 characters, got {n}"),
        ));
    }
    value
        .parse()
        .map_err(|e| Error::validation(field, format!("{e}")))
}

fn range(field: &str, value: Option<i64>, min: i64, max: i64) -> Result<(), Error> {
    match value {
        Some(v) if v < min || v > max => Err(Error::validation(
            field,
            format!("must be between {min} and {max}, got {v}"),
        )),
        _ => Ok(()),
    }
}

fn at_most(field: &str, count: usize, max: usize, what: &str) -> Result<(), Error> {
    if count > max {
        return Err(Error::validation(
            field,
            format!("at most {max} {what}, got {count}"),
        ));
    }
    Ok(())
}

pub(crate) fn create_workflow(body: &WorkflowRequestBody) -> Result<(), Error> {
    at_most("body.tags", body.tags.len(), 20, "tags")?;
    if !body.quote.is_empty() {
        at_most("body.quote", body.quote.len(), 128, "items")?;
    }
    Ok(())
}

pub(crate) fn list_workflows(q: &WorkflowQueryParam) -> Result<(), Error> {
    range("body.page", q.page.map(i64::from), 0, 9_999_999)?;
    range("body.size", q.size.map(|s| i64::from(s.get())), 1, 100)?;
    range(
        "body.search_time_start",
        q.search_time_start,
        0,
        9_999_999_999_999,
    )?;
    range(
        "body.search_time_end",
        q.search_time_end,
        0,
        9_999_999_999_999,
    )?;
    at_most("body.tags", q.tags.len(), 10, "tags")
}

pub(crate) fn list_jobs(q: &SearchJobsRequestBody) -> Result<(), Error> {
    range(
        "body.page_num",
        q.page_num.map(|s| i64::from(s.get())),
        1,
        1000,
    )?;
    range(
        "body.page_size",
        q.page_size.map(|s| i64::from(s.get())),
        1,
        101,
    )
}

pub(crate) fn list_scripts(q: &SearchScriptsRequestBody) -> Result<(), Error> {
    range(
        "body.page_num",
        q.page_num.map(|s| i64::from(s.get())),
        1,
        1000,
    )?;
    range(
        "body.page_size",
        q.page_size.map(|s| i64::from(s.get())),
        1,
        1000,
    )
}

pub(crate) fn list_templates(q: &ListTemplateByJobIdRequestBody) -> Result<(), Error> {
    range("body.page_num", q.page_num.map(i64::from), 0, 9_999_999)?;
    range(
        "body.page_size",
        q.page_size.map(|s| i64::from(s.get())),
        1,
        100,
    )
}
