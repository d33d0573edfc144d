//! Wall-clock timestamps in the formats the providers use: RFC 2822 in Twilio's Message
//! resource (`Thu, 24 Aug 2023 05:01:45 +0000`), `yyMMddHHmm` in its `RawDlrDoneDate`, and
//! ISO 8601 with milliseconds in SNS messages.

use std::time::{SystemTime, UNIX_EPOCH};

const WEEKDAYS: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A UTC date and time broken into fields.
struct Civil {
    year: i64,
    month: u32,
    day: u32,
    hour: u64,
    minute: u64,
    second: u64,
    weekday: usize,
}

fn civil(unix_secs: u64) -> Civil {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: rem / 3_600,
        minute: rem % 3_600 / 60,
        second: rem % 60,
        // 1970-01-01 was a Thursday.
        weekday: ((days + 4).rem_euclid(7)) as usize,
    }
}

/// Seconds since the Unix epoch, now.
pub(crate) fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// RFC 2822 date in GMT, as in `date_created`.
pub(crate) fn rfc2822(unix_secs: u64) -> String {
    let c = civil(unix_secs);
    format!(
        "{}, {:02} {} {} {:02}:{:02}:{:02} +0000",
        WEEKDAYS[c.weekday],
        c.day,
        MONTHS[c.month as usize - 1],
        c.year,
        c.hour,
        c.minute,
        c.second
    )
}

/// The current time in RFC 2822.
pub(crate) fn rfc2822_now() -> String {
    rfc2822(now_unix())
}

/// ISO 8601 in UTC with milliseconds, as SNS writes `Timestamp` (`2023-08-24T05:01:45.123Z`).
pub(crate) fn iso8601_millis(unix_millis: u64) -> String {
    let c = civil(unix_millis / 1000);
    format!(
        "{}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        c.year,
        c.month,
        c.day,
        c.hour,
        c.minute,
        c.second,
        unix_millis % 1000
    )
}

/// `yyMMddHHmm`, the format of a status callback's `RawDlrDoneDate`.
pub(crate) fn raw_dlr_done_date(unix_secs: u64) -> String {
    let c = civil(unix_secs);
    format!("{:02}{:02}{:02}{:02}{:02}", c.year % 100, c.month, c.day, c.hour, c.minute)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_like_twilios_resource_example() {
        assert_eq!(rfc2822(1_692_853_305), "Thu, 24 Aug 2023 05:01:45 +0000");
        assert_eq!(rfc2822(951_868_799), "Tue, 29 Feb 2000 23:59:59 +0000");
        assert_eq!(rfc2822(0), "Thu, 01 Jan 1970 00:00:00 +0000");
    }

    #[test]
    fn sns_timestamps_are_iso_8601_with_milliseconds() {
        assert_eq!(iso8601_millis(1_692_853_305_123), "2023-08-24T05:01:45.123Z");
    }

    #[test]
    fn delivery_receipt_dates_are_year_month_day_hour_minute() {
        assert_eq!(raw_dlr_done_date(1_692_853_305), "2308240501");
    }
}
