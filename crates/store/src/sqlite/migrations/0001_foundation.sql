-- The foundation schema for SQLite. Ids are UUIDv7 as 16-byte blobs, times are milliseconds
-- since the Unix epoch, JSON is text.

create table workspaces (
    workspace_id blob primary key,
    name text not null unique,
    help_text text not null,
    created_at integer not null,
    updated_at integer not null
);

create table api_keys (
    api_key_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    name text not null,
    prefix text not null,
    key_hash blob not null unique,
    created_at integer not null,
    revoked_at integer
);

create table channels (
    channel_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    kind text not null,
    provider text not null,
    name text not null,
    address text not null,
    sealed_credentials blob not null,
    settings text not null,
    enabled integer not null default 1,
    created_at integer not null,
    updated_at integer not null,
    unique (workspace_id, kind, address)
);

create table contacts (
    contact_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    display_name text,
    created_at integer not null,
    updated_at integer not null
);
create index contacts_by_workspace on contacts (workspace_id, contact_id);

create table contact_identities (
    identity_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    contact_id blob not null references contacts (contact_id) on delete cascade,
    kind text not null,
    value text not null,
    created_at integer not null,
    unique (workspace_id, kind, value)
);
create index contact_identities_by_contact on contact_identities (contact_id);

create table opt_outs (
    identity_id blob not null references contact_identities (identity_id) on delete cascade,
    channel_kind text not null,
    opted_out integer not null,
    keyword text,
    updated_at integer not null,
    primary key (identity_id, channel_kind)
);

create table conversations (
    conversation_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    contact_id blob not null references contacts (contact_id) on delete cascade,
    status text not null,
    last_message_at integer,
    last_channel_id blob,
    unread_count integer not null default 0,
    created_at integer not null,
    updated_at integer not null,
    unique (workspace_id, contact_id)
);
create index conversations_by_activity on conversations (workspace_id, updated_at desc, conversation_id desc);

-- The channels a conversation spans, and when the customer last wrote on each (the WhatsApp
-- 24-hour window is counted from it).
create table conversation_channels (
    conversation_id blob not null references conversations (conversation_id) on delete cascade,
    channel_id blob not null references channels (channel_id) on delete cascade,
    last_inbound_at integer,
    primary key (conversation_id, channel_id)
) without rowid;
create index conversation_channels_by_channel on conversation_channels (channel_id, conversation_id);

create table messages (
    message_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    conversation_id blob not null references conversations (conversation_id) on delete cascade,
    contact_id blob not null references contacts (contact_id) on delete cascade,
    channel_id blob not null references channels (channel_id),
    direction text not null,
    sender_kind text not null,
    body text not null,
    attachments text not null,
    from_address text not null,
    to_address text not null,
    provider_message_id text,
    status text not null,
    error_code text,
    error_reason text,
    segments integer,
    encoding text,
    idempotency_key text,
    request_fingerprint text,
    received_at integer,
    queued_at integer,
    sent_at integer,
    delivered_at integer,
    read_at integer,
    failed_at integer,
    created_at integer not null,
    updated_at integer not null,
    unique (channel_id, provider_message_id)
);
create index messages_by_conversation on messages (conversation_id, message_id);
create unique index messages_by_idempotency_key on messages (workspace_id, idempotency_key)
    where idempotency_key is not null;

-- Status callbacks that arrived before the send that they report on was recorded.
create table early_statuses (
    channel_id blob not null,
    provider_message_id text not null,
    status text not null,
    error_code text,
    error_reason text,
    reported_at integer not null,
    primary key (channel_id, provider_message_id, status)
);

create table webhook_events (
    webhook_event_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    channel_id blob not null references channels (channel_id) on delete cascade,
    provider text not null,
    verification text not null,
    content_type text not null,
    payload text not null,
    outcome text not null,
    received_at integer not null
);
create index webhook_events_by_channel on webhook_events (workspace_id, channel_id, webhook_event_id desc);

create table jobs (
    job_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    kind text not null,
    payload text not null,
    dedupe_key text unique,
    state text not null,
    run_at integer not null,
    attempts integer not null default 0,
    max_attempts integer not null,
    lease_owner text,
    lease_until integer,
    last_error text,
    created_at integer not null,
    updated_at integer not null
);
create index jobs_ready on jobs (state, run_at);
create index jobs_by_workspace on jobs (workspace_id, state, job_id desc);
