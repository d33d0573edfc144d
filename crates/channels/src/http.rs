//! The HTTP client adapters share: rustls, sane timeouts, our user agent.

use std::time::Duration;

/// Builds the client every adapter uses for provider APIs.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .user_agent(concat!("switchboard/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(20))
        .pool_idle_timeout(Duration::from_secs(60))
        .build()
        .expect("the HTTP client configuration is valid")
}
