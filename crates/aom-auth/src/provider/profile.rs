//! The profile provider: `~/.huaweicloud/credentials`, an INI file.
//!
//! ```text
//! [basic]
//! ak = ...
//! sk = ...
//! project_id = ...
//!
//! [global]
//! ak = ...
//! sk = ...
//! domain_id = ...
//! ```
//!
//! Section names are case-sensitive, keys are not. Parsing follows Python's `configparser`
//! (which the official SDK uses): `=` or `:` separates key and value, full-line `#` / `;`
//! comments, indented continuation lines, a `[DEFAULT]` section whose keys every section
//! inherits, and duplicate sections or keys are errors.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::env::{EnvSource, HUAWEICLOUD_SDK_CREDENTIALS_FILE, ProcessEnv};
use super::{BoxFuture, ProvideCredentials};
use crate::credentials::Credentials;
use crate::error::ProviderError;

/// Which section of the file to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProfileScope {
    /// `[basic]`: project-scoped credentials (AOM). Falls back to `[basiccredentials]`, the
    /// section the official SDK's client builder looks up by mistake.
    #[default]
    Basic,
    /// `[global]`: domain-scoped credentials. Falls back to `[globalcredentials]`.
    Global,
}

impl ProfileScope {
    fn sections(self) -> [&'static str; 2] {
        match self {
            Self::Basic => ["basic", "basiccredentials"],
            Self::Global => ["global", "globalcredentials"],
        }
    }
}

/// A parsed INI section: lower-cased keys with their values, in file order.
type Section = Vec<(String, String)>;

/// A parse error: 1-based line number and message.
type ParseError = (usize, String);

/// Parses INI text like Python's `configparser` (strict mode, no inline comments).
fn parse_ini(text: &str) -> Result<Vec<(String, Section)>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut sections: Vec<(String, Section)> = Vec::new();
    // Whether the previous non-blank line was an option (continuations attach to it).
    let mut last_option = false;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            last_option = false;
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        let indented = raw.starts_with([' ', '\t']);
        if indented && last_option {
            if let Some((_, section)) = sections.last_mut()
                && let Some((_, value)) = section.last_mut()
            {
                value.push('\n');
                value.push_str(trimmed);
            }
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[') {
            // The line's text is never echoed: a mistyped line may hold a secret.
            let name = name
                .strip_suffix(']')
                .ok_or_else(|| (line_no, "a section header without its closing ]".to_owned()))?;
            if sections.iter().any(|(n, _)| n == name) {
                return Err((line_no, format!("duplicate section [{name}]")));
            }
            sections.push((name.to_owned(), Vec::new()));
            last_option = false;
            continue;
        }
        let Some(pos) = trimmed.find(['=', ':']) else {
            return Err((
                line_no,
                "expected `key = value` but the line has no '=' (its text is not shown: it may hold a secret)"
                    .to_owned(),
            ));
        };
        let key = trimmed[..pos].trim().to_lowercase();
        let value = trimmed[pos + 1..].trim().to_owned();
        if key.is_empty() {
            return Err((line_no, "empty key".to_owned()));
        }
        let Some((section_name, section)) = sections.last_mut() else {
            return Err((line_no, "key outside of any [section]".to_owned()));
        };
        if section.iter().any(|(k, _)| *k == key) {
            return Err((
                line_no,
                format!("duplicate key {key:?} in [{section_name}]"),
            ));
        }
        section.push((key, value));
        last_option = true;
    }
    Ok(sections)
}

/// Reads a section of the credentials file.
///
/// * no file at the default path, or no matching section: [`ProviderError::NotConfigured`];
/// * a file named by `HUAWEICLOUD_SDK_CREDENTIALS_FILE` that does not exist, a file that does
///   not parse, or a section with `ak` but no `sk` (or the reverse): [`ProviderError::Invalid`]
///   naming the file (and line).
#[derive(Clone)]
pub struct ProfileProvider {
    env: Arc<dyn EnvSource>,
    path: Option<PathBuf>,
    scope: ProfileScope,
}

impl fmt::Debug for ProfileProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProfileProvider")
            .field("path", &self.path)
            .field("scope", &self.scope)
            .finish_non_exhaustive()
    }
}

impl Default for ProfileProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl ProfileProvider {
    /// Reads `[basic]` of the default file, with the process environment.
    #[must_use]
    pub fn new() -> Self {
        Self::with_env(Arc::new(ProcessEnv))
    }

    /// Uses `env` for `HUAWEICLOUD_SDK_CREDENTIALS_FILE` and the home directory.
    #[must_use]
    pub fn with_env(env: Arc<dyn EnvSource>) -> Self {
        Self {
            env,
            path: None,
            scope: ProfileScope::Basic,
        }
    }

    /// Reads this file (takes precedence over the environment).
    #[must_use]
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Reads this section.
    #[must_use]
    pub fn with_scope(mut self, scope: ProfileScope) -> Self {
        self.scope = scope;
        self
    }

    /// The file to read, and whether it was named explicitly.
    fn resolve_path(&self) -> Result<(PathBuf, bool), ProviderError> {
        if let Some(p) = &self.path {
            return Ok((p.clone(), true));
        }
        if let Some(p) = self
            .env
            .var(HUAWEICLOUD_SDK_CREDENTIALS_FILE)
            .filter(|p| !p.is_empty())
        {
            return Ok((PathBuf::from(p), true));
        }
        let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
        let home = self
            .env
            .var(home_var)
            .filter(|h| !h.is_empty())
            .ok_or_else(|| {
                ProviderError::NotConfigured(format!(
                    "{home_var} is not set, so ~/.huaweicloud/credentials cannot be found"
                ))
            })?;
        Ok((
            Path::new(&home).join(".huaweicloud").join("credentials"),
            false,
        ))
    }

    /// Loads credentials synchronously.
    ///
    /// # Errors
    /// See the type's documentation.
    pub fn load(&self) -> Result<Credentials, ProviderError> {
        let (path, explicit) = self.resolve_path()?;
        let shown = path.display();
        let text = match std::fs::read(&path) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|e| {
                ProviderError::invalid(
                    format!("credentials file {shown}"),
                    format!("not UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
                return Err(ProviderError::NotConfigured(format!(
                    "no credentials file at {shown}"
                )));
            }
            Err(e) => {
                return Err(ProviderError::invalid(
                    format!("credentials file {shown}"),
                    format!("cannot be read: {e}"),
                ));
            }
        };
        let sections = parse_ini(&text).map_err(|(line, msg)| {
            ProviderError::invalid(format!("credentials file {shown} line {line}"), msg)
        })?;
        let defaults: Section = sections
            .iter()
            .find(|(n, _)| n == "DEFAULT")
            .map(|(_, s)| s.clone())
            .unwrap_or_default();
        let names = self.scope.sections();
        let Some((section_name, section)) = names
            .iter()
            .find_map(|want| sections.iter().find(|(n, _)| n == want))
        else {
            return Err(ProviderError::NotConfigured(format!(
                "{shown} has no [{}] section",
                names[0]
            )));
        };
        let get = |key: &str| {
            section
                .iter()
                .chain(defaults.iter())
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .filter(|v| !v.is_empty())
        };
        let source = format!("credentials file {shown} section [{section_name}]");
        let (ak, sk) = match (get("ak"), get("sk")) {
            (Some(ak), Some(sk)) => (ak, sk),
            (Some(_), None) => {
                return Err(ProviderError::invalid(
                    source,
                    "ak is set but sk is missing or empty",
                ));
            }
            (None, Some(_)) => {
                return Err(ProviderError::invalid(
                    source,
                    "sk is set but ak is missing or empty",
                ));
            }
            (None, None) => {
                let reason = if get("idp_id").is_some() && get("id_token_file").is_some() {
                    "idp_id / id_token_file select federated credentials, which aom-auth does not support"
                } else {
                    "ak and sk are missing"
                };
                return Err(ProviderError::invalid(source, reason));
            }
        };
        let project = get("project_id");
        let domain = get("domain_id");
        // A present (even empty) security_token key makes temporary credentials.
        let token = section
            .iter()
            .chain(defaults.iter())
            .find(|(k, _)| k == "security_token")
            .map(|(_, v)| v.clone());
        Ok(Credentials::from_aksk(ak, sk, token, project, domain))
    }
}

impl ProvideCredentials for ProfileProvider {
    fn name(&self) -> &str {
        "profile"
    }

    fn provide(&self) -> BoxFuture<'_, Result<Credentials, ProviderError>> {
        Box::pin(std::future::ready(self.load()))
    }
}

#[cfg(test)]
mod tests {
    use super::parse_ini;

    #[test]
    fn configparser_like() {
        let ini = "\u{feff}# comment\n[DEFAULT]\nproject_id = p0\n\n[basic]\nAK = a\nsk: s\n  continued\n; c\n[global]\nak=b\n";
        let parsed = parse_ini(ini).unwrap();
        assert_eq!(parsed[1].0, "basic");
        assert_eq!(parsed[1].1[0], ("ak".into(), "a".into()));
        assert_eq!(parsed[1].1[1], ("sk".into(), "s\ncontinued".into()));
        assert_eq!(parse_ini("ak = x\n").unwrap_err().0, 1);
        assert_eq!(parse_ini("[a]\n[a]\n").unwrap_err().0, 2);
        assert_eq!(parse_ini("[a]\nk=1\nk=2\n").unwrap_err().0, 3);
        assert_eq!(parse_ini("[a]\njunk\n").unwrap_err().0, 2);
        assert_eq!(parse_ini("[a\n").unwrap_err().0, 1);
    }
}
