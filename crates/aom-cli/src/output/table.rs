//! Aligned text tables and the value formats they use (times, durations, missing values).

use std::time::Duration;

use time::OffsetDateTime;
use time::macros::format_description;
use unicode_width::UnicodeWidthStr as _;

/// A table: headers and rows of text, rendered with columns padded to their widest cell.
#[derive(Debug, Default)]
pub struct Table {
    headers: Vec<&'static str>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headers.
    pub fn new(headers: &[&'static str]) -> Self {
        Self {
            headers: headers.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Adds a row (missing cells are empty, extra ones dropped).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as text, one line per row after the header, each line ending in `\n`; the
    /// last column is not padded, and no line has trailing spaces.
    pub fn render(&self) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.width()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().take(n).enumerate() {
                widths[i] = widths[i].max(cell.width());
            }
        }
        let mut out = String::new();
        let mut line = |cells: &mut dyn Iterator<Item = &str>| {
            let mut text = String::new();
            for (i, cell) in cells.take(n).enumerate() {
                if i > 0 {
                    text.push_str("  ");
                }
                text.push_str(cell);
                if i + 1 < n {
                    let pad = widths[i].saturating_sub(cell.width());
                    text.extend(std::iter::repeat_n(' ', pad));
                }
            }
            out.push_str(text.trim_end());
            out.push('\n');
        };
        line(&mut self.headers.iter().copied());
        for row in &self.rows {
            let mut cells = row.iter().map(String::as_str).chain(std::iter::repeat(""));
            line(&mut cells);
        }
        out
    }
}

/// `-` for a missing value.
pub fn or_dash(value: Option<&str>) -> String {
    match value {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => "-".to_string(),
    }
}

/// A time as `2026-01-31 23:59:59 UTC`, or `-`.
pub fn time(t: Option<OffsetDateTime>) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
    t.and_then(|t| t.to_offset(time::UtcOffset::UTC).format(&format).ok())
        .unwrap_or_else(|| "-".to_string())
}

/// Epoch milliseconds (as the API's models carry them) as a time, or `-`.
pub fn millis(ms: Option<i64>) -> String {
    time(
        ms.and_then(|ms| {
            OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
        }),
    )
}

/// A duration: `850ms`, `12.3s`, `4m05s`, `1h02m`; `-` when missing.
pub fn duration(d: Option<Duration>) -> String {
    let Some(d) = d else {
        return "-".to_string();
    };
    let secs = d.as_secs();
    if secs < 1 {
        format!("{}ms", d.as_millis())
    } else if secs < 60 {
        format!("{:.1}s", d.as_secs_f64())
    } else if secs < 3600 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{}h{:02}m", secs / 3600, (secs % 3600) / 60)
    }
}

/// The first non-empty line of `text`, cut to `max` characters (with `…`).
pub fn first_line(text: &str, max: usize) -> String {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    if line.chars().count() > max {
        let mut cut: String = line.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        line.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_aligned_columns_without_trailing_spaces() {
        let mut t = Table::new(&["ID", "NAME", "NOTE"]);
        t.row(vec!["1".into(), "short".into(), String::new()]);
        t.row(vec!["22".into(), "a longer name".into(), "x".into()]);
        assert_eq!(
            t.render(),
            "ID  NAME           NOTE\n1   short\n22  a longer name  x\n"
        );
        // Wide characters take two columns on a terminal.
        let mut t = Table::new(&["NAME", "TYPE"]);
        t.row(vec!["部署任务".into(), "manual".into()]);
        t.row(vec!["deploy".into(), "cron".into()]);
        assert_eq!(
            t.render(),
            "NAME      TYPE\n部署任务  manual\ndeploy    cron\n"
        );
    }

    #[test]
    fn formats() {
        assert_eq!(duration(Some(Duration::from_millis(850))), "850ms");
        assert_eq!(duration(Some(Duration::from_millis(12_345))), "12.3s");
        assert_eq!(duration(Some(Duration::from_secs(245))), "4m05s");
        assert_eq!(duration(Some(Duration::from_secs(3720))), "1h02m");
        assert_eq!(duration(None), "-");
        assert_eq!(millis(Some(0)), "1970-01-01 00:00:00 UTC");
        assert_eq!(first_line("\n  first\nsecond", 80), "first");
        assert_eq!(first_line("abcdef", 4), "abc…");
    }
}
