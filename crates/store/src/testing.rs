//! Test databases: each test gets its own temporary SQLite file or fresh PostgreSQL database
//! (random name) and removes it afterwards. Without a reachable PostgreSQL the PostgreSQL half
//! of a test is skipped loudly; with `CI=true` that is a failure instead.

use std::path::PathBuf;
use std::sync::Arc;

use sqlx::{Connection, PgConnection};

use crate::writes::InboundWrite;
use crate::{Backend, Store};

/// A customer's SMS as a verified Twilio webhook reaches the store: `sid` from `from` to the
/// channel's `address`, received at `at`.
pub fn inbound_sms(
    workspace_id: switchboard_domain::WorkspaceId,
    channel_id: switchboard_domain::ChannelId,
    address: &str,
    (sid, from, text): (&str, &str, &str),
    at: crate::model::UnixMillis,
) -> InboundWrite {
    use switchboard_domain::inbound::{InboundEvent, InboundMessage};
    use switchboard_domain::{ChannelKind, Identity, IdentityKind, Provider};
    InboundWrite {
        workspace_id,
        channel_id,
        channel_kind: ChannelKind::Sms,
        provider: Provider::Twilio,
        verification: "twilio-signature".into(),
        content_type: "application/x-www-form-urlencoded".into(),
        payload: format!("MessageSid={sid}&From={from}&Body={text}"),
        events: vec![InboundEvent::Message(InboundMessage {
            channel_kind: ChannelKind::Sms,
            provider_message_id: sid.into(),
            from: Identity::parse(IdentityKind::Phone, from).expect("a test number parses"),
            from_address: from.into(),
            to_address: address.into(),
            profile_name: None,
            text: text.into(),
            attachments: vec![],
            content: None,
            reply_to: None,
            email: None,
            referral: None,
        })],
        media: Vec::new(),
        received_at: at,
    }
}

/// Where the PostgreSQL tests connect to create their databases.
pub fn postgres_admin_url() -> String {
    std::env::var("SWITCHBOARD_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database that exists for one test.
pub struct TestDatabase {
    pub url: String,
    pub backend: &'static str,
    cleanup: Cleanup,
}

enum Cleanup {
    Files(PathBuf),
    Postgres { admin_url: String, name: String },
}

impl TestDatabase {
    /// A new SQLite file in the temporary directory.
    pub fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("switchboard-test-{}.db", uuid::Uuid::now_v7().simple()));
        Self { url: format!("sqlite://{}", path.display()), backend: "sqlite", cleanup: Cleanup::Files(path) }
    }

    /// A new PostgreSQL database, or `None` (after a loud notice) when no server answers
    /// outside CI.
    pub async fn postgres() -> Option<Self> {
        let admin_url = postgres_admin_url();
        let mut admin = match PgConnection::connect(&admin_url).await {
            Ok(conn) => conn,
            Err(error) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("PostgreSQL at {admin_url} is required in CI: {error}");
                }
                eprintln!(
                    "\n*** SKIPPED the PostgreSQL half of this test: {admin_url} is not reachable ({error}) ***\n"
                );
                return None;
            }
        };
        let name = format!("switchboard_test_{}", uuid::Uuid::now_v7().simple());
        sqlx::query(sqlx::AssertSqlSafe(format!("create database {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        let _ = admin.close().await;
        let (base, _) = admin_url.rsplit_once('/').expect("admin URL names a database");
        Some(Self {
            url: format!("{base}/{name}"),
            backend: "postgres",
            cleanup: Cleanup::Postgres { admin_url, name },
        })
    }

    /// Both backends this machine has: SQLite always, PostgreSQL when reachable.
    pub async fn all() -> Vec<Self> {
        let mut dbs = vec![Self::sqlite()];
        dbs.extend(Self::postgres().await);
        dbs
    }

    /// Connects and migrates.
    pub async fn store(&self) -> Arc<dyn Store> {
        let backend = Backend::connect(&self.url).await.expect("connect test database");
        backend.migrate().await.expect("migrate test database");
        backend.into_store()
    }

    /// Removes the database. Call at the end of the test.
    pub async fn remove(self) {
        match self.cleanup {
            Cleanup::Files(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Postgres { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("drop database if exists {name} with (force)")))
                        .execute(&mut admin)
                        .await;
                    let _ = admin.close().await;
                }
            }
        }
    }
}

/// Runs `test` once per available backend, each on a fresh database, and removes the databases.
pub async fn on_every_backend<F, Fut>(test: F)
where
    F: Fn(Arc<dyn Store>, &'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for db in TestDatabase::all().await {
        let store = db.store().await;
        test(store, db.backend).await;
        db.remove().await;
    }
}
