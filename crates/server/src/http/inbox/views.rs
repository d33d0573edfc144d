//! Small formatting helpers the templates use.

/// Milliseconds since the epoch as an RFC 3339 UTC time (the page shows it in local time).
pub fn iso_time(value: Option<i64>) -> String {
    value
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|at| at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}
