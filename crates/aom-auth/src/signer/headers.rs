//! The two header models the signer works on, behind one trait:
//!
//! * [`SdkHeaders`]: the official SDK's own model, an insertion-ordered dict with
//!   case-sensitive keys. `Content-Type` and `Authorization` are looked up by exact key,
//!   and two keys differing only in case can coexist (vectors c42, c54).
//! * [`http::HeaderMap`]: what `reqwest` and `http` use. Names are case-insensitive, so an
//!   exact-key lookup is a case-insensitive one, and a name with several values behaves like
//!   the SDK's case-variant duplicates (listed once per value, each with the last value).

use std::borrow::Cow;

use http::header::Entry;
use http::{HeaderMap, HeaderName, HeaderValue};

use super::canonical::trim_value;
use crate::error::SignError;

/// A header the signer adds, spelled as the SDK spells it and in lower case.
#[derive(Debug)]
pub(crate) struct StdHeader {
    pub(crate) sdk: &'static str,
    pub(crate) lower: &'static str,
    /// The same name, pre-parsed for `HeaderMap` look-ups.
    pub(crate) name: HeaderName,
    pub(crate) sensitive: bool,
}

const fn std_header(sdk: &'static str, lower: &'static str, sensitive: bool) -> StdHeader {
    StdHeader {
        sdk,
        lower,
        name: HeaderName::from_static(lower),
        sensitive,
    }
}

pub(crate) static X_PROJECT_ID: StdHeader = std_header("X-Project-Id", "x-project-id", false);
pub(crate) static X_DOMAIN_ID: StdHeader = std_header("X-Domain-Id", "x-domain-id", false);
pub(crate) static X_SECURITY_TOKEN: StdHeader =
    std_header("X-Security-Token", "x-security-token", true);
pub(crate) static X_AUTH_TOKEN: StdHeader = std_header("X-Auth-Token", "x-auth-token", true);
pub(crate) static X_SDK_DATE: StdHeader = std_header("X-Sdk-Date", "x-sdk-date", false);
pub(crate) static HOST: StdHeader = std_header("Host", "host", false);
pub(crate) static AUTHORIZATION: StdHeader = std_header("Authorization", "authorization", true);
pub(crate) static CONTENT_TYPE: StdHeader = std_header("Content-Type", "content-type", false);
pub(crate) static X_SDK_CONTENT_SHA256: StdHeader =
    std_header("X-Sdk-Content-Sha256", "x-sdk-content-sha256", false);
pub(crate) static X_SDK_CONTENT_SM3: StdHeader =
    std_header("X-Sdk-Content-Sm3", "x-sdk-content-sm3", false);

/// Signed headers: lower-case name and trimmed value, unsorted.
pub(crate) type SignedList<'s> = Vec<(Cow<'s, str>, &'s [u8])>;

pub(crate) trait HeaderStore {
    /// The value under exactly this key (case-insensitive for HTTP maps).
    fn get_exact(&self, name: &StdHeader) -> Option<&[u8]>;
    /// Whether any key equals the name ignoring case.
    fn has_ignore_case(&self, name: &StdHeader) -> bool;
    /// The value of the last key equal to the name ignoring case.
    fn last_ignore_case(&self, name: &StdHeader) -> Option<&[u8]>;
    /// Sets the value under exactly this key (replacing it, or appending a new key).
    fn set(&mut self, name: &StdHeader, value: &[u8]) -> Result<(), SignError>;
    /// Removes every key equal to the name ignoring case.
    fn remove_ignore_case(&mut self, name: &StdHeader);
    /// Unless a key equal to the name (ignoring case) exists, sets it to `value()`.
    /// Returns whether the header is now present.
    fn set_if_absent(
        &mut self,
        name: &StdHeader,
        value: &dyn Fn() -> Option<String>,
    ) -> Result<bool, SignError>;
    /// Replaces every value by its trimmed form (so the wire value is the signed value).
    fn trim_values(&mut self);
    /// Appends every signable header (name without `_`) with its canonical value.
    fn signed<'s>(&'s self, out: &mut SignedList<'s>);
}

/// The official SDK's header model: an insertion-ordered dict with case-sensitive keys.
pub type SdkHeaders = Vec<(String, String)>;

fn lower_cow(name: &str) -> Cow<'_, str> {
    if name.chars().any(char::is_uppercase) {
        Cow::Owned(name.to_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// The value of the last key equal to `lower` ignoring case.
fn last_value_of<'a>(headers: &'a SdkHeaders, lower: &str) -> Option<&'a [u8]> {
    headers
        .iter()
        .rev()
        .find(|(k, _)| lower_cow(k) == lower)
        .map(|(_, v)| v.as_bytes())
}

impl HeaderStore for SdkHeaders {
    fn get_exact(&self, name: &StdHeader) -> Option<&[u8]> {
        self.iter()
            .find(|(k, _)| k == name.sdk)
            .map(|(_, v)| v.as_bytes())
    }

    fn has_ignore_case(&self, name: &StdHeader) -> bool {
        self.iter().any(|(k, _)| lower_cow(k) == name.lower)
    }

    fn last_ignore_case(&self, name: &StdHeader) -> Option<&[u8]> {
        last_value_of(self, name.lower)
    }

    fn set(&mut self, name: &StdHeader, value: &[u8]) -> Result<(), SignError> {
        let value = String::from_utf8_lossy(value).into_owned();
        match self.iter_mut().find(|(k, _)| k == name.sdk) {
            Some(entry) => entry.1 = value,
            None => self.push((name.sdk.to_owned(), value)),
        }
        Ok(())
    }

    fn remove_ignore_case(&mut self, name: &StdHeader) {
        self.retain(|(k, _)| lower_cow(k) != name.lower);
    }

    fn set_if_absent(
        &mut self,
        name: &StdHeader,
        value: &dyn Fn() -> Option<String>,
    ) -> Result<bool, SignError> {
        if self.has_ignore_case(name) {
            return Ok(true);
        }
        let Some(value) = value() else {
            return Ok(false);
        };
        self.set(name, value.as_bytes())?;
        Ok(true)
    }

    fn trim_values(&mut self) {
        for (_, v) in self.iter_mut() {
            let trimmed = trim_value(v.as_bytes());
            if trimmed.len() != v.len() {
                *v = String::from_utf8_lossy(trimmed).into_owned();
            }
        }
    }

    fn signed<'s>(&'s self, out: &mut SignedList<'s>) {
        for (k, _) in self.iter().filter(|(k, _)| !k.contains('_')) {
            let name = lower_cow(k);
            // Both case variants carry the value of the later key (vector c54).
            let value = last_value_of(self, &name).unwrap_or_default();
            out.push((name, trim_value(value)));
        }
    }
}

impl HeaderStore for HeaderMap {
    fn get_exact(&self, name: &StdHeader) -> Option<&[u8]> {
        self.get(&name.name).map(HeaderValue::as_bytes)
    }

    fn has_ignore_case(&self, name: &StdHeader) -> bool {
        self.contains_key(&name.name)
    }

    fn last_ignore_case(&self, name: &StdHeader) -> Option<&[u8]> {
        self.get_all(&name.name)
            .iter()
            .next_back()
            .map(HeaderValue::as_bytes)
    }

    fn set(&mut self, name: &StdHeader, value: &[u8]) -> Result<(), SignError> {
        let make = || {
            let mut v = HeaderValue::from_bytes(value)
                .map_err(|_| SignError::InvalidHeaderValue { name: name.sdk })?;
            v.set_sensitive(name.sensitive);
            Ok(v)
        };
        match self.entry(&name.name) {
            Entry::Occupied(mut e) => {
                // Re-signing the same request: keep an identical single value.
                let same = e.get().as_bytes() == value
                    && e.get().is_sensitive() == name.sensitive
                    && e.iter().nth(1).is_none();
                if !same {
                    e.insert(make()?);
                }
            }
            Entry::Vacant(e) => {
                e.insert(make()?);
            }
        }
        Ok(())
    }

    fn set_if_absent(
        &mut self,
        name: &StdHeader,
        value: &dyn Fn() -> Option<String>,
    ) -> Result<bool, SignError> {
        match self.entry(&name.name) {
            Entry::Occupied(_) => Ok(true),
            Entry::Vacant(e) => {
                let Some(value) = value() else {
                    return Ok(false);
                };
                let mut v = HeaderValue::try_from(value)
                    .map_err(|_| SignError::InvalidHeaderValue { name: name.sdk })?;
                v.set_sensitive(name.sensitive);
                e.insert(v);
                Ok(true)
            }
        }
    }

    fn remove_ignore_case(&mut self, name: &StdHeader) {
        self.remove(&name.name);
    }

    fn trim_values(&mut self) {
        for v in self.values_mut() {
            let bytes = v.as_bytes();
            let trimmed = trim_value(bytes);
            if trimmed.len() != bytes.len()
                && let Ok(mut new) = HeaderValue::from_bytes(trimmed)
            {
                new.set_sensitive(v.is_sensitive());
                *v = new;
            }
        }
    }

    fn signed<'s>(&'s self, out: &mut SignedList<'s>) {
        // `iter` yields every value; values of one name are adjacent.
        let start = out.len();
        for (name, value) in self {
            let name = name.as_str();
            if !name.contains('_') {
                out.push((Cow::Borrowed(name), value.as_bytes()));
            }
        }
        // A name with several values is listed once per value, each with the last value
        // (the SDK's case-variant duplicates, vector c54).
        let list = &mut out[start..];
        let mut i = 0;
        while i < list.len() {
            let mut j = i + 1;
            while j < list.len() && list[j].0 == list[i].0 {
                j += 1;
            }
            let last = trim_value(list[j - 1].1);
            for entry in &mut list[i..j] {
                entry.1 = last;
            }
            i = j;
        }
    }
}
