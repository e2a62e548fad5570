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

/// One signed header: lower-case name and trimmed value.
pub(crate) type SignedEntry<'s> = (&'s str, &'s [u8]);

/// How many signed headers [`SignedList`] holds without allocating.
const INLINE_SIGNED: usize = 12;

/// The signed headers of one request: on the stack up to [`INLINE_SIGNED`] entries, then on
/// the heap.
pub(crate) struct SignedList<'s> {
    inline: [SignedEntry<'s>; INLINE_SIGNED],
    len: usize,
    /// Every entry, once more than `INLINE_SIGNED` were pushed.
    spilled: Vec<SignedEntry<'s>>,
}

impl<'s> SignedList<'s> {
    #[inline]
    pub(crate) fn new() -> Self {
        Self {
            inline: [("", &[]); INLINE_SIGNED],
            len: 0,
            spilled: Vec::new(),
        }
    }

    #[inline]
    pub(crate) fn push(&mut self, entry: SignedEntry<'s>) {
        if self.spilled.is_empty() {
            if let Some(slot) = self.inline.get_mut(self.len) {
                *slot = entry;
                self.len += 1;
                return;
            }
            self.spilled.reserve(2 * INLINE_SIGNED);
            self.spilled.extend_from_slice(&self.inline);
        }
        self.spilled.push(entry);
    }

    pub(crate) fn as_slice(&self) -> &[SignedEntry<'s>] {
        if self.spilled.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spilled
        }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [SignedEntry<'s>] {
        if self.spilled.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.spilled
        }
    }

    /// Sorts by name (byte order); stable.
    pub(crate) fn sort(&mut self) {
        let list = self.as_mut_slice();
        if list.len() > INLINE_SIGNED {
            list.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            return;
        }
        // Insertion sort: a handful of entries.
        for i in 1..list.len() {
            let mut j = i;
            while j > 0 && name_cmp(list[j - 1].0.as_bytes(), list[j].0.as_bytes()).is_gt() {
                list.swap(j - 1, j);
                j -= 1;
            }
        }
    }
}

/// Byte-wise order of two header names; inlined, because names are short and usually differ
/// in their first bytes (a `memcmp` call costs more than the comparison).
#[inline]
fn name_cmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

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
    /// [`set`](Self::set), given a ready-made `HeaderValue` holding exactly `value`, with
    /// the name's sensitivity, that the HTTP header map inserts instead of building one.
    fn set_ready(
        &mut self,
        name: &StdHeader,
        value: &[u8],
        ready: Option<&HeaderValue>,
    ) -> Result<(), SignError>;
    /// Unless a `Host` key (ignoring case) exists, sets it from `host`. Returns whether the
    /// header is now present.
    fn set_host_if_absent(&mut self, host: Option<HostSource<'_>>) -> Result<bool, SignError>;
    /// Replaces every value by its trimmed form (so the wire value is the signed value).
    fn trim_values(&mut self);
    /// The lower-case names, in iteration order, when the store keeps names in other cases
    /// (empty when every name is lower case already).
    fn lowered_names(&self) -> Vec<String>;
    /// Appends every signable header (name without `_`) with its canonical value. `lowered`
    /// is what [`lowered_names`](Self::lowered_names) returned. Returns whether every value
    /// (signed or not) is trimmed already; if not, the caller trims them and asks again.
    fn signed<'s>(&'s self, lowered: &'s [String], out: &mut SignedList<'s>) -> bool;
}

/// Where the `Host` value comes from (only used when the header is missing).
#[derive(Debug, Clone, Copy)]
pub(crate) enum HostSource<'a> {
    /// `host` or `host:port`, as the SDK's endpoint gives it.
    Netloc(&'a str),
    /// A URL's host and explicit port.
    HostPort(&'a str, Option<u16>),
}

impl HostSource<'_> {
    pub(crate) fn to_value(self) -> String {
        match self {
            Self::Netloc(netloc) => netloc.to_owned(),
            Self::HostPort(host, None) => host.to_owned(),
            Self::HostPort(host, Some(port)) => format!("{host}:{port}"),
        }
    }

    /// The `Host` header value, reused from the last one this thread built for the same host
    /// (a client talks to one endpoint, so this is nearly always a hit).
    fn header_value(self) -> Result<HeaderValue, SignError> {
        let invalid = || SignError::InvalidHeaderValue { name: HOST.sdk };
        let (host, port) = match self {
            Self::Netloc(netloc) => (netloc, None),
            Self::HostPort(host, port) => (host, port),
        };
        LAST_HOST.with(|cell| {
            let Ok(mut last) = cell.try_borrow_mut() else {
                return HeaderValue::try_from(self.to_value()).map_err(|_| invalid());
            };
            if let Some((h, p, value)) = &*last
                && h == host
                && *p == port
            {
                return Ok(value.clone());
            }
            let value = HeaderValue::try_from(self.to_value()).map_err(|_| invalid())?;
            *last = Some((host.to_owned(), port, value.clone()));
            Ok(value)
        })
    }
}

thread_local! {
    /// The last `Host` value built on this thread, with the host and port it was built from.
    static LAST_HOST: std::cell::RefCell<Option<(String, Option<u16>, HeaderValue)>> =
        const { std::cell::RefCell::new(None) };
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

    fn set_ready(
        &mut self,
        name: &StdHeader,
        value: &[u8],
        _ready: Option<&HeaderValue>,
    ) -> Result<(), SignError> {
        self.set(name, value)
    }

    fn set_host_if_absent(&mut self, host: Option<HostSource<'_>>) -> Result<bool, SignError> {
        if self.has_ignore_case(&HOST) {
            return Ok(true);
        }
        let Some(host) = host else {
            return Ok(false);
        };
        self.set(&HOST, host.to_value().as_bytes())?;
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

    fn lowered_names(&self) -> Vec<String> {
        self.iter().map(|(k, _)| k.to_lowercase()).collect()
    }

    fn signed<'s>(&'s self, lowered: &'s [String], out: &mut SignedList<'s>) -> bool {
        let mut trimmed = true;
        for (name, (k, v)) in lowered.iter().zip(self) {
            trimmed &= trim_value(v.as_bytes()).len() == v.len();
            if k.contains('_') {
                continue;
            }
            // Both case variants carry the value of the later key (vector c54).
            let value = last_value_of(self, name).unwrap_or_default();
            out.push((name, trim_value(value)));
        }
        trimmed
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
        self.set_ready(name, value, None)
    }

    fn set_ready(
        &mut self,
        name: &StdHeader,
        value: &[u8],
        ready: Option<&HeaderValue>,
    ) -> Result<(), SignError> {
        if let Some(ready) = ready {
            debug_assert!(ready.as_bytes() == value && ready.is_sensitive() == name.sensitive);
            // Replaces every existing value.
            self.insert(name.name.clone(), ready.clone());
            return Ok(());
        }
        let mut v = HeaderValue::from_bytes(value)
            .map_err(|_| SignError::InvalidHeaderValue { name: name.sdk })?;
        v.set_sensitive(name.sensitive);
        // Replaces every existing value.
        self.insert(name.name.clone(), v);
        Ok(())
    }

    fn set_host_if_absent(&mut self, host: Option<HostSource<'_>>) -> Result<bool, SignError> {
        match self.entry(&HOST.name) {
            Entry::Occupied(_) => Ok(true),
            Entry::Vacant(e) => {
                let Some(host) = host else {
                    return Ok(false);
                };
                e.insert(host.header_value()?);
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

    fn lowered_names(&self) -> Vec<String> {
        // `HeaderName`s are lower case.
        Vec::new()
    }

    fn signed<'s>(&'s self, _lowered: &'s [String], out: &mut SignedList<'s>) -> bool {
        // `iter` yields every value; values of one name are adjacent.
        let start = out.as_slice().len();
        let mut trimmed = true;
        for (name, value) in self {
            let name = name.as_str();
            let value = value.as_bytes();
            let canonical = trim_value(value);
            trimmed &= canonical.len() == value.len();
            // A plain loop: names are short, `memchr` costs more than it saves.
            if !name.bytes().any(|b| b == b'_') {
                out.push((name, canonical));
            }
        }
        if self.keys_len() == self.len() {
            return trimmed;
        }
        // A name with several values is listed once per value, each with the last value
        // (the SDK's case-variant duplicates, vector c54).
        let list = &mut out.as_mut_slice()[start..];
        let mut i = 0;
        while i < list.len() {
            let mut j = i + 1;
            while j < list.len() && list[j].0 == list[i].0 {
                j += 1;
            }
            let last = list[j - 1].1;
            for entry in &mut list[i..j] {
                entry.1 = last;
            }
            i = j;
        }
        trimmed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_list_spills_to_the_heap_and_sorts() {
        let names: Vec<String> = (0..3 * INLINE_SIGNED)
            .rev()
            .map(|i| format!("x-h{i:03}"))
            .collect();
        let mut list = SignedList::new();
        for name in &names {
            list.push((name, name.as_bytes()));
        }
        assert_eq!(list.as_slice().len(), names.len());
        list.sort();
        let sorted: Vec<&str> = list.as_slice().iter().map(|e| e.0).collect();
        let mut expected: Vec<&str> = names.iter().map(String::as_str).collect();
        expected.sort_unstable();
        assert_eq!(sorted, expected);

        let mut small = SignedList::new();
        for name in [
            "x-sdk-date",
            "host",
            "accept",
            "x-project-id",
            "content-type",
            "hos",
        ] {
            small.push((name, b""));
        }
        small.sort();
        let sorted: Vec<&str> = small.as_slice().iter().map(|e| e.0).collect();
        assert_eq!(
            sorted,
            [
                "accept",
                "content-type",
                "hos",
                "host",
                "x-project-id",
                "x-sdk-date"
            ]
        );
    }
}
