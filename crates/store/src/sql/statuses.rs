//! The status-advance statement, built once per target status from the domain's rule of which
//! states may move to which, so the SQL and the rule cannot drift apart.

use std::collections::HashMap;
use std::sync::LazyLock;

use switchboard_domain::MessageStatus;

fn timestamp_column(status: MessageStatus) -> &'static str {
    match status {
        MessageStatus::Received => "received_at",
        MessageStatus::Queued => "queued_at",
        MessageStatus::Sent => "sent_at",
        MessageStatus::Delivered => "delivered_at",
        MessageStatus::Read => "read_at",
        MessageStatus::Failed => "failed_at",
    }
}

static ADVANCE_SQL: LazyLock<HashMap<&'static str, String>> = LazyLock::new(|| {
    MessageStatus::ALL
        .iter()
        .copied()
        .filter(|status| !status.advances_from().is_empty())
        .map(|status| {
            let from: Vec<String> = status.advances_from().iter().map(|s| format!("'{}'", s.as_str())).collect();
            let sql = format!(
                "update messages set status = $1, {column} = $2, updated_at = $2, \
                 error_code = coalesce($3, error_code), error_reason = coalesce($4, error_reason), \
                 provider_details = coalesce($7, provider_details) \
                 where channel_id = $5 and provider_message_id = $6 and status in ({from})",
                column = timestamp_column(status),
                from = from.join(", "),
            );
            (status.as_str(), sql)
        })
        .collect()
});

/// `update messages ...` moving the message `(channel_id $5, provider_message_id $6)` to
/// `status` ($1) at $2 with error code $3, reason $4 and provider details $7, only if that is a
/// step forward.
/// `None` for a status nothing can advance to.
pub(crate) fn advance_sql(status: MessageStatus) -> Option<sqlx::AssertSqlSafe<&'static str>> {
    ADVANCE_SQL.get(status.as_str()).map(|sql| sqlx::AssertSqlSafe(sql.as_str()))
}
