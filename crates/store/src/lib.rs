//! Storage for Switchboard: the `Store` interface (split by concern in [`repo`]), the job queue,
//! and two backends, embedded SQLite (the default) and PostgreSQL (for several nodes), each with
//! its own migrations. The backend is chosen once, from the URL scheme, by [`connect`].

pub mod error;
mod migrations;
pub mod model;
pub mod postgres;
pub mod queue;
pub mod repo;
#[cfg(feature = "testing")]
pub mod seed;
mod sql;
pub mod sqlite;
#[cfg(feature = "testing")]
pub mod testing;
pub mod writes;

use std::sync::Arc;

pub use error::{StoreError, StoreResult};
pub use repo::*;

/// A connected store of either backend.
pub enum Backend {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

/// Why a database URL was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unsupported database URL {0:?}: use sqlite://FILE or postgres://USER@HOST/DB")]
    UnsupportedScheme(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Backend {
    /// Connects to the database named by `url` (`sqlite://` or `postgres://`).
    pub async fn connect(url: &str) -> Result<Self, ConnectError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite(sqlite::SqliteStore::connect(url).await?))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres(postgres::PgStore::connect(url).await?))
        } else {
            Err(ConnectError::UnsupportedScheme(redact(url)))
        }
    }

    pub async fn migrate(&self) -> StoreResult<()> {
        match self {
            Self::Sqlite(store) => store.migrate().await,
            Self::Postgres(store) => store.migrate().await,
        }
    }

    /// The store behind the common interface.
    pub fn into_store(self) -> Arc<dyn Store> {
        match self {
            Self::Sqlite(store) => Arc::new(store),
            Self::Postgres(store) => Arc::new(store),
        }
    }
}

/// Connects to `url` and applies pending migrations.
pub async fn connect(url: &str) -> Result<Arc<dyn Store>, ConnectError> {
    let backend = Backend::connect(url).await?;
    backend.migrate().await?;
    Ok(backend.into_store())
}

/// A database URL with any password replaced, fit for logs and error messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
