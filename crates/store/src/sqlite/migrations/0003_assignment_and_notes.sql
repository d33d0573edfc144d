-- Who on the staff looks after a conversation, and the private notes staff leave on it (never
-- sent to the customer).

alter table conversations add column assignee_staff_id blob references staff (staff_id) on delete set null;
create index conversations_by_assignee on conversations (workspace_id, assignee_staff_id);

create table conversation_notes (
    note_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    conversation_id blob not null references conversations (conversation_id) on delete cascade,
    staff_id blob references staff (staff_id) on delete set null,
    body text not null,
    created_at integer not null
);
create index conversation_notes_by_conversation on conversation_notes (conversation_id, note_id);
