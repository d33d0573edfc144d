//! Milliseconds since the Unix epoch, the unit of the Messenger Platform's `timestamp`,
//! `time` and `watermark` fields.

use std::time::{SystemTime, UNIX_EPOCH};

/// Unix milliseconds, now.
pub(crate) fn now_millis() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}
