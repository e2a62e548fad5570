//! ListAllJobByName.
//!
//! As the documentation describes, an out-of-range `page_num` (below 1 or above 1000) is
//! silently read as 1 and an out-of-range `page_size` (below 1 or above 101) as 10; every other
//! field is validated. `name` is a case-insensitive substring filter, `enterprise_project_id`
//! (when not empty) an exact one.

use std::sync::Arc;

use aom_api::types::{ListAllJobByNameResponse, SearchJobsRequestBody};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use super::{Listed, fuzzy, page_of, sort_listed};
use crate::app::App;
use crate::error::{ApiError, json_response};
use crate::validation::{decode_value, parse_json};

/// Replaces an out-of-range integer `key` with `default`, as the server does.
fn correct(value: &mut Value, key: &str, min: i64, max: i64, default: i64) {
    if let Some(slot) = value.get_mut(key)
        && let Some(n) = slot.as_i64().or_else(|| slot.as_u64().map(|_| i64::MAX))
        && !(min..=max).contains(&n)
    {
        *slot = Value::from(default);
    }
}

/// POST /v1/{project_id}/cms/job/list
pub(super) async fn list(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, ApiError> {
    let mut raw = parse_json(&body)?;
    correct(&mut raw, "page_num", 1, 1000, 1);
    correct(&mut raw, "page_size", 1, 101, 10);
    let query: SearchJobsRequestBody = decode_value(raw)?;
    let name = query.name.as_deref().map(String::as_str);
    let project = query
        .enterprise_project_id
        .as_deref()
        .filter(|p| !p.is_empty());
    let mut jobs: Vec<_> = app
        .catalog
        .jobs
        .iter()
        .filter(|j| fuzzy(name, j.name()))
        .filter(|j| project.is_none_or(|p| j.enterprise_project_id.as_ref() == Some(p)))
        .cloned()
        .collect();
    sort_listed(&mut jobs, query.order_by_column, query.sort_order);
    let page = query.page_num.map_or(1, |n| u64::from(n.get()));
    let size = query.page_size.map_or(10, |n| u64::from(n.get()));
    let answer = ListAllJobByNameResponse {
        total_elements: Some(i64::try_from(jobs.len()).unwrap_or(i64::MAX)),
        elements: Some(page_of(&jobs, page, size)),
    };
    Ok(json_response(StatusCode::OK, &answer))
}
