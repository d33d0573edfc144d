-- Labels staff put on conversations, saved replies staff insert by a shortcut, and snoozing a
-- conversation until a time (it reopens then, or as soon as the customer writes).

create table labels (
    label_id uuid primary key,
    workspace_id uuid not null references workspaces (workspace_id) on delete cascade,
    name text not null,
    colour text not null,
    created_at bigint not null
);
create unique index labels_by_name on labels (workspace_id, lower(name));

create table conversation_labels (
    conversation_id uuid not null references conversations (conversation_id) on delete cascade,
    label_id uuid not null references labels (label_id) on delete cascade,
    created_at bigint not null,
    primary key (conversation_id, label_id)
);
create index conversation_labels_by_label on conversation_labels (label_id, conversation_id);

create table canned_responses (
    canned_response_id uuid primary key,
    workspace_id uuid not null references workspaces (workspace_id) on delete cascade,
    shortcut text not null,
    body text not null,
    created_at bigint not null,
    updated_at bigint not null
);
create unique index canned_responses_by_shortcut on canned_responses (workspace_id, lower(shortcut));

alter table conversations add column snoozed_until bigint;
create index conversations_by_snooze on conversations (snoozed_until) where snoozed_until is not null;
