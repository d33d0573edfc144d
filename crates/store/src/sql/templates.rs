//! Message templates per channel, replaced wholesale by each sync from the provider.

macro_rules! impl_template_repo {
    ($store:ty, $db:ty) => {
        #[async_trait::async_trait]
        impl $crate::repo::TemplateRepo for $store {
            #[tracing::instrument(skip_all, fields(channel_id = %channel_id, templates = templates.len()))]
            async fn replace_templates(
                &self,
                channel_id: switchboard_domain::ChannelId,
                templates: &[$crate::model::MessageTemplate],
                now: $crate::model::UnixMillis,
            ) -> $crate::StoreResult<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("delete from message_templates where channel_id = $1")
                    .bind(channel_id.0)
                    .execute(&mut *tx)
                    .await?;
                for template in templates {
                    sqlx::query(
                        "insert into message_templates (channel_id, name, language, category, status, components, \
                         synced_at) values ($1, $2, $3, $4, $5, $6, $7) \
                         on conflict (channel_id, name, language) do update set category = excluded.category, \
                         status = excluded.status, components = excluded.components",
                    )
                    .bind(channel_id.0)
                    .bind(&template.name)
                    .bind(&template.language)
                    .bind(&template.category)
                    .bind(&template.status)
                    .bind(sqlx::types::Json(&template.components))
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn list_templates(
                &self,
                channel_id: switchboard_domain::ChannelId,
            ) -> $crate::StoreResult<Vec<$crate::model::MessageTemplate>> {
                use $crate::sql::decode::get;
                let rows = sqlx::query("select * from message_templates where channel_id = $1 order by name, language")
                    .bind(channel_id.0)
                    .fetch_all(self.read_pool())
                    .await?;
                rows.iter()
                    .map(|row| {
                        Ok($crate::model::MessageTemplate {
                            name: get!(row, "name"),
                            language: get!(row, "language"),
                            category: get!(row, "category"),
                            status: get!(row, "status"),
                            components: get!(row, "components" as json),
                        })
                    })
                    .collect()
            }
        }
    };
}
pub(crate) use impl_template_repo;
