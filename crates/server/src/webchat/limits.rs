//! How fast one visitor, and one network address, may use the widget: a fixed window per key,
//! kept in memory (a restart forgets, which costs an abuser one more window, not a visitor). A
//! refusal says when to try again.

use std::collections::HashMap;
use std::sync::Mutex;

/// Messages a visitor may send a minute.
pub const VISITOR_MESSAGES_PER_MINUTE: u32 = 20;
/// Codes a visitor may ask for a minute, to prove an email address.
pub const VERIFICATION_CODES_PER_MINUTE: u32 = 3;
/// Codes a visitor may try a minute.
pub const VERIFICATION_TRIES_PER_MINUTE: u32 = 5;
/// Requests that change something (sessions, messages, reads) one address may make a minute:
/// several visitors may share an office's address.
pub const ADDRESS_REQUESTS_PER_MINUTE: u32 = 240;
const WINDOW_MS: i64 = 60_000;
/// Keys kept at most; expired ones are forgotten when it fills up.
const CAPACITY: usize = 50_000;

/// One limit: at most `per_window` uses per key per minute.
pub struct WindowLimit {
    per_window: u32,
    windows: Mutex<HashMap<String, (i64, u32)>>,
}

impl WindowLimit {
    pub fn new(per_window: u32) -> Self {
        Self { per_window, windows: Mutex::new(HashMap::new()) }
    }

    /// Counts a use of `key` at `now`; when over the limit, the seconds until the window ends.
    pub fn take(&self, key: &str, now: i64) -> Result<(), u64> {
        let mut windows = self.windows.lock().expect("limit lock");
        if windows.len() >= CAPACITY {
            windows.retain(|_, (start, _)| now - *start < WINDOW_MS);
        }
        let (start, used) = windows.entry(key.to_owned()).or_insert((now, 0));
        if now - *start >= WINDOW_MS {
            (*start, *used) = (now, 0);
        }
        if *used >= self.per_window {
            return Err((((*start + WINDOW_MS - now) + 999) / 1000).max(1) as u64);
        }
        *used += 1;
        Ok(())
    }
}

/// The widget's limits.
pub struct WidgetLimits {
    pub visitor_messages: WindowLimit,
    pub address_requests: WindowLimit,
    pub verification_codes: WindowLimit,
    pub verification_tries: WindowLimit,
}

impl Default for WidgetLimits {
    fn default() -> Self {
        Self {
            visitor_messages: WindowLimit::new(VISITOR_MESSAGES_PER_MINUTE),
            address_requests: WindowLimit::new(ADDRESS_REQUESTS_PER_MINUTE),
            verification_codes: WindowLimit::new(VERIFICATION_CODES_PER_MINUTE),
            verification_tries: WindowLimit::new(VERIFICATION_TRIES_PER_MINUTE),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_uses_a_window_and_waits_for_the_next() {
        let limit = WindowLimit::new(2);
        assert_eq!(limit.take("ann", 0), Ok(()));
        assert_eq!(limit.take("ann", 10), Ok(()));
        assert_eq!(limit.take("ann", 20_000), Err(40));
        assert_eq!(limit.take("bob", 20_000), Ok(()), "another key");
        assert_eq!(limit.take("ann", 60_000), Ok(()), "a new window");
    }
}
