-- Files uploaded through the API to send (an invoice to attach to an email) belong to no message
-- until one is sent with them, and keep the name they were uploaded with. SQLite cannot drop a
-- NOT NULL constraint, so the table is rebuilt.

create table media_with_uploads (
    media_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    message_id blob references messages (message_id) on delete cascade,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    bytes blob not null,
    created_at integer not null,
    filename text
);
insert into media_with_uploads (media_id, workspace_id, message_id, content_type, size_bytes, sha256, bytes, created_at)
    select media_id, workspace_id, message_id, content_type, size_bytes, sha256, bytes, created_at from media;
drop table media;
alter table media_with_uploads rename to media;
create index media_by_message on media (message_id);
