//! Migrations: each backend lists its own SQL files, compiled into the binary; this module
//! turns such a list into a migrator and checks, for `/readyz`, that all of it is applied.

use sqlx::SqlSafeStr;
use sqlx::migrate::{Migration, MigrationType, Migrator};

use crate::error::{StoreError, StoreResult};

/// A migrator for `(version, description, sql)` migrations.
pub(crate) fn migrator(migrations: &[(i64, &'static str, &'static str)]) -> Migrator {
    Migrator::with_migrations(
        migrations
            .iter()
            .map(|&(version, description, sql)| {
                Migration::new(version, description.into(), MigrationType::Simple, sql.into_sql_str(), false)
            })
            .collect(),
    )
}

/// Ok when every migration of `migrator` is recorded as applied.
pub(crate) async fn check_applied<'e, E>(migrator: &Migrator, executor: E) -> StoreResult<()>
where
    E: sqlx::Executor<'e>,
    i64: sqlx::Type<E::Database> + for<'r> sqlx::Decode<'r, E::Database>,
    for<'a> <E::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<E::Database>,
    usize: sqlx::ColumnIndex<<E::Database as sqlx::Database>::Row>,
{
    let applied: i64 =
        sqlx::query_scalar("select count(*) from _sqlx_migrations where success").fetch_one(executor).await?;
    let known = migrator.iter().count() as i64;
    if applied < known {
        return Err(StoreError::Conflict(format!(
            "{applied} of {known} migrations applied; run `switchboard migrate`"
        )));
    }
    Ok(())
}
