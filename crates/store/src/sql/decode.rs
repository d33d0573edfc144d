//! Turning stored text back into domain values. A value the domain does not know means the
//! database was changed behind our back; it is reported as corrupt, never guessed at.

use std::fmt::Display;
use std::str::FromStr;

use crate::error::{StoreError, StoreResult};

pub(crate) fn parse<T>(column: &str, raw: String) -> StoreResult<T>
where
    T: FromStr,
    T::Err: Display,
{
    raw.parse().map_err(|e| StoreError::corrupt(format!("{column}: {e}")))
}

/// Builds a `FromRow`-like decoder body for each backend: `get!(row, "col")`.
macro_rules! get {
    ($row:expr, $col:literal) => {
        sqlx::Row::try_get($row, $col)?
    };
    ($row:expr, $col:literal as id $id:ident) => {
        switchboard_domain::$id(sqlx::Row::try_get::<uuid::Uuid, _>($row, $col)?)
    };
    ($row:expr, $col:literal as opt_id $id:ident) => {
        sqlx::Row::try_get::<Option<uuid::Uuid>, _>($row, $col)?.map(switchboard_domain::$id)
    };
    ($row:expr, $col:literal as json) => {
        sqlx::Row::try_get::<sqlx::types::Json<_>, _>($row, $col)?.0
    };
    ($row:expr, $col:literal as opt_json) => {
        sqlx::Row::try_get::<Option<sqlx::types::Json<_>>, _>($row, $col)?.map(|json| json.0)
    };
    ($row:expr, $col:literal as $parsed:ty) => {
        $crate::sql::decode::parse::<$parsed>($col, sqlx::Row::try_get::<String, _>($row, $col)?)?
    };
}
pub(crate) use get;
