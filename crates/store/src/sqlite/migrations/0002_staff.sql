-- Staff who sign in to the inbox, and their sessions. A session is found by the SHA-256 of its
-- cookie token; the token itself is never stored.

create table staff (
    staff_id blob primary key,
    workspace_id blob not null references workspaces (workspace_id) on delete cascade,
    email text not null unique,
    name text not null,
    role text not null,
    password_hash text not null,
    active integer not null default 1,
    created_at integer not null,
    updated_at integer not null
);
create index staff_by_workspace on staff (workspace_id, staff_id);

create table staff_sessions (
    token_hash blob primary key,
    staff_id blob not null references staff (staff_id) on delete cascade,
    csrf_token text not null,
    created_at integer not null,
    expires_at integer not null
);
create index staff_sessions_by_staff on staff_sessions (staff_id);
