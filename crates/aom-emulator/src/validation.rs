//! Request decoding and the spec's rules the generated types do not enforce.
//!
//! Bodies are decoded with the generated request types (`aom_api::types`), which check required
//! fields, types, enums, string lengths and patterns; this module adds the numeric ranges
//! (`minimum`/`maximum`), object sizes (`maxProperties`) and array sizes (`minItems`/`maxItems`)
//! of `spec/aom.yaml`, and decodes path and query parameters with the generated id and enum
//! types. Every violation is a 400 `AOM.31001403` whose message names the field and the rule,
//! e.g. `param error: size: must be between 1 and 100 (got 500)`.

use std::collections::HashMap;
use std::fmt::Display;

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::ApiError;

/// Decodes a JSON body into `T`, returning the raw value too (for checks on the raw JSON).
///
/// # Errors
/// 400 for an empty body, malformed JSON, or a value `T` refuses (naming the field).
pub fn decode_body<T: DeserializeOwned>(body: &Bytes) -> Result<(T, Value), ApiError> {
    let value = parse_json(body)?;
    Ok((decode_value(value.clone())?, value))
}

/// Parses a JSON body.
///
/// # Errors
/// 400 for an empty body or malformed JSON.
pub fn parse_json(body: &Bytes) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::param(
            "the request body is required (a JSON object)",
        ));
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::param(format_args!("the body is not valid JSON: {e}")))
}

/// Decodes a JSON value into `T` (a generated request type).
///
/// # Errors
/// 400 naming the field `T` refuses.
pub fn decode_value<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        if path == "." || path.is_empty() {
            ApiError::param(e.inner())
        } else {
            ApiError::field(&path, e.inner())
        }
    })
}

/// Checks `min <= value <= max` for an optional number.
///
/// # Errors
/// 400 naming `field`.
pub fn range<N>(field: &str, value: Option<N>, min: i64, max: i64) -> Result<(), ApiError>
where
    N: Copy + TryInto<i64> + Display,
{
    if let Some(v) = value {
        let n: Option<i64> = v.try_into().ok();
        if !n.is_some_and(|n| (min..=max).contains(&n)) {
            return Err(ApiError::field(
                field,
                format_args!("must be between {min} and {max} (got {v})"),
            ));
        }
    }
    Ok(())
}

/// Checks the number of items (or properties) of a present value.
///
/// # Errors
/// 400 naming `field`.
pub fn count(field: &str, len: usize, min: usize, max: usize) -> Result<(), ApiError> {
    if !(min..=max).contains(&len) {
        return Err(ApiError::field(
            field,
            format_args!("must have {min} to {max} items (got {len})"),
        ));
    }
    Ok(())
}

/// The path parameters of a request, percent-decoded.
#[derive(Debug, Clone, Default)]
pub struct PathParams(HashMap<String, String>);

impl PathParams {
    /// Parameter `name` parsed with a generated type (`WorkflowId`, `JobId`, ...), which checks
    /// its length.
    ///
    /// # Errors
    /// 400 naming the parameter.
    pub fn parse<T: DeserializeOwned>(&self, name: &str) -> Result<T, ApiError> {
        parse_text(name, self.0.get(name).map_or("", String::as_str))
    }

    /// Parameter `name` as text, length-checked with `T`.
    ///
    /// # Errors
    /// 400 naming the parameter.
    pub fn text<T>(&self, name: &str) -> Result<String, ApiError>
    where
        T: DeserializeOwned + std::ops::Deref<Target = String>,
    {
        self.parse::<T>(name).map(|v| v.to_string())
    }
}

/// Parses a path or query value with a generated type's `Deserialize` (its messages list the
/// allowed values of an enum: ``unknown variant `x`, expected one of ...``).
fn parse_text<T: DeserializeOwned>(name: &str, raw: &str) -> Result<T, ApiError> {
    serde_json::from_value(Value::String(raw.to_owned()))
        .map_err(|e| ApiError::field(name, format_args!("{e} (got {raw:?})")))
}

impl<S: Send + Sync> FromRequestParts<S> for PathParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        Path::<HashMap<String, String>>::from_request_parts(parts, state)
            .await
            .map(|Path(map)| Self(map))
            .map_err(|e| ApiError::param(format_args!("invalid path: {}", e.body_text())))
    }
}

/// The query parameters of a request, percent-decoded (the last value of a repeated key wins).
#[derive(Debug, Clone, Default)]
pub struct QueryParams(HashMap<String, String>);

impl QueryParams {
    /// Required parameter `name`, parsed with a generated type.
    ///
    /// # Errors
    /// 400 when absent or invalid.
    pub fn required<T: DeserializeOwned>(&self, name: &str) -> Result<T, ApiError> {
        let raw = self
            .0
            .get(name)
            .ok_or_else(|| ApiError::field(name, "is required"))?;
        parse_text(name, raw)
    }

    /// Optional parameter `name`, parsed with a generated type.
    ///
    /// # Errors
    /// 400 when invalid.
    pub fn optional<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ApiError> {
        self.0
            .contains_key(name)
            .then(|| self.required(name))
            .transpose()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        Ok(Self(
            url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aom_api::types::WorkflowQueryParam;

    #[test]
    fn body_errors_name_the_field() {
        let err = decode_body::<WorkflowQueryParam>(&Bytes::from_static(
            br#"{"sort_field":"create_time","sort_type":"UP"}"#,
        ))
        .unwrap_err();
        assert!(
            err.message
                .starts_with("param error: sort_type: unknown variant"),
            "{}",
            err.message
        );
        let err = decode_body::<WorkflowQueryParam>(&Bytes::from_static(b"{}")).unwrap_err();
        assert!(
            err.message.contains("missing field `sort_field`"),
            "{}",
            err.message
        );
        let err = decode_body::<WorkflowQueryParam>(&Bytes::from_static(b"{")).unwrap_err();
        assert!(err.message.contains("not valid JSON"), "{}", err.message);
        let err = decode_body::<WorkflowQueryParam>(&Bytes::new()).unwrap_err();
        assert!(err.message.contains("required"), "{}", err.message);
    }

    #[test]
    fn query_errors_list_the_allowed_values() {
        let query = QueryParams(HashMap::from([("action".to_owned(), "boom".to_owned())]));
        let err = query
            .required::<aom_api::types::ExecutionAction>("action")
            .unwrap_err();
        assert_eq!(
            err.message,
            "param error: action: unknown variant `boom`, expected one of `restart`, `skip`, \
             `continue` (got \"boom\")"
        );
        let err = query
            .required::<aom_api::types::NodeId>("node_id")
            .unwrap_err();
        assert_eq!(err.message, "param error: node_id: is required");
        let long = QueryParams(HashMap::from([("node_id".to_owned(), "n".repeat(65))]));
        let err = long
            .required::<aom_api::types::NodeId>("node_id")
            .unwrap_err();
        assert!(err.message.contains("longer than 64"), "{}", err.message);
    }

    #[test]
    fn ranges() {
        assert!(range("size", Some(100u32), 1, 100).is_ok());
        let err = range("size", Some(101u32), 1, 100).unwrap_err();
        assert_eq!(
            err.message,
            "param error: size: must be between 1 and 100 (got 101)"
        );
        assert!(range::<i32>("page", None, 0, 1).is_ok());
        assert!(count("quote", 0, 1, 128).is_err());
    }
}
