-- Email: a message's subject, threading headers and the parts kept apart from its new text (the
-- quoted earlier messages, the signature, the HTML body), and the customer's Message-ID, by
-- which a later reply is threaded into the same conversation.

alter table messages add column email text;
alter table messages add column email_message_id text;
create index messages_by_email_message_id on messages (workspace_id, email_message_id)
    where email_message_id is not null;

-- Where each mailbox's importer stands: the folder's UIDVALIDITY and the last UID it stored. A
-- new UIDVALIDITY means the remembered UIDs no longer name the same messages: the importer
-- starts over and Message-IDs keep it from storing anything twice.
create table mailbox_cursors (
    channel_id blob primary key references channels (channel_id) on delete cascade,
    folder text not null,
    uid_validity bigint not null,
    last_uid bigint not null,
    updated_at bigint not null
);
