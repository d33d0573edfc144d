//! Server configuration: where to listen, which database, how the world reaches us, where the
//! secret key lives, and the knobs of the queue and the ingest path.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use switchboard_channels::registry::ProvidersConfig;
use switchboard_store::queue::RetryPolicy;

/// Everything `Application::build` needs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (tests).
    pub bind: SocketAddr,
    /// `sqlite://FILE` or `postgres://...`.
    pub database_url: String,
    /// The URL providers reach this server at (used in webhook URLs and to verify signatures).
    /// `None` means `http://{bind}` as actually bound.
    pub public_url: Option<String>,
    pub secret_key: SecretKeySource,
    pub providers: ProvidersConfig,
    pub retry: RetryPolicy,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Largest webhook that carries a whole email (SendGrid's Inbound Parse), in bytes.
    pub max_email_bytes: usize,
    /// Largest file a customer sent that is downloaded and kept, in bytes.
    pub max_media_bytes: u64,
    /// Most webhooks committed in one transaction.
    pub ingest_batch_max: usize,
    /// Concurrent batch committers: 1 for SQLite (one writer); 2 for PostgreSQL, so that one
    /// batch is written while the other commits. More only make each batch smaller: on two cores
    /// shared with the database, W1 stored about 5,800 webhooks a second with 2 or 3, 5,300 with 4
    /// and 4,300 with 8 (`docs/benchmarks.md`).
    pub ingest_committers: usize,
    /// A batch this large means webhooks come in faster than they are stored in full one batch
    /// at a time: from this size on, a batch is answered from the inbound journal and stored in
    /// full shortly after (`ingest.rs`). 0 never journals.
    pub ingest_journal_from_batch: usize,
    /// How long a committer waits for more webhooks before it appends a small batch (fewer
    /// than [`crate::ingest::LINGER_BELOW`]) to the inbound journal through a burst, so that
    /// each sync to disk carries more of them (`ingest.rs`). Webhooks that come one at a time
    /// are never held. 300 µs for SQLite, where this process pays for every sync: on two cores,
    /// W1 answered a median of 13% more webhooks a second with it (`docs/benchmarks.md`). Zero
    /// for PostgreSQL: several committers share one thread that lingering would hold up, so
    /// with more than one committer this setting is ignored, with a warning at start.
    pub ingest_linger: Duration,
    /// Sends the dispatcher runs at once.
    pub dispatch_concurrency: usize,
    /// How long a claimed job is leased before another worker may take it.
    pub job_lease: Duration,
    /// How often the dispatcher looks for due jobs when nothing wakes it.
    pub dispatch_poll: Duration,
    /// How often the mailbox importer looks for mailbox channels added, disabled or removed.
    pub mailbox_rescan: Duration,
    /// Run the dispatcher in this process.
    pub run_workers: bool,
}

/// Where the key that encrypts provider credentials comes from.
#[derive(Debug, Clone)]
pub enum SecretKeySource {
    /// `SWITCHBOARD_SECRET_KEY`: 32 bytes, base64 or hex.
    Value(String),
    /// A key file, created with mode 0600 on first start when missing.
    File(PathBuf),
}

impl Config {
    /// Defaults for a database URL: listen on 127.0.0.1:8080, key file beside the database.
    pub fn new(database_url: impl Into<String>) -> Self {
        let database_url = database_url.into();
        let is_sqlite = database_url.starts_with("sqlite:");
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            secret_key: SecretKeySource::File(PathBuf::from("switchboard.key")),
            database_url,
            public_url: None,
            providers: ProvidersConfig::default(),
            retry: RetryPolicy::default(),
            max_body_bytes: 1024 * 1024,
            max_email_bytes: 40 * 1024 * 1024,
            max_media_bytes: 25 * 1024 * 1024,
            ingest_batch_max: 256,
            ingest_committers: if is_sqlite { 1 } else { 2 },
            ingest_journal_from_batch: 8,
            ingest_linger: if is_sqlite { Duration::from_micros(300) } else { Duration::ZERO },
            dispatch_concurrency: 16,
            job_lease: Duration::from_secs(60),
            dispatch_poll: Duration::from_secs(1),
            mailbox_rescan: Duration::from_secs(30),
            run_workers: true,
        }
    }
}
