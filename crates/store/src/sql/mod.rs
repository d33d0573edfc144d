//! What both SQL backends share: the queries (written once, in the SQL both SQLite and
//! PostgreSQL accept, with `$n` parameters) and the code that runs them. The shared code is
//! written once as macros and stamped out for each backend's concrete types, so every query is
//! type-checked against both drivers; only what truly differs (connecting, migrations, claiming
//! jobs, transactions) is written per backend.

pub(crate) mod canned;
pub(crate) mod channels;
pub(crate) mod contact_edits;
pub(crate) mod contacts;
pub(crate) mod conversations;
pub(crate) mod cursor;
pub(crate) mod decode;
pub(crate) mod email;
pub(crate) mod inbox;
pub(crate) mod ingest;
pub(crate) mod ingest_item;
pub(crate) mod ingest_plan;
pub(crate) mod ingest_rows;
pub(crate) mod journal;
pub(crate) mod labels;
pub(crate) mod media;
pub(crate) mod messages;
pub(crate) mod queue;
pub(crate) mod staff;
pub(crate) mod statuses;
pub(crate) mod teamwork;
pub(crate) mod templates;
pub(crate) mod workspaces;

/// Stamps out every shared repository for one backend. The backend type must provide
/// `read_pool()`, `write_pool()`, `begin_write()` and `CLAIM_JOBS_SQL`.
macro_rules! impl_shared_repos {
    ($store:ty, $db:ty) => {
        $crate::sql::workspaces::impl_workspace_repo!($store, $db);
        $crate::sql::channels::impl_channel_repo!($store, $db);
        $crate::sql::contacts::impl_contact_repo!($store, $db);
        $crate::sql::contact_edits::impl_contact_edit_repo!($store, $db);
        $crate::sql::conversations::impl_conversation_repo!($store, $db);
        $crate::sql::messages::impl_message_repo!($store, $db);
        $crate::sql::ingest::impl_ingest_repo!($store, $db);
        $crate::sql::journal::impl_journal!($store, $db);
        $crate::sql::queue::impl_queue_repo!($store, $db);
        $crate::sql::staff::impl_staff_repo!($store, $db);
        $crate::sql::inbox::impl_inbox_repo!($store, $db);
        $crate::sql::teamwork::impl_teamwork_repo!($store, $db);
        $crate::sql::labels::impl_label_repo!($store, $db);
        $crate::sql::canned::impl_canned_response_repo!($store, $db);
        $crate::sql::templates::impl_template_repo!($store, $db);
        $crate::sql::media::impl_media_repo!($store, $db);
        $crate::sql::email::impl_email_repo!($store, $db);
    };
}
pub(crate) use impl_shared_repos;
