//! A small safe layer over SQLite's C API, for the one place that calls it directly: the ingest
//! hot path (`ingest_native.rs`). The connection is sqlx's writer connection, locked out from
//! its worker thread for the duration of a batch (`SqliteConnection::lock_handle`), so the
//! batch runs on the caller's thread without handing every statement and row across threads.

use std::ffi::{CStr, c_int};
use std::marker::PhantomData;
use std::ptr::{NonNull, null_mut};

use libsqlite3_sys as ffi;

use crate::error::StoreError;

/// An SQLite error: its extended result code and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} (SQLite result code {code})")]
pub struct SqliteCallError {
    pub code: i32,
    pub message: String,
}

impl SqliteCallError {
    /// Whether a unique or primary-key constraint refused a row.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self.code, ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
    }

    /// Whether the database was busy or locked by another connection.
    pub fn is_busy(&self) -> bool {
        matches!(self.code & 0xff, ffi::SQLITE_BUSY | ffi::SQLITE_LOCKED)
    }
}

impl From<SqliteCallError> for StoreError {
    fn from(error: SqliteCallError) -> Self {
        StoreError::Sqlite(error)
    }
}

type Result<T> = std::result::Result<T, SqliteCallError>;

/// A value to bind.
#[derive(Debug, Clone, Copy)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Text(&'a str),
    Blob(&'a [u8]),
}

/// A connection handle borrowed for as long as its lock is held.
pub struct Connection<'lock> {
    db: NonNull<ffi::sqlite3>,
    _lock: PhantomData<&'lock mut ()>,
}

impl<'lock> Connection<'lock> {
    /// The connection of a handle locked out from sqlx's worker: nothing else uses it while
    /// this borrow lives.
    pub fn of(handle: &'lock mut sqlx::sqlite::LockedSqliteHandle<'_>) -> Self {
        Self { db: handle.as_raw_handle(), _lock: PhantomData }
    }

    fn error(&self) -> SqliteCallError {
        // SAFETY: the handle is open and ours (see `of`); the message is copied before any other
        // call.
        unsafe {
            let code = ffi::sqlite3_extended_errcode(self.db.as_ptr());
            let message = CStr::from_ptr(ffi::sqlite3_errmsg(self.db.as_ptr())).to_string_lossy().into_owned();
            SqliteCallError { code, message }
        }
    }

    fn check(&self, code: c_int) -> Result<()> {
        if code == ffi::SQLITE_OK { Ok(()) } else { Err(self.error()) }
    }

    /// Runs statements that take no values and return no rows (`BEGIN IMMEDIATE`, `COMMIT`).
    pub fn execute_batch(&self, sql: &CStr) -> Result<()> {
        // SAFETY: the handle is open; the SQL is a valid C string; no callback.
        let code = unsafe { ffi::sqlite3_exec(self.db.as_ptr(), sql.as_ptr(), None, null_mut(), null_mut()) };
        self.check(code)
    }

    /// Starts a write transaction, taking the write lock up front.
    pub fn begin_immediate(&self) -> Result<Transaction<'_, 'lock>> {
        self.execute_batch(c"BEGIN IMMEDIATE")?;
        Ok(Transaction { connection: self, committed: false })
    }

    /// Compiles one statement.
    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        let length = c_int::try_from(sql.len())
            .map_err(|_| SqliteCallError { code: ffi::SQLITE_TOOBIG, message: "statement too long".into() })?;
        let mut stmt = null_mut();
        // SAFETY: the handle is open; SQLite reads `length` bytes of `sql` and writes the
        // statement pointer.
        let code =
            unsafe { ffi::sqlite3_prepare_v3(self.db.as_ptr(), sql.as_ptr().cast(), length, 0, &mut stmt, null_mut()) };
        self.check(code)?;
        let stmt = NonNull::new(stmt)
            .ok_or_else(|| SqliteCallError { code: ffi::SQLITE_MISUSE, message: "empty statement".into() })?;
        Ok(Statement { stmt, connection: self })
    }
}

/// An open write transaction. Dropped without [`Transaction::commit`] (an error, a panic) it is
/// rolled back, so the connection never goes back to sqlx inside a transaction.
pub struct Transaction<'c, 'lock> {
    connection: &'c Connection<'lock>,
    committed: bool,
}

impl Transaction<'_, '_> {
    /// Commits; when the commit fails the transaction is rolled back.
    pub fn commit(mut self) -> Result<()> {
        self.connection.execute_batch(c"COMMIT")?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Transaction<'_, '_> {
    fn drop(&mut self) {
        if !self.committed {
            let _ = self.connection.execute_batch(c"ROLLBACK");
        }
    }
}

/// A compiled statement; finalized when dropped.
pub struct Statement<'c> {
    stmt: NonNull<ffi::sqlite3_stmt>,
    connection: &'c Connection<'c>,
}

impl Statement<'_> {
    /// Binds `values` to the parameters `?1`, `?2`, … (SQLite copies them).
    pub fn bind(&mut self, values: &[Value<'_>]) -> Result<()> {
        let stmt = self.stmt.as_ptr();
        for (i, value) in values.iter().enumerate() {
            let index = c_int::try_from(i + 1).unwrap_or(c_int::MAX);
            // SAFETY: the statement is live; pointers and lengths describe live slices, and
            // SQLITE_TRANSIENT makes SQLite copy them before the call returns.
            let code = unsafe {
                match *value {
                    Value::Null => ffi::sqlite3_bind_null(stmt, index),
                    Value::Int(int) => ffi::sqlite3_bind_int64(stmt, index, int),
                    Value::Text(text) => ffi::sqlite3_bind_text64(
                        stmt,
                        index,
                        text.as_ptr().cast(),
                        text.len() as u64,
                        ffi::SQLITE_TRANSIENT(),
                        ffi::SQLITE_UTF8 as u8,
                    ),
                    Value::Blob(blob) => ffi::sqlite3_bind_blob64(
                        stmt,
                        index,
                        blob.as_ptr().cast(),
                        blob.len() as u64,
                        ffi::SQLITE_TRANSIENT(),
                    ),
                }
            };
            self.connection.check(code)?;
        }
        Ok(())
    }

    /// Steps once: true when a row is ready to read, false when the statement is done.
    pub fn step(&mut self) -> Result<bool> {
        // SAFETY: the statement is live.
        match unsafe { ffi::sqlite3_step(self.stmt.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            _ => Err(self.connection.error()),
        }
    }

    /// Makes the statement ready to run again with new values.
    pub fn reset(&mut self) {
        // SAFETY: the statement is live. An error of the last step was returned by `step`.
        unsafe {
            ffi::sqlite3_reset(self.stmt.as_ptr());
            ffi::sqlite3_clear_bindings(self.stmt.as_ptr());
        }
    }

    /// Runs the statement once with `values`, to completion (an insert or an update).
    pub fn run(&mut self, values: &[Value<'_>]) -> Result<()> {
        self.bind(values)?;
        let stepped = self.step();
        self.reset();
        if stepped? {
            return Err(SqliteCallError {
                code: ffi::SQLITE_MISUSE,
                message: "a write statement returned rows".into(),
            });
        }
        Ok(())
    }

    /// Whether column `i` of the current row is null.
    pub fn is_null(&self, i: c_int) -> bool {
        // SAFETY: the statement is live and on a row.
        unsafe { ffi::sqlite3_column_type(self.stmt.as_ptr(), i) == ffi::SQLITE_NULL }
    }

    /// Column `i` of the current row as an integer.
    pub fn int(&self, i: c_int) -> i64 {
        // SAFETY: the statement is live and on a row.
        unsafe { ffi::sqlite3_column_int64(self.stmt.as_ptr(), i) }
    }

    /// Column `i` of the current row as bytes (a blob, or text's bytes); empty when null.
    pub fn bytes(&self, i: c_int) -> &[u8] {
        // SAFETY: the statement is live and on a row. `sqlite3_column_blob` comes before
        // `sqlite3_column_bytes`, as SQLite asks; the slice lives until the next step or reset,
        // which need `&mut self`.
        unsafe {
            let data = ffi::sqlite3_column_blob(self.stmt.as_ptr(), i);
            let length = ffi::sqlite3_column_bytes(self.stmt.as_ptr(), i);
            if data.is_null() || length <= 0 {
                return &[];
            }
            std::slice::from_raw_parts(data.cast(), length as usize)
        }
    }
}

impl Drop for Statement<'_> {
    fn drop(&mut self) {
        // SAFETY: the statement is live and finalized once.
        unsafe {
            ffi::sqlite3_finalize(self.stmt.as_ptr());
        }
    }
}
