//! ListTemplateByJobId and SearchTemplateById.
//!
//! - ListTemplateByJobId: 404 for an unknown job; `page_num` 0-9999999 (0 reads as 1, as the
//!   documentation's own example sends 0), `page_size` 1-100 (default 10); `name` is a
//!   case-insensitive substring filter; `sort_order` defaults to `DESC`.
//! - SearchTemplateById: `share_type` is required and must be the template's own
//!   (`public` for built-in templates, `private` for custom ones); otherwise 404.

use std::sync::Arc;

use aom_api::types::{
    JobId, ListTemplateByJobIdRequestBody, ListTemplateByJobIdResponse, ShareType, SortOrder,
    TemplateId,
};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use bytes::Bytes;
use serde_json::Value;

use super::{Listed, fuzzy, page_of, sort_listed};
use crate::app::App;
use crate::error::{ApiError, json_response};
use crate::validation::{PathParams, QueryParams, decode_body, range};

/// POST /v1/{project_id}/cms/template-list/{job_id}
pub(super) async fn list(
    State(app): State<Arc<App>>,
    params: PathParams,
    body: Bytes,
) -> Result<Response, ApiError> {
    let job_id = params.text::<JobId>("job_id")?;
    let (query, _): (ListTemplateByJobIdRequestBody, Value) = decode_body(&body)?;
    range("page_num", query.page_num, 0, 9_999_999)?;
    range("page_size", query.page_size.map(|n| n.get()), 1, 100)?;
    if !app
        .catalog
        .jobs
        .iter()
        .any(|j| j.id.as_deref() == Some(job_id.as_str()))
    {
        return Err(ApiError::not_found("job", &job_id));
    }
    let name = query.name.as_deref().map(String::as_str);
    let mut templates: Vec<_> = app
        .catalog
        .templates
        .iter()
        .filter(|t| t.job_id.as_deref() == Some(job_id.as_str()))
        .filter(|t| fuzzy(name, t.name()))
        .cloned()
        .collect();
    sort_listed(
        &mut templates,
        query.order_by_column,
        query.sort_order.unwrap_or(SortOrder::Desc),
    );
    let page = query.page_num.map_or(1, |n| u64::try_from(n).unwrap_or(1));
    let size = query.page_size.map_or(10, |n| u64::from(n.get()));
    let answer = ListTemplateByJobIdResponse {
        total_elements: Some(i64::try_from(templates.len()).unwrap_or(i64::MAX)),
        elements: Some(page_of(&templates, page, size)),
    };
    Ok(json_response(StatusCode::OK, &answer))
}

/// GET /v1/{project_id}/cms/template/{template_id}?share_type=
pub(super) async fn search(
    State(app): State<Arc<App>>,
    params: PathParams,
    query: QueryParams,
) -> Result<Response, ApiError> {
    let template_id = params.text::<TemplateId>("template_id")?;
    let share_type: ShareType = query.required("share_type")?;
    let template = app
        .catalog
        .templates
        .iter()
        .find(|t| t.id.as_deref() == Some(template_id.as_str()))
        .ok_or_else(|| ApiError::not_found("template", &template_id))?;
    let own = template.share_type.as_deref().unwrap_or("private");
    if own != share_type.to_string() {
        return Err(ApiError::not_found(
            &format!("{share_type} template"),
            &template_id,
        ));
    }
    Ok(json_response(StatusCode::OK, template))
}
