//! Canonicalisation: URI, query string, header values and the `X-Sdk-Date` format.
//!
//! Everything here mirrors the official Huawei Cloud SDK core byte for byte, including the
//! quirks pinned by the golden vectors (see `tests/vectors/README.md`):
//!
//! * the path is percent-decoded **as a whole** first (invalid UTF-8 becomes U+FFFD, a `%`
//!   not followed by two hex digits stays, `+` stays), then split on `/` and every segment is
//!   re-encoded keeping only the RFC 3986 unreserved set; a trailing `/` is always added;
//! * query pairs are sorted by their **raw** key and value before encoding, `%20` never `+`,
//!   values are not decoded first, booleans render `true`/`false` alone and `True`/`False`
//!   inside a list, an empty list drops its key;
//! * header values are trimmed of Python whitespace at both ends only.

use std::borrow::Cow;
use std::cmp::Ordering;

/// Upper-case hex digits used by the percent-encoder.
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Lookup table: bit 0 = unreserved, bit 1 = unreserved or `/`.
const CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        // `i < 256`, so the cast is lossless.
        #[allow(clippy::cast_possible_truncation)]
        let b = i as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            table[i] = 0b11;
        } else if b == b'/' {
            table[i] = 0b10;
        }
        i += 1;
    }
    table
};

/// `true` for the RFC 3986 unreserved set `A-Z a-z 0-9 - _ . ~`.
#[inline]
pub(crate) const fn is_unreserved(b: u8) -> bool {
    CLASS[b as usize] & 1 != 0
}

/// Appends `bytes` to `out`, keeping unreserved bytes and writing every other byte as `%XX`
/// with upper-case hex (Python's `quote(s, safe='')`).
pub(crate) fn encode_into(out: &mut Vec<u8>, bytes: &[u8]) {
    // Fast path: copy runs of unreserved bytes in one go.
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !is_unreserved(b) {
            out.extend_from_slice(&bytes[start..i]);
            out.extend_from_slice(&[
                b'%',
                HEX_UPPER[usize::from(b >> 4)],
                HEX_UPPER[usize::from(b & 0x0f)],
            ]);
            start = i + 1;
        }
    }
    out.extend_from_slice(&bytes[start..]);
}

#[inline]
const fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Percent-decodes `input`. A `%` that is not followed by two hex digits is kept as is.
/// With `plus_is_space`, `+` decodes to a space (form encoding, used for query strings
/// found in URLs); otherwise `+` is kept (Python's `unquote`, used for paths).
pub(crate) fn percent_decode(input: &[u8], plus_is_space: bool) -> Cow<'_, [u8]> {
    let needs = input
        .iter()
        .any(|&b| b == b'%' || (plus_is_space && b == b'+'));
    if !needs {
        return Cow::Borrowed(input);
    }
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while i < input.len() {
        let b = input[i];
        if b == b'%'
            && let (Some(h), Some(l)) = (
                input.get(i + 1).copied().and_then(hex_val),
                input.get(i + 2).copied().and_then(hex_val),
            )
        {
            out.push((h << 4) | l);
            i += 3;
            continue;
        }
        out.push(if plus_is_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    Cow::Owned(out)
}

/// Writes the canonical URI of `path` to `out` (see [`canonical_uri`]).
pub(crate) fn write_canonical_uri(out: &mut Vec<u8>, path: &str) {
    let bytes = path.as_bytes();
    // Fast path: nothing to decode and nothing to encode. Checked a chunk at a time, without
    // a branch per byte.
    let plain = |chunk: &[u8]| {
        chunk
            .iter()
            .fold(0b10, |acc, &b| acc & CLASS[usize::from(b)])
            != 0
    };
    let chunks = bytes.chunks_exact(16);
    if plain(chunks.remainder()) && chunks.into_iter().all(plain) {
        out.extend_from_slice(bytes);
    } else {
        let decoded = percent_decode(bytes, false);
        let text = String::from_utf8_lossy(&decoded);
        let mut first = true;
        for segment in text.split('/') {
            if !first {
                out.push(b'/');
            }
            first = false;
            encode_into(out, segment.as_bytes());
        }
    }
    if out.last() != Some(&b'/') {
        out.push(b'/');
    }
}

/// The canonical URI of a resource path, as the official SDK computes it.
///
/// ```
/// # use aom_auth::signer::canonical_uri;
/// assert_eq!(canonical_uri("/v1/a%2Fb/%7Ex"), "/v1/a/b/~x/");
/// assert_eq!(canonical_uri("/v1/x/100%/y%FF"), "/v1/x/100%25/y%EF%BF%BD/");
/// ```
#[must_use]
pub fn canonical_uri(path: &str) -> String {
    let mut out = Vec::with_capacity(path.len() + 1);
    write_canonical_uri(&mut out, path);
    String::from_utf8_lossy(&out).into_owned()
}

/// The canonical query string of typed parameters, as the official SDK computes it. This is
/// also the query string to send.
///
/// ```
/// # use aom_auth::signer::{canonical_query, QueryValue};
/// let params = vec![
///     ("limit".to_owned(), QueryValue::Int(10)),
///     ("name".to_owned(), QueryValue::from("a b")),
/// ];
/// assert_eq!(canonical_query(&params), "limit=10&name=a%20b");
/// ```
#[must_use]
pub fn canonical_query(params: &[(String, QueryValue)]) -> String {
    let mut out = Vec::new();
    write_canonical_query_typed(&mut out, params);
    String::from_utf8_lossy(&out).into_owned()
}

/// A query parameter value with the JSON/Python type that decides how the official SDK
/// renders and sorts it.
///
/// Values parsed from a URL are always [`QueryValue::Str`]; the other variants exist so that a
/// caller (or a vector file) holding typed values signs exactly like the Python SDK, where
/// integers of one key sort numerically (`9 < 10`) while strings sort lexicographically
/// (`"10" < "9"`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum QueryValue {
    /// A string, used as is.
    Str(String),
    /// An integer, rendered in decimal.
    Int(i128),
    /// A float, rendered like Python's `str(float)` (`0.1`, `1.5`, `1e+16`, `1e-05`).
    Float(f64),
    /// A boolean: `true`/`false` on its own, `True`/`False` inside a list.
    Bool(bool),
    /// A list: sorted, one `key=element` pair per element; an empty list drops the key.
    List(Vec<QueryValue>),
}

impl From<&str> for QueryValue {
    fn from(value: &str) -> Self {
        Self::Str(value.to_owned())
    }
}

impl From<String> for QueryValue {
    fn from(value: String) -> Self {
        Self::Str(value)
    }
}

impl From<i64> for QueryValue {
    fn from(value: i64) -> Self {
        Self::Int(i128::from(value))
    }
}

impl From<bool> for QueryValue {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<f64> for QueryValue {
    fn from(value: f64) -> Self {
        Self::Float(value)
    }
}

impl QueryValue {
    /// Type rank used only when Python would refuse to compare two values (it raises
    /// `TypeError`); gives a deterministic order instead.
    fn rank(&self) -> u8 {
        match self {
            Self::Int(_) | Self::Float(_) | Self::Bool(_) => 0,
            Self::Str(_) => 1,
            Self::List(_) => 2,
        }
    }

    fn as_number(&self) -> Option<f64> {
        match self {
            // Precision loss above 2^53 only matters for mixed int/float comparisons.
            #[allow(clippy::cast_precision_loss)]
            Self::Int(i) => Some(*i as f64),
            Self::Float(f) => Some(*f),
            Self::Bool(b) => Some(f64::from(u8::from(*b))),
            _ => None,
        }
    }

    /// Python's ordering of two values (`a < b`), used for sorting.
    fn py_cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Str(a), Self::Str(b)) => a.as_bytes().cmp(b.as_bytes()),
            (Self::Int(a), Self::Int(b)) => a.cmp(b),
            (Self::List(a), Self::List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    let o = x.py_cmp(y);
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                a.len().cmp(&b.len())
            }
            _ => match (self.as_number(), other.as_number()) {
                (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
                _ => self.rank().cmp(&other.rank()),
            },
        }
    }

    /// Python's `str(value)` (used for list elements).
    fn write_py_str(&self, out: &mut String) {
        match self {
            Self::Str(s) => out.push_str(s),
            Self::Int(i) => out.push_str(&i.to_string()),
            Self::Float(f) => out.push_str(&python_float_repr(*f)),
            Self::Bool(true) => out.push_str("True"),
            Self::Bool(false) => out.push_str("False"),
            Self::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if let Self::Str(s) = item {
                        out.push('\'');
                        out.push_str(s);
                        out.push('\'');
                    } else {
                        item.write_py_str(out);
                    }
                }
                out.push(']');
            }
        }
    }
}

/// Renders a float like Python 3's `repr(float)` / `str(float)`.
///
/// ```
/// # use aom_auth::signer::python_float_repr;
/// assert_eq!(python_float_repr(0.1), "0.1");
/// assert_eq!(python_float_repr(100.0), "100.0");
/// assert_eq!(python_float_repr(1e16), "1e+16");
/// assert_eq!(python_float_repr(1.5e-5), "1.5e-05");
/// ```
#[must_use]
pub fn python_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_owned();
    }
    // Rust's `{:e}` gives the shortest round-trip digits, like Python's repr.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = mantissa
        .strip_prefix('-')
        .map_or(("", mantissa), |m| ("-", m));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let mut out = String::with_capacity(digits.len() + 8);
    out.push_str(sign);
    if !(-4..16).contains(&exp) {
        // Scientific: d[.ddd]e±XX (at least two exponent digits).
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let abs = exp.unsigned_abs();
        if abs < 10 {
            out.push('0');
        }
        out.push_str(&abs.to_string());
    } else if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(&digits);
    } else {
        let int_len = usize::try_from(exp).unwrap_or(0) + 1;
        if digits.len() <= int_len {
            out.push_str(&digits);
            for _ in digits.len()..int_len {
                out.push('0');
            }
            out.push_str(".0");
        } else {
            out.push_str(&digits[..int_len]);
            out.push('.');
            out.push_str(&digits[int_len..]);
        }
    }
    out
}

/// Writes the canonical query string of typed parameters (the official SDK's model).
pub(crate) fn write_canonical_query_typed(out: &mut Vec<u8>, params: &[(String, QueryValue)]) {
    if params.is_empty() {
        return;
    }
    let mut sorted: Vec<&(String, QueryValue)> = params.iter().collect();
    sorted.sort_by(|a, b| {
        a.0.as_bytes()
            .cmp(b.0.as_bytes())
            .then_with(|| a.1.py_cmp(&b.1))
    });
    let mut first = true;
    let mut scratch = String::new();
    let mut push_pair = |out: &mut Vec<u8>, key: &str, value: &[u8]| {
        if !first {
            out.push(b'&');
        }
        first = false;
        encode_into(out, key.as_bytes());
        out.push(b'=');
        encode_into(out, value);
    };
    for (key, value) in sorted {
        match value {
            QueryValue::List(items) => {
                let mut items: Vec<&QueryValue> = items.iter().collect();
                items.sort_by(|a, b| a.py_cmp(b));
                for item in items {
                    scratch.clear();
                    item.write_py_str(&mut scratch);
                    push_pair(out, key, scratch.as_bytes());
                }
            }
            QueryValue::Bool(b) => push_pair(out, key, if *b { b"true" } else { b"false" }),
            other => {
                scratch.clear();
                other.write_py_str(&mut scratch);
                push_pair(out, key, scratch.as_bytes());
            }
        }
    }
}

/// How pairs of a raw query string are ordered before encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawQueryOrder {
    /// Sort by raw key, then raw value (what the SDK does with string values).
    KeyThenValue,
    /// Stable sort by raw key only, keeping the received order of values of one key
    /// (accepts the SDK's numeric ordering of integer values, e.g. `n=9&n=10`).
    KeyOnly,
}

/// Splits a raw URL query into decoded `(key, value)` pairs. `+` decodes to a space (form
/// encoding); a piece without `=` is a key with an empty value; empty pieces are skipped.
/// A decoded query pair.
pub(crate) type RawPair<'a> = (Cow<'a, [u8]>, Cow<'a, [u8]>);

pub(crate) fn parse_raw_query(raw: &str) -> Vec<RawPair<'_>> {
    raw.as_bytes()
        .split(|&b| b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (k, v) = match piece.iter().position(|&b| b == b'=') {
                Some(i) => (&piece[..i], &piece[i + 1..]),
                None => (piece, &piece[piece.len()..]),
            };
            (percent_decode(k, true), percent_decode(v, true))
        })
        .collect()
}

/// Writes the canonical query string of a raw URL query (`a=1&b=x%20y`).
pub(crate) fn write_canonical_query_raw(out: &mut Vec<u8>, raw: &str, order: RawQueryOrder) {
    if raw.is_empty() {
        return;
    }
    let mut pairs = parse_raw_query(raw);
    match order {
        RawQueryOrder::KeyThenValue => {
            pairs.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)))
        }
        RawQueryOrder::KeyOnly => pairs.sort_by(|a, b| a.0.cmp(&b.0)),
    }
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push(b'&');
        }
        encode_into(out, k);
        out.push(b'=');
        encode_into(out, v);
    }
}

/// Python's `str.isspace()` for one character (Unicode White_Space plus U+001C..U+001F).
#[inline]
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Trims a header value like Python's `str.strip()`: both ends only, inner runs kept.
/// Non-UTF-8 values are trimmed of ASCII whitespace.
#[inline]
pub(crate) fn trim_value(value: &[u8]) -> &[u8] {
    // Fast path: both ends are visible ASCII, so there is nothing to trim.
    let visible = |b: Option<&u8>| b.is_some_and(|b| (0x21..0x7f).contains(b));
    if visible(value.first()) && visible(value.last()) {
        return value;
    }
    trim_value_slow(value)
}

fn trim_value_slow(value: &[u8]) -> &[u8] {
    match std::str::from_utf8(value) {
        Ok(s) => s.trim_matches(is_py_space).as_bytes(),
        Err(_) => {
            let is_ws = |b: &u8| b.is_ascii_whitespace() || matches!(*b, 0x0b | 0x1c..=0x1f);
            let start = value.iter().position(|b| !is_ws(b)).unwrap_or(value.len());
            let end = value
                .iter()
                .rposition(|b| !is_ws(b))
                .map_or(start, |e| e + 1);
            &value[start..end]
        }
    }
}

/// Formats a UTC timestamp (seconds since the Unix epoch) as `YYYYMMDDTHHMMSSZ`.
pub(crate) fn format_sdk_date(unix_seconds: i64) -> Option<[u8; 16]> {
    let dt = time::OffsetDateTime::from_unix_timestamp(unix_seconds).ok()?;
    let year = u32::try_from(dt.year()).ok().filter(|y| *y <= 9999)?;
    let mut out = *b"00000000T000000Z";
    let mut put = |at: usize, value: u32, width: usize| {
        let mut v = value;
        for i in (0..width).rev() {
            // `v % 10` is always < 10.
            #[allow(clippy::cast_possible_truncation)]
            let digit = (v % 10) as u8;
            out[at + i] = b'0' + digit;
            v /= 10;
        }
    };
    put(0, year, 4);
    put(4, u32::from(u8::from(dt.month())), 2);
    put(6, u32::from(dt.day()), 2);
    put(9, u32::from(dt.hour()), 2);
    put(11, u32::from(dt.minute()), 2);
    put(13, u32::from(dt.second()), 2);
    Some(out)
}

/// Parses a strict `YYYYMMDDTHHMMSSZ` value into seconds since the Unix epoch.
pub(crate) fn parse_sdk_date(value: &[u8]) -> Option<i64> {
    if value.len() != 16 || value[8] != b'T' || value[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<u32> {
        value[range].iter().try_fold(0u32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    let year = i32::try_from(num(0..4)?).ok()?;
    let month = time::Month::try_from(u8::try_from(num(4..6)?).ok()?).ok()?;
    let day = u8::try_from(num(6..8)?).ok()?;
    let hour = u8::try_from(num(9..11)?).ok()?;
    let minute = u8::try_from(num(11..13)?).ok()?;
    let second = u8::try_from(num(13..15)?).ok()?;
    let date = time::Date::from_calendar_date(year, month, day).ok()?;
    let time = time::Time::from_hms(hour, minute, second).ok()?;
    Some(date.with_time(time).assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(path: &str) -> String {
        let mut out = Vec::new();
        write_canonical_uri(&mut out, path);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn canonical_uri_quirks() {
        assert_eq!(uri("/v1/x"), "/v1/x/");
        assert_eq!(uri("/v1/x/"), "/v1/x/");
        assert_eq!(uri(""), "/");
        assert_eq!(uri("/"), "/");
        assert_eq!(uri("//a//b"), "//a//b/");
        assert_eq!(uri("/a%2Fb"), "/a/b/");
        assert_eq!(uri("/a%2525"), "/a%2525/");
        assert_eq!(uri("/%e4%b8%ad"), "/%E4%B8%AD/");
        assert_eq!(uri("/a+b"), "/a%2Bb/");
        assert_eq!(uri("/x/100%/y%FF/z%2"), "/x/100%25/y%EF%BF%BD/z%252/");
    }

    #[test]
    fn typed_query() {
        let q = |params: Vec<(&str, QueryValue)>| {
            let params: Vec<(String, QueryValue)> =
                params.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            let mut out = Vec::new();
            write_canonical_query_typed(&mut out, &params);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            q(vec![
                ("s", "9".into()),
                ("s", "10".into()),
                ("n", 10.into()),
                ("n", 9.into())
            ]),
            "n=9&n=10&s=10&s=9"
        );
        assert_eq!(
            q(vec![(
                "flags",
                QueryValue::List(vec![true.into(), false.into()])
            )]),
            "flags=False&flags=True"
        );
        assert_eq!(
            q(vec![("b", true.into()), ("ids", QueryValue::List(vec![]))]),
            "b=true"
        );
        assert_eq!(q(vec![("a b", "x+y z".into())]), "a%20b=x%2By%20z");
    }

    #[test]
    fn raw_query() {
        let q = |raw: &str, order| {
            let mut out = Vec::new();
            write_canonical_query_raw(&mut out, raw, order);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(
            q("b=2&a=1&flag", RawQueryOrder::KeyThenValue),
            "a=1&b=2&flag="
        );
        assert_eq!(q("q=a+b%2Bc", RawQueryOrder::KeyThenValue), "q=a%20b%2Bc");
        assert_eq!(q("n=9&n=10", RawQueryOrder::KeyOnly), "n=9&n=10");
        assert_eq!(q("n=9&n=10", RawQueryOrder::KeyThenValue), "n=10&n=9");
    }

    #[test]
    fn floats_like_python() {
        for (f, s) in [
            (0.1, "0.1"),
            (1.5, "1.5"),
            (-2.0, "-2.0"),
            (0.0, "0.0"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.25e17, "1.25e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (123.456, "123.456"),
            (1e300, "1e+300"),
        ] {
            assert_eq!(python_float_repr(f), s, "{f}");
        }
    }

    #[test]
    fn trimming() {
        assert_eq!(trim_value(b" \t a  b \x1c"), b"a  b");
        assert_eq!(trim_value("\u{3000}x\u{a0}".as_bytes()), b"x");
        assert_eq!(trim_value(b"  \xff  "), b"\xff");
        assert_eq!(trim_value(b"   "), b"");
    }

    #[test]
    fn dates() {
        let t = parse_sdk_date(b"20240315T083000Z").unwrap();
        assert_eq!(&format_sdk_date(t).unwrap(), b"20240315T083000Z");
        assert!(parse_sdk_date(b"20240230T083000Z").is_none());
        assert!(parse_sdk_date(b" 20240315T083000Z").is_none());
        assert!(parse_sdk_date(b"2024-03-15T08:30").is_none());
    }
}
