-- What a customer's message said before they edited it (Telegram lets them): the message keeps
-- its newest text, and each earlier one is kept here with the time it was replaced. A provider's
-- retry of the same edit finds its row and changes nothing. `edited_at` marks a message whose
-- text changed, for the timeline.

create table message_edits (
    message_id uuid not null references messages (message_id) on delete cascade,
    edited_at bigint not null,
    previous_body text not null,
    primary key (message_id, edited_at)
);

alter table messages add column edited_at bigint;
