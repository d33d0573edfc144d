//! The inbound hot path: verified webhooks are stored in batches, one transaction per batch. Each
//! backend stores a batch its own fastest way (`ingest_bulk`: PostgreSQL in one write script,
//! SQLite through its C API on the committer's thread) from one plan (`ingest_plan.rs`). Each
//! webhook's raw form is kept; a provider retry is recognised by `(channel_id,
//! provider_message_id)` and stored as a duplicate event, never a second message. A batch that
//! cannot be stored in bulk is stored webhook by webhook.

macro_rules! impl_ingest_repo {
    ($store:ty, $db:ty) => {
        $crate::sql::ingest_item::impl_ingest_item!($store, $db);

        #[async_trait::async_trait]
        impl $crate::repo::IngestRepo for $store {
            #[tracing::instrument(skip_all, fields(batch = writes.len()))]
            async fn ingest_batch(
                &self,
                writes: &[$crate::writes::InboundWrite],
            ) -> $crate::StoreResult<Vec<$crate::StoreResult<$crate::writes::InboundOutcome>>> {
                // The fast path: the whole batch in a few bulk statements, committed as a unit.
                if writes.iter().all($crate::writes::InboundWrite::fits_bulk) {
                    match self.ingest_bulk(writes).await {
                        Ok(outcomes) => {
                            self.messages_stored(outcomes.iter().map(|o| o.new_messages.len()).sum());
                            return Ok(outcomes.into_iter().map(Ok).collect());
                        }
                        Err(error) => {
                            tracing::debug!(%error, "bulk ingest failed; storing the batch webhook by webhook")
                        }
                    }
                }
                // The careful path: each webhook in its own transaction, retried when it raced
                // another writer (a concurrent retry of the same webhook, a deadlock).
                let mut outcomes = Vec::with_capacity(writes.len());
                for write in writes {
                    outcomes.push(self.ingest_alone(write).await);
                }
                self.messages_stored(outcomes.iter().flatten().map(|o| o.new_messages.len()).sum());
                Ok(outcomes)
            }

            async fn journal_inbound(&self, writes: &[$crate::writes::InboundWrite]) -> $crate::StoreResult<()> {
                let entries =
                    writes.iter().map($crate::sql::journal::encode).collect::<$crate::StoreResult<Vec<_>>>()?;
                self.append_journal(&entries).await
            }

            async fn work_off_journal(
                &self,
                limit: usize,
            ) -> $crate::StoreResult<Option<Vec<$crate::writes::JournaledOutcome>>> {
                let Some(turn) = self.take_journal_turn().await? else { return Ok(None) };
                let worked = self.work_off_journal_entries(limit).await;
                self.end_journal_turn(turn).await;
                worked.map(Some)
            }

            async fn journal_depth(&self) -> $crate::StoreResult<$crate::writes::JournalDepth> {
                self.count_journal_entries().await
            }

            async fn set_aside_journal_entries(
                &self,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::writes::SetAsideEntry>> {
                self.list_set_aside_entries(limit).await
            }

            async fn retry_set_aside_journal_entries(&self, journal_ids: Option<&[i64]>) -> $crate::StoreResult<u64> {
                self.retry_set_aside_entries(journal_ids).await
            }

            async fn list_webhook_events(
                &self,
                workspace_id: switchboard_domain::WorkspaceId,
                channel_id: Option<switchboard_domain::ChannelId>,
                limit: u32,
            ) -> $crate::StoreResult<Vec<$crate::model::WebhookEvent>> {
                use $crate::sql::decode::get;
                let rows = sqlx::query(
                    "select * from webhook_events where workspace_id = $1 and ($2 is null or channel_id = $2) \
                     order by webhook_event_id desc limit $3",
                )
                .bind(workspace_id.0)
                .bind(channel_id.map(|c| c.0))
                .bind(i64::from(limit))
                .fetch_all(self.read_pool())
                .await?;
                let mut events = Vec::with_capacity(rows.len());
                for row in &rows {
                    events.push($crate::model::WebhookEvent {
                        webhook_event_id: get!(row, "webhook_event_id" as id WebhookEventId),
                        workspace_id: get!(row, "workspace_id" as id WorkspaceId),
                        channel_id: get!(row, "channel_id" as id ChannelId),
                        provider: get!(row, "provider" as switchboard_domain::Provider),
                        verification: get!(row, "verification"),
                        content_type: get!(row, "content_type"),
                        payload: get!(row, "payload"),
                        outcome: get!(row, "outcome"),
                        received_at: get!(row, "received_at"),
                    });
                }
                Ok(events)
            }
        }
    };
}
pub(crate) use impl_ingest_repo;
