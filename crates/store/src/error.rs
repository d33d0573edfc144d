//! Store errors: the few cases callers act on (not found, conflict) and everything else.

pub use crate::sqlite::raw::SqliteCallError;

/// What can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid cursor; pass back the next_cursor of a previous page unchanged")]
    InvalidCursor,
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// An error of a direct call to SQLite (the ingest hot path).
    #[error("database error: {0}")]
    Sqlite(SqliteCallError),
    #[error("migration error: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl StoreError {
    pub(crate) fn corrupt(what: impl std::fmt::Display) -> Self {
        Self::Corrupt(what.to_string())
    }

    /// Whether trying the same transaction again can succeed: it lost a race for a unique key
    /// (the retry sees the winner's row), was chosen as a deadlock victim, or found the database
    /// busy.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Database(sqlx::Error::Database(e)) => {
                e.is_unique_violation() || matches!(e.code().as_deref(), Some("40P01" | "40001" | "5" | "6" | "517"))
            }
            Self::Sqlite(e) => e.is_unique_violation() || e.is_busy(),
            _ => false,
        }
    }

    /// Whether this is a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            Self::Database(sqlx::Error::Database(e)) => e.is_unique_violation(),
            Self::Sqlite(e) => e.is_unique_violation(),
            _ => false,
        }
    }
}

pub type StoreResult<T> = Result<T, StoreError>;
