//! ListAllScriptByName and ListAllVersionByVersionId (both take SearchScriptsRequestBody).
//!
//! `page_num` and `page_size` must be 1-1000 (400 otherwise); `name` is a case-insensitive
//! substring filter (empty: everything); `create_by` and `enterprise_project_id` filter
//! exactly; `project_id`, when sent, must be the path's project. The script list ignores
//! `script_id` (required by the SDK models); the version list shows the versions of
//! `script_id` (404 for an unknown script) and filters them by `name` only when it is not the
//! script's own name.

use std::sync::Arc;

use aom_api::types::{
    ListAllScriptByNameResponse, ListAllVersionByVersionIdResponse, SearchScriptsRequestBody,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use super::{Listed, fuzzy, page_of, sort_listed};
use crate::app::App;
use crate::error::{ApiError, json_response};
use crate::validation::{decode_body, range};

fn decode(app: &App, body: &Bytes) -> Result<SearchScriptsRequestBody, ApiError> {
    let (query, _): (SearchScriptsRequestBody, Value) = decode_body(body)?;
    range("page_num", query.page_num.map(|n| n.get()), 1, 1000)?;
    range("page_size", query.page_size.map(|n| n.get()), 1, 1000)?;
    if let Some(project) = &query.project_id
        && project.as_str() != app.config.project_id
    {
        return Err(ApiError::field(
            "project_id",
            "must be the project id of the path",
        ));
    }
    Ok(query)
}

fn paging(query: &SearchScriptsRequestBody) -> (u64, u64) {
    (
        query.page_num.map_or(1, |n| u64::from(n.get())),
        query.page_size.map_or(10, |n| u64::from(n.get())),
    )
}

fn total(n: usize) -> Option<i32> {
    Some(i32::try_from(n).unwrap_or(i32::MAX))
}

/// POST /v1/{project_id}/cms/script/list
pub(super) async fn list(State(app): State<Arc<App>>, body: Bytes) -> Result<Response, ApiError> {
    let query = decode(&app, &body)?;
    let name = query
        .name
        .as_deref()
        .map(String::as_str)
        .filter(|n| !n.is_empty());
    let creator = query.create_by.as_deref();
    let project = query.enterprise_project_id.as_deref();
    let mut scripts: Vec<_> = app
        .catalog
        .scripts
        .iter()
        .filter(|s| fuzzy(name, s.name()))
        .filter(|s| creator.is_none_or(|c| s.create_by.as_ref() == Some(c)))
        .filter(|s| project.is_none_or(|p| s.enterprise_project_id.as_ref() == Some(p)))
        .cloned()
        .collect();
    sort_listed(&mut scripts, query.order_by_column, query.sort_order);
    let (page, size) = paging(&query);
    let answer = ListAllScriptByNameResponse {
        total_elements: total(scripts.len()),
        elements: Some(page_of(&scripts, page, size)),
    };
    Ok(json_response(StatusCode::OK, &answer))
}

/// POST /v1/{project_id}/cms/script-version-list
pub(super) async fn versions(
    State(app): State<Arc<App>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let query = decode(&app, &body)?;
    let script_id = query.script_id.as_str();
    let script = app
        .catalog
        .scripts
        .iter()
        .find(|s| s.id.as_deref() == Some(script_id))
        .ok_or_else(|| ApiError::not_found("script", script_id))?;
    let name = query
        .name
        .as_deref()
        .map(String::as_str)
        .filter(|n| !n.is_empty() && Some(*n) != script.name.as_deref());
    let creator = query.create_by.as_deref();
    let mut versions: Vec<_> = app
        .catalog
        .versions
        .iter()
        .filter(|v| v.script_id.as_deref() == Some(script_id))
        .filter(|v| fuzzy(name, v.version_number.as_deref().unwrap_or_default()))
        .filter(|v| creator.is_none_or(|c| v.create_by.as_ref() == Some(c)))
        .cloned()
        .collect();
    sort_listed(&mut versions, query.order_by_column, query.sort_order);
    let (page, size) = paging(&query);
    let answer = ListAllVersionByVersionIdResponse {
        total_elements: total(versions.len()),
        elements: Some(page_of(&versions, page, size)),
    };
    Ok(json_response(StatusCode::OK, &answer))
}
