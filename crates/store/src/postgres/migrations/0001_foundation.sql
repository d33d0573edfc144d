-- The foundation schema for PostgreSQL. Ids are UUIDv7, times are milliseconds since the Unix
-- epoch (the same numbers the SQLite backend stores), JSON is jsonb.

create table workspaces (
    workspace_id uuid primary key,
    name text not null unique,
    help_text text not null,
    created_at bigint not null,
    updated_at bigint not null
);

create table api_keys (
    api_key_id uuid primary key,
    workspace_id uuid not null references workspaces (workspace_id) on delete cascade,
    name text not null,
    prefix text not null,
    key_hash bytea not null unique,
    created_at bigint not null,
    revoked_at bigint
);

create table channels (
    channel_id uuid primary key,
    workspace_id uuid not null references workspaces (workspace_id) on delete cascade,
    kind text not null,
    provider text not null,
    name text not null,
    address text not null,
    sealed_credentials bytea not null,
    settings jsonb not null,
    enabled boolean not null default true,
    created_at bigint not null,
    updated_at bigint not null,
    unique (workspace_id, kind, address)
);

create table contacts (
    contact_id uuid primary key,
    workspace_id uuid not null references workspaces (workspace_id) on delete cascade,
    display_name text,
    created_at bigint not null,
    updated_at bigint not null
);
create index contacts_by_workspace on contacts (workspace_id, contact_id);

create table contact_identities (
    identity_id uuid primary key,
    workspace_id uuid not null references workspaces (workspace_id) on delete cascade,
    contact_id uuid not null references contacts (contact_id) on delete cascade,
    kind text not null,
    value text not null,
    created_at bigint not null,
    unique (workspace_id, kind, value)
);
create index contact_identities_by_contact on contact_identities (contact_id);

create table opt_outs (
    identity_id uuid not null references contact_identities (identity_id) on delete cascade,
    channel_kind text not null,
    opted_out boolean not null,
    keyword text,
    updated_at bigint not null,
    primary key (identity_id, channel_kind)
);

create table conversations (
    conversation_id uuid primary key,
    workspace_id uuid not null references workspaces (workspace_id) on delete cascade,
    contact_id uuid not null references contacts (contact_id) on delete cascade,
    status text not null,
    last_message_at bigint,
    last_channel_id uuid,
    unread_count integer not null default 0,
    created_at bigint not null,
    updated_at bigint not null,
    unique (workspace_id, contact_id)
);
create index conversations_by_activity on conversations (workspace_id, updated_at desc, conversation_id desc);

-- The channels a conversation spans, and when the customer last wrote on each (the WhatsApp
-- 24-hour window is counted from it).
create table conversation_channels (
    conversation_id uuid not null references conversations (conversation_id) on delete cascade,
    channel_id uuid not null references channels (channel_id) on delete cascade,
    last_inbound_at bigint,
    primary key (conversation_id, channel_id)
);
create index conversation_channels_by_channel on conversation_channels (channel_id, conversation_id);

create table messages (
    message_id uuid primary key,
    workspace_id uuid not null references workspaces (workspace_id) on delete cascade,
    conversation_id uuid not null references conversations (conversation_id) on delete cascade,
    contact_id uuid not null references contacts (contact_id) on delete cascade,
    channel_id uuid not null references channels (channel_id),
    direction text not null,
    sender_kind text not null,
    body text not null,
    attachments jsonb not null,
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
    received_at bigint,
    queued_at bigint,
    sent_at bigint,
    delivered_at bigint,
    read_at bigint,
    failed_at bigint,
    created_at bigint not null,
    updated_at bigint not null,
    unique (channel_id, provider_message_id)
);
create index messages_by_conversation on messages (conversation_id, message_id);
create unique index messages_by_idempotency_key on messages (workspace_id, idempotency_key)
    where idempotency_key is not null;

-- Status callbacks that arrived before the send that they report on was recorded.
create table early_statuses (
    channel_id uuid not null,
    provider_message_id text not null,
    status text not null,
    error_code text,
    error_reason text,
    reported_at bigint not null,
    primary key (channel_id, provider_message_id, status)
);

create table webhook_events (
    webhook_event_id uuid primary key,
    workspace_id uuid not null references workspaces (workspace_id) on delete cascade,
    channel_id uuid not null references channels (channel_id) on delete cascade,
    provider text not null,
    verification text not null,
    content_type text not null,
    payload text not null,
    outcome text not null,
    received_at bigint not null
);
create index webhook_events_by_channel on webhook_events (workspace_id, channel_id, webhook_event_id desc);

create table jobs (
    job_id uuid primary key,
    workspace_id uuid not null references workspaces (workspace_id) on delete cascade,
    kind text not null,
    payload jsonb not null,
    dedupe_key text unique,
    state text not null,
    run_at bigint not null,
    attempts integer not null default 0,
    max_attempts integer not null,
    lease_owner text,
    lease_until bigint,
    last_error text,
    created_at bigint not null,
    updated_at bigint not null
);
create index jobs_ready on jobs (state, run_at);
create index jobs_by_workspace on jobs (workspace_id, state, job_id desc);
