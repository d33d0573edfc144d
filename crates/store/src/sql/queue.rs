//! The job queue: enqueue with a dedupe key, claim with a lease, settle, list, measure. Claiming
//! differs per backend (`CLAIM_JOBS_SQL`); everything else is shared.

macro_rules! impl_queue_repo {
    ($store:ty, $db:ty) => {
        impl $store {
            fn decode_job(row: &<$db as sqlx::Database>::Row) -> $crate::StoreResult<$crate::queue::Job> {
                use $crate::sql::decode::get;
                let state: String = get!(row, "state");
                Ok($crate::queue::Job {
                    job_id: get!(row, "job_id" as id JobId),
                    workspace_id: get!(row, "workspace_id" as id WorkspaceId),
                    kind: get!(row, "kind"),
                    payload: get!(row, "payload" as json),
                    dedupe_key: get!(row, "dedupe_key"),
                    state: $crate::queue::JobState::parse(&state)
                        .ok_or_else(|| $crate::StoreError::Corrupt(format!("job state {state:?}")))?,
                    run_at: get!(row, "run_at"),
                    attempts: get!(row, "attempts"),
                    max_attempts: get!(row, "max_attempts"),
                    lease_owner: get!(row, "lease_owner"),
                    lease_until: get!(row, "lease_until"),
                    last_error: get!(row, "last_error"),
                    created_at: get!(row, "created_at"),
                    updated_at: get!(row, "updated_at"),
                })
            }

            /// Inserts a job unless one with its dedupe key exists.
            async fn insert_job(
                conn: &mut <$db as sqlx::Database>::Connection,
                job: &$crate::queue::NewJob,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<switchboard_domain::JobId>> {
                let id = switchboard_domain::JobId::new();
                let done = sqlx::query(
                    "insert into jobs (job_id, workspace_id, kind, payload, dedupe_key, state, run_at, \
                     attempts, max_attempts, created_at, updated_at) \
                     values ($1, $2, $3, $4, $5, 'queued', $6, 0, $7, $8, $8) on conflict do nothing",
                )
                .bind(id.0)
                .bind(job.workspace_id.0)
                .bind(job.kind)
                .bind(sqlx::types::Json(&job.payload))
                .bind(&job.dedupe_key)
                .bind(job.run_at)
                .bind(job.max_attempts)
                .bind(now)
                .execute(&mut *conn)
                .await?;
                Ok((done.rows_affected() > 0).then_some(id))
            }

            async fn set_job_state(
                conn: &mut <$db as sqlx::Database>::Connection,
                job_id: switchboard_domain::JobId,
                state: &'static str,
                error: Option<&str>,
                run_at: Option<$crate::model::UnixMillis>,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "update jobs set state = $1, last_error = coalesce($2, last_error), \
                     run_at = coalesce($3, run_at), lease_owner = null, lease_until = null, updated_at = $4 \
                     where job_id = $5",
                )
                .bind(state)
                .bind(error)
                .bind(run_at)
                .bind(now)
                .bind(job_id.0)
                .execute(&mut *conn)
                .await?;
                Ok(())
            }
        }

        #[async_trait::async_trait]
        impl $crate::repo::QueueRepo for $store {
            async fn enqueue(
                &self,
                job: $crate::queue::NewJob,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Option<switchboard_domain::JobId>> {
                let mut conn = self.write_pool().acquire().await?;
                Self::insert_job(&mut *conn, &job, now).await
            }

            async fn claim_jobs(
                &self,
                worker: &str,
                limit: u32,
                lease_ms: i64,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<Vec<$crate::queue::Job>> {
                let rows = sqlx::query(Self::CLAIM_JOBS_SQL)
                    .bind(worker)
                    .bind(now + lease_ms)
                    .bind(now)
                    .bind(i64::from(limit))
                    .fetch_all(self.write_pool())
                    .await?;
                rows.iter().map(Self::decode_job).collect()
            }

            async fn complete_job(&self, job_id: switchboard_domain::JobId, now: $crate::model::UnixMillis) -> $crate::StoreResult<()> {
                let mut conn = self.write_pool().acquire().await?;
                Self::set_job_state(&mut *conn, job_id, "done", None, None, now).await
            }

            async fn retry_job(
                &self,
                job_id: switchboard_domain::JobId,
                error: &str,
                retry_at: $crate::model::UnixMillis,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                let mut conn = self.write_pool().acquire().await?;
                Self::set_job_state(&mut *conn, job_id, "queued", Some(error), Some(retry_at), now).await
            }

            async fn bury_job(
                &self,
                job_id: switchboard_domain::JobId,
                error: &str,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                let mut conn = self.write_pool().acquire().await?;
                Self::set_job_state(&mut *conn, job_id, "dead", Some(error), None, now).await
            }

            async fn release_leases(&self, worker: &str, now: $crate::model::UnixMillis) -> $crate::StoreResult<u64> {
                let done = sqlx::query(
                    "update jobs set state = 'queued', lease_owner = null, lease_until = null, \
                     attempts = case when attempts > 0 then attempts - 1 else 0 end, updated_at = $1 \
                     where lease_owner = $2 and state = 'running'",
                )
                .bind(now)
                .bind(worker)
                .execute(self.write_pool())
                .await?;
                Ok(done.rows_affected())
            }

            async fn postpone_job(
                &self,
                job_id: switchboard_domain::JobId,
                run_at: $crate::model::UnixMillis,
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                sqlx::query(
                    "update jobs set state = 'queued', run_at = $1, lease_owner = null, lease_until = null, \
                     attempts = case when attempts > 0 then attempts - 1 else 0 end, updated_at = $2 \
                     where job_id = $3 and state = 'running'",
                )
                .bind(run_at)
                .bind(now)
                .bind(job_id.0)
                .execute(self.write_pool())
                .await?;
                Ok(())
            }

            async fn list_jobs(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                state: $crate::queue::JobState,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::queue::Job>> {
                let rows = sqlx::query(
                    "select * from jobs where workspace_id = $1 and state = $2 order by job_id desc limit $3",
                )
                .bind(workspace_id.0)
                .bind(state.as_str())
                .bind(i64::from(limit))
                .fetch_all(self.read_pool())
                .await?;
                rows.iter().map(Self::decode_job).collect()
            }

            async fn queue_stats(&self, now: $crate::model::UnixMillis) -> $crate::StoreResult<$crate::queue::QueueStats> {
                use $crate::sql::decode::get;
                let row = sqlx::query(
                    "select \
                     sum(case when state = 'queued' and run_at <= $1 then 1 else 0 end) as ready, \
                     sum(case when state = 'running' then 1 else 0 end) as running, \
                     sum(case when state = 'queued' and run_at > $1 then 1 else 0 end) as scheduled, \
                     sum(case when state = 'dead' then 1 else 0 end) as dead, \
                     min(case when state = 'queued' and run_at <= $1 then run_at end) as oldest \
                     from jobs where state <> 'done'",
                )
                .bind(now)
                .fetch_one(self.read_pool())
                .await?;
                let ready: Option<i64> = get!(&row, "ready");
                let running: Option<i64> = get!(&row, "running");
                let scheduled: Option<i64> = get!(&row, "scheduled");
                let dead: Option<i64> = get!(&row, "dead");
                let oldest: Option<i64> = get!(&row, "oldest");
                Ok($crate::queue::QueueStats {
                    ready: ready.unwrap_or(0),
                    running: running.unwrap_or(0),
                    scheduled: scheduled.unwrap_or(0),
                    dead: dead.unwrap_or(0),
                    oldest_ready_age_ms: oldest.map(|at| (now - at).max(0)).unwrap_or(0),
                })
            }

            async fn next_run_at(&self) -> $crate::StoreResult<Option<$crate::model::UnixMillis>> {
                let next: Option<i64> = sqlx::query_scalar("select min(run_at) from jobs where state = 'queued'")
                    .fetch_one(self.read_pool())
                    .await?;
                Ok(next)
            }
        }
    };
}
pub(crate) use impl_queue_repo;
