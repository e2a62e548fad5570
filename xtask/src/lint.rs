//! Rules the spec must follow before progenitor sees it.
//!
//! progenitor panics or silently generates unusable code for several valid OpenAPI shapes (see
//! the project's codegen notes). Checking them here turns each into a one-line message that names
//! the file, the operation or schema, and the rule.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use openapiv3::{
    AdditionalProperties, OpenAPI, Operation, Parameter, ReferenceOr, Response, Schema, SchemaKind,
    StatusCode, Type,
};

use crate::spec::Spec;

/// The rules, named as they appear in messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// Every operation has an operationId.
    OperationIdMissing,
    /// operationIds are snake_case (they become method names verbatim).
    OperationIdCase,
    /// operationIds are unique.
    OperationIdDuplicate,
    /// At most one success body type per operation.
    OneSuccessType,
    /// At most one error body type per operation.
    OneErrorType,
    /// A JSON body must have a schema.
    JsonSchemaMissing,
    /// A request body has exactly one media type.
    OneRequestMediaType,
    /// Path template variables and path parameters match, and path parameters are required.
    PathParameters,
    /// Cookie parameters are not supported.
    CookieParameter,
    /// A `$ref` points nowhere.
    DanglingRef,
    /// No closed enums on response schemas.
    ResponseClosedEnum,
    /// No `additionalProperties: false` on response schemas.
    ResponseClosedObject,
    /// No string constraints on response schemas (they are enforced on decode).
    ResponseStringConstraint,
    /// Integers state `format: int32` or `format: int64`.
    IntegerFormat,
    /// A specific status next to the range that covers it (progenitor sorts the range first,
    /// so the specific arm is dead code).
    ShadowedStatus,
    /// Two generated types share a name.
    DuplicateTypeName,
    /// Two properties of one schema map to the same Rust field name.
    DuplicateFieldName,
}

impl Rule {
    /// The rule's name in messages.
    pub fn name(self) -> &'static str {
        match self {
            Rule::OperationIdMissing => "operation-id-missing",
            Rule::OperationIdCase => "operation-id-snake-case",
            Rule::OperationIdDuplicate => "operation-id-unique",
            Rule::OneSuccessType => "one-success-type",
            Rule::OneErrorType => "one-error-type",
            Rule::JsonSchemaMissing => "json-body-needs-schema",
            Rule::OneRequestMediaType => "one-request-media-type",
            Rule::PathParameters => "path-parameters",
            Rule::CookieParameter => "no-cookie-parameters",
            Rule::DanglingRef => "dangling-ref",
            Rule::ResponseClosedEnum => "response-no-closed-enum",
            Rule::ResponseClosedObject => "response-no-additional-properties-false",
            Rule::ResponseStringConstraint => "response-no-string-constraints",
            Rule::IntegerFormat => "integer-format",
            Rule::ShadowedStatus => "no-status-shadowed-by-range",
            Rule::DuplicateTypeName => "unique-type-names",
            Rule::DuplicateFieldName => "unique-field-names",
        }
    }
}

/// Where a problem is.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Location {
    /// An operation: its id (or `?`), method and path.
    Operation {
        /// operationId, or `?` when missing.
        id: String,
        /// Upper-case HTTP method.
        method: String,
        /// Path template.
        path: String,
    },
    /// A component schema (or a property inside one).
    Schema(String),
    /// A generated type.
    Type(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Operation { id, method, path } => {
                write!(f, "operation `{id}` ({method} {path})")
            }
            Location::Schema(name) => write!(f, "schema `{name}`"),
            Location::Type(name) => write!(f, "generated type `{name}`"),
        }
    }
}

/// One broken rule.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LintProblem {
    /// The spec file.
    pub file: String,
    /// Where in the spec.
    pub location: Location,
    /// Which rule.
    pub rule: Rule,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LintProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: [{}] {}",
            self.file,
            self.location,
            self.rule.name(),
            self.message
        )
    }
}

/// Checks every rule and returns all problems, sorted.
pub fn lint(spec: &Spec) -> Vec<LintProblem> {
    let mut linter = Linter {
        file: &spec.path,
        api: &spec.api,
        problems: Vec::new(),
    };
    linter.operations();
    linter.response_schemas();
    linter.integer_formats();
    let mut problems = linter.problems;
    problems.sort();
    problems.dedup();
    problems
}

struct Linter<'a> {
    file: &'a str,
    api: &'a OpenAPI,
    problems: Vec<LintProblem>,
}

/// What a response body decodes to, for comparing responses with each other.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum BodyKind {
    None,
    Raw,
    Json(String),
}

impl fmt::Display for BodyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyKind::None => f.write_str("no body"),
            BodyKind::Raw => f.write_str("a raw body"),
            BodyKind::Json(s) => f.write_str(s),
        }
    }
}

impl<'a> Linter<'a> {
    fn push(&mut self, location: Location, rule: Rule, message: impl Into<String>) {
        self.problems.push(LintProblem {
            file: self.file.to_string(),
            location,
            rule,
            message: message.into(),
        });
    }

    fn operations(&mut self) {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        for (path, item) in &self.api.paths.paths {
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    self.push(
                        Location::Schema(path.clone()),
                        Rule::DanglingRef,
                        format!("path items by reference (`{reference}`) are not supported"),
                    );
                    continue;
                }
            };
            for (method, op) in item.iter() {
                let method = method.to_uppercase();
                let id = op.operation_id.clone().unwrap_or_else(|| "?".to_string());
                let here = Location::Operation {
                    id: id.clone(),
                    method: method.clone(),
                    path: path.clone(),
                };
                match &op.operation_id {
                    None => self.push(here.clone(), Rule::OperationIdMissing, "has no operationId"),
                    Some(id) => {
                        if !is_snake_case(id) {
                            self.push(
                                here.clone(),
                                Rule::OperationIdCase,
                                format!("operationId `{id}` is not snake_case"),
                            );
                        }
                        let key = format!("{method} {path}");
                        if let Some(other) = seen.insert(id.clone(), key) {
                            self.push(
                                here.clone(),
                                Rule::OperationIdDuplicate,
                                format!("operationId `{id}` is also used by {other}"),
                            );
                        }
                    }
                }
                let mut params: Vec<&ReferenceOr<Parameter>> = item.parameters.iter().collect();
                params.extend(op.parameters.iter());
                self.parameters(&here, path, &params);
                self.request_body(&here, op);
                self.responses(&here, op);
            }
        }
    }

    fn parameters(&mut self, here: &Location, path: &str, params: &[&ReferenceOr<Parameter>]) {
        let template: BTreeSet<String> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_string()))
            .collect();
        let mut declared = BTreeSet::new();
        for p in params {
            let Some(p) = self.resolve_parameter(here, p) else {
                continue;
            };
            match p {
                Parameter::Path { parameter_data, .. } => {
                    if !parameter_data.required {
                        self.push(
                            here.clone(),
                            Rule::PathParameters,
                            format!("path parameter `{}` must be required", parameter_data.name),
                        );
                    }
                    declared.insert(parameter_data.name.clone());
                }
                Parameter::Cookie { parameter_data, .. } => self.push(
                    here.clone(),
                    Rule::CookieParameter,
                    format!(
                        "cookie parameter `{}` is not supported",
                        parameter_data.name
                    ),
                ),
                Parameter::Query { .. } | Parameter::Header { .. } => {}
            }
        }
        for missing in template.difference(&declared) {
            self.push(
                here.clone(),
                Rule::PathParameters,
                format!("path variable `{{{missing}}}` has no path parameter"),
            );
        }
        for extra in declared.difference(&template) {
            self.push(
                here.clone(),
                Rule::PathParameters,
                format!("path parameter `{extra}` does not appear in the path"),
            );
        }
    }

    fn request_body(&mut self, here: &Location, op: &Operation) {
        let Some(body) = &op.request_body else {
            return;
        };
        let body = match resolve(self.api, body, "#/components/requestBodies/", |c, n| {
            c.request_bodies.get(n)
        }) {
            Ok(b) => b,
            Err(reference) => {
                self.push(
                    here.clone(),
                    Rule::DanglingRef,
                    format!("request body `{reference}` does not resolve"),
                );
                return;
            }
        };
        if body.content.len() != 1 {
            let types: Vec<&str> = body.content.keys().map(String::as_str).collect();
            self.push(
                here.clone(),
                Rule::OneRequestMediaType,
                format!(
                    "request body has {} media types ({}); exactly one is supported",
                    types.len(),
                    types.join(", ")
                ),
            );
        }
        for (media, mt) in &body.content {
            if is_json(media) && mt.schema.is_none() {
                self.push(
                    here.clone(),
                    Rule::JsonSchemaMissing,
                    format!("request body `{media}` has no schema"),
                );
            }
        }
    }

    fn responses(&mut self, here: &Location, op: &Operation) {
        let mut success: BTreeMap<BodyKind, Vec<String>> = BTreeMap::new();
        let mut error: BTreeMap<BodyKind, Vec<String>> = BTreeMap::new();
        let mut all: Vec<(String, bool, bool, &ReferenceOr<Response>)> = Vec::new();
        let ranges: BTreeSet<u16> = op
            .responses
            .responses
            .keys()
            .filter_map(|c| match c {
                StatusCode::Range(r) => Some(*r),
                StatusCode::Code(_) => None,
            })
            .collect();
        for code in op.responses.responses.keys() {
            if let StatusCode::Code(c) = code
                && ranges.contains(&(c / 100))
                && c % 100 != 0
            {
                self.push(
                    here.clone(),
                    Rule::ShadowedStatus,
                    format!(
                        "status {c} is also covered by {}XX, which progenitor matches first; list one of them",
                        c / 100
                    ),
                );
            }
        }
        for (code, r) in &op.responses.responses {
            let (label, is_success) = match code {
                StatusCode::Code(c) => (c.to_string(), (100..300).contains(c)),
                StatusCode::Range(r) => (format!("{r}XX"), *r == 2),
            };
            all.push((label, is_success, !is_success, r));
        }
        if let Some(r) = &op.responses.default {
            // progenitor treats `default` as both a success and an error response.
            all.push(("default".to_string(), true, true, r));
        }
        for (label, is_success, is_error, r) in all {
            let Some(kind) = self.body_kind(here, &label, r) else {
                continue;
            };
            if is_success {
                success.entry(kind.clone()).or_default().push(label.clone());
            }
            if is_error {
                error.entry(kind).or_default().push(label);
            }
        }
        for (map, rule, what) in [
            (&success, Rule::OneSuccessType, "success"),
            (&error, Rule::OneErrorType, "error"),
        ] {
            if map.len() > 1 {
                let parts: Vec<String> = map
                    .iter()
                    .map(|(kind, codes)| format!("{} → {kind}", codes.join("/")))
                    .collect();
                self.push(
                    here.clone(),
                    rule,
                    format!(
                        "{what} responses have {} different bodies ({}); use one schema for all",
                        map.len(),
                        parts.join("; ")
                    ),
                );
            }
        }
    }

    fn body_kind(
        &mut self,
        here: &Location,
        label: &str,
        r: &ReferenceOr<Response>,
    ) -> Option<BodyKind> {
        let response = match resolve(self.api, r, "#/components/responses/", |c, n| {
            c.responses.get(n)
        }) {
            Ok(r) => r,
            Err(reference) => {
                self.push(
                    here.clone(),
                    Rule::DanglingRef,
                    format!("response {label} `{reference}` does not resolve"),
                );
                return None;
            }
        };
        if let Some((media, mt)) = response.content.iter().find(|(m, _)| is_json(m)) {
            return match &mt.schema {
                None => {
                    self.push(
                        here.clone(),
                        Rule::JsonSchemaMissing,
                        format!("response {label} `{media}` has no schema"),
                    );
                    None
                }
                Some(ReferenceOr::Reference { reference }) => {
                    Some(BodyKind::Json(format!("`{reference}`")))
                }
                Some(ReferenceOr::Item(schema)) => Some(BodyKind::Json(format!(
                    "an inline schema {}",
                    serde_json::to_string(schema).unwrap_or_default()
                ))),
            };
        }
        Some(if response.content.is_empty() {
            BodyKind::None
        } else {
            BodyKind::Raw
        })
    }

    /// Component schemas reachable from any response must decode whatever the server sends.
    fn response_schemas(&mut self) {
        let mut roots: Vec<(String, &Schema)> = Vec::new();
        let mut names: BTreeSet<String> = BTreeSet::new();
        let components = self.api.components.as_ref();
        for item in self.api.paths.paths.values() {
            let ReferenceOr::Item(item) = item else {
                continue;
            };
            for (method, op) in item.iter() {
                let op_name = op.operation_id.clone().unwrap_or_else(|| "?".into());
                let responses = op
                    .responses
                    .responses
                    .values()
                    .chain(op.responses.default.iter());
                for r in responses {
                    let response = resolve(self.api, r, "#/components/responses/", |c, n| {
                        c.responses.get(n)
                    })
                    .ok();
                    for mt in response.into_iter().flat_map(|r| r.content.values()) {
                        match &mt.schema {
                            Some(ReferenceOr::Item(s)) => {
                                roots.push((format!("{op_name} ({method}) response"), s))
                            }
                            Some(ReferenceOr::Reference { reference }) => {
                                if let Some(n) = ref_name(reference, "#/components/schemas/") {
                                    names.insert(n.to_string());
                                }
                            }
                            None => {}
                        }
                    }
                }
            }
        }
        let mut stack: Vec<(String, &Schema)> = roots;
        let mut visited: BTreeSet<String> = BTreeSet::new();
        let mut pending: Vec<String> = names.into_iter().collect();
        loop {
            while let Some(name) = pending.pop() {
                if !visited.insert(name.clone()) {
                    continue;
                }
                match components.and_then(|c| c.schemas.get(&name)) {
                    Some(ReferenceOr::Item(s)) => stack.push((name, s)),
                    Some(ReferenceOr::Reference { reference }) => {
                        if let Some(n) = ref_name(reference, "#/components/schemas/") {
                            pending.push(n.to_string());
                        }
                    }
                    None => self.push(
                        Location::Schema(name.clone()),
                        Rule::DanglingRef,
                        "is referenced but not defined",
                    ),
                }
            }
            let Some((name, schema)) = stack.pop() else {
                break;
            };
            self.check_response_schema(&name, schema, &mut pending, &mut stack);
        }
    }

    fn check_response_schema<'s>(
        &mut self,
        name: &str,
        schema: &'s Schema,
        pending: &mut Vec<String>,
        stack: &mut Vec<(String, &'s Schema)>,
    ) {
        let here = Location::Schema(name.to_string());
        let mut child = |label: String, s: &'s ReferenceOr<Box<Schema>>| match s {
            ReferenceOr::Item(s) => stack.push((label, s.as_ref())),
            ReferenceOr::Reference { reference } => {
                if let Some(n) = ref_name(reference, "#/components/schemas/") {
                    pending.push(n.to_string());
                }
            }
        };
        let used = "is used in a response";
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                if !s.enumeration.is_empty() {
                    self.push(
                        here.clone(),
                        Rule::ResponseClosedEnum,
                        format!(
                            "{used} but has a closed `enum`; use a plain string and list the known values in the description"
                        ),
                    );
                }
                if s.min_length.is_some() || s.max_length.is_some() || s.pattern.is_some() {
                    self.push(
                        here,
                        Rule::ResponseStringConstraint,
                        format!(
                            "{used} but has minLength/maxLength/pattern, which fail decoding; state the limit in the description"
                        ),
                    );
                }
            }
            SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => self.push(
                here,
                Rule::ResponseClosedEnum,
                format!("{used} but has a closed integer `enum`"),
            ),
            SchemaKind::Type(Type::Object(o)) => {
                if matches!(
                    o.additional_properties,
                    Some(AdditionalProperties::Any(false))
                ) {
                    self.push(
                        here.clone(),
                        Rule::ResponseClosedObject,
                        format!(
                            "{used} but has `additionalProperties: false`, which rejects any new field"
                        ),
                    );
                }
                for (prop, s) in &o.properties {
                    child(format!("{name}.{prop}"), s);
                }
                if let Some(AdditionalProperties::Schema(s)) = &o.additional_properties {
                    match s.as_ref() {
                        ReferenceOr::Item(s) => stack.push((format!("{name}.*"), s)),
                        ReferenceOr::Reference { reference } => {
                            if let Some(n) = ref_name(reference, "#/components/schemas/") {
                                pending.push(n.to_string());
                            }
                        }
                    }
                }
            }
            SchemaKind::Type(Type::Array(a)) => {
                if let Some(items) = &a.items {
                    child(format!("{name}[]"), items);
                }
            }
            SchemaKind::OneOf { one_of: list }
            | SchemaKind::AllOf { all_of: list }
            | SchemaKind::AnyOf { any_of: list } => {
                for s in list {
                    match s {
                        ReferenceOr::Item(s) => stack.push((name.to_string(), s)),
                        ReferenceOr::Reference { reference } => {
                            if let Some(n) = ref_name(reference, "#/components/schemas/") {
                                pending.push(n.to_string());
                            }
                        }
                    }
                }
            }
            SchemaKind::Any(a) => {
                if !a.enumeration.is_empty() {
                    self.push(
                        here.clone(),
                        Rule::ResponseClosedEnum,
                        format!("{used} but has a closed `enum`"),
                    );
                }
                if matches!(
                    a.additional_properties,
                    Some(AdditionalProperties::Any(false))
                ) {
                    self.push(
                        here,
                        Rule::ResponseClosedObject,
                        format!("{used} but has `additionalProperties: false`"),
                    );
                }
            }
            _ => {}
        }
    }

    /// `type: integer` without a format becomes i64, or u64 when `minimum: 0`; say which.
    fn integer_formats(&mut self) {
        let Some(components) = &self.api.components else {
            return;
        };
        let mut found = Vec::new();
        for (name, schema) in &components.schemas {
            if let ReferenceOr::Item(schema) = schema {
                walk_integers(name, schema, &mut found);
            }
        }
        for name in found {
            self.push(
                Location::Schema(name),
                Rule::IntegerFormat,
                "integer without `format: int32` or `format: int64` (the Rust type would depend on `minimum`)",
            );
        }
    }

    fn resolve_parameter<'p>(
        &mut self,
        here: &Location,
        p: &'p ReferenceOr<Parameter>,
    ) -> Option<&'p Parameter>
    where
        'a: 'p,
    {
        match resolve(self.api, p, "#/components/parameters/", |c, n| {
            c.parameters.get(n)
        }) {
            Ok(p) => Some(p),
            Err(reference) => {
                self.push(
                    here.clone(),
                    Rule::DanglingRef,
                    format!("parameter `{reference}` does not resolve"),
                );
                None
            }
        }
    }
}

fn walk_integers(name: &str, schema: &Schema, found: &mut Vec<String>) {
    let walk_box = |label: String, s: &ReferenceOr<Box<Schema>>, found: &mut Vec<String>| {
        if let ReferenceOr::Item(s) = s {
            walk_integers(&label, s, found);
        }
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Integer(i)) => {
            if matches!(i.format, openapiv3::VariantOrUnknownOrEmpty::Empty) {
                found.push(name.to_string());
            }
        }
        SchemaKind::Type(Type::Object(o)) => {
            for (prop, s) in &o.properties {
                walk_box(format!("{name}.{prop}"), s, found);
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            if let Some(items) = &a.items {
                walk_box(format!("{name}[]"), items, found);
            }
        }
        _ => {}
    }
}

/// Follows one level of `$ref` into `components`; the error is the reference that did not resolve.
fn resolve<'x, T>(
    api: &'x OpenAPI,
    item: &'x ReferenceOr<T>,
    prefix: &str,
    pick: impl Fn(&'x openapiv3::Components, &str) -> Option<&'x ReferenceOr<T>>,
) -> Result<&'x T, &'x str> {
    match item {
        ReferenceOr::Item(t) => Ok(t),
        ReferenceOr::Reference { reference } => ref_name(reference, prefix)
            .and_then(|name| api.components.as_ref().and_then(|c| pick(c, name)))
            .and_then(ReferenceOr::as_item)
            .ok_or(reference.as_str()),
    }
}

fn is_json(media: &str) -> bool {
    media == "application/json" || media.starts_with("application/json;")
}

fn is_snake_case(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '_'))
        && !id.contains("__")
        && !id.ends_with('_')
}

fn ref_name<'r>(reference: &'r str, prefix: &str) -> Option<&'r str> {
    reference.strip_prefix(prefix)
}

#[cfg(test)]
mod tests {
    use super::is_snake_case;

    #[test]
    fn snake_case() {
        assert!(is_snake_case("list_workflow"));
        assert!(is_snake_case("list2"));
        assert!(!is_snake_case("ListWorkflow"));
        assert!(!is_snake_case("list-workflow"));
        assert!(!is_snake_case("_list"));
        assert!(!is_snake_case("list__x"));
    }
}
