-- Invitations to join a workspace's staff: the invited account exists (without a password, so it
-- cannot sign in) until the invitee opens the link and chooses one. Found by the SHA-256 of the
-- link's token; the token itself is never stored.

create table staff_invitations (
    token_hash bytea primary key,
    staff_id uuid not null references staff (staff_id) on delete cascade,
    created_at bigint not null,
    expires_at bigint not null
);
create index staff_invitations_by_staff on staff_invitations (staff_id);
