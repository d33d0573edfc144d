//! Slowing down password guessing: after a handful of failed sign-ins for one email from one
//! address, further attempts are refused until the window has passed. Kept in memory; a
//! restart forgets, which costs a guesser a few more tries, not an account.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use crate::clock::now_ms;

/// Failed attempts allowed per email and address within one window.
pub const MAX_FAILURES: u32 = 5;
/// How long failures are remembered.
pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Entries kept at most; the oldest are forgotten first when full.
const CAPACITY: usize = 10_000;

#[derive(Default)]
pub struct SignInThrottle {
    failures: Mutex<HashMap<(String, IpAddr), (u32, i64)>>,
}

impl SignInThrottle {
    /// Whether another attempt is allowed; when not, how many seconds until it is.
    pub fn check(&self, email: &str, from: IpAddr) -> Result<(), u64> {
        let now = now_ms();
        let failures = self.failures.lock().expect("throttle lock");
        match failures.get(&(email.to_lowercase(), from)) {
            Some(&(count, since)) if count >= MAX_FAILURES && now - since < WINDOW_MS => {
                Err(((WINDOW_MS - (now - since)) / 1000).max(1) as u64)
            }
            _ => Ok(()),
        }
    }

    /// Notes a failed attempt.
    pub fn failed(&self, email: &str, from: IpAddr) {
        let now = now_ms();
        let mut failures = self.failures.lock().expect("throttle lock");
        if failures.len() >= CAPACITY {
            failures.retain(|_, (_, since)| now - *since < WINDOW_MS);
        }
        let entry = failures.entry((email.to_lowercase(), from)).or_insert((0, now));
        if now - entry.1 >= WINDOW_MS {
            *entry = (0, now);
        }
        entry.0 += 1;
    }

    /// Forgets the failures of an email and address after a successful sign-in.
    pub fn succeeded(&self, email: &str, from: IpAddr) {
        self.failures.lock().expect("throttle lock").remove(&(email.to_lowercase(), from));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sixth_failure_in_a_window_is_refused_and_success_resets() {
        let throttle = SignInThrottle::default();
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..MAX_FAILURES {
            assert!(throttle.check("Ana@Example.com", ip).is_ok());
            throttle.failed("ana@example.com", ip);
        }
        assert!(throttle.check("ana@example.com", ip).is_err());
        assert!(throttle.check("ana@example.com", "127.0.0.2".parse().unwrap()).is_ok());
        throttle.succeeded("ana@example.com", ip);
        assert!(throttle.check("ana@example.com", ip).is_ok());
    }
}
