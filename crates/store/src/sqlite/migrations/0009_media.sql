-- Files customers sent, downloaded from the provider (which keeps them only for a while) and
-- kept with their type, size and SHA-256. The message's attachment then points at them.

create table media (
    media_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    message_id blob not null references messages (message_id) on delete cascade,
    content_type text not null,
    size_bytes integer not null,
    sha256 text not null,
    bytes blob not null,
    created_at integer not null
);
create index media_by_message on media (message_id);
