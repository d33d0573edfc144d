-- The inbound journal. Under load a verified webhook is answered as soon as it is kept here, in
-- order, and the journal worker later stores it in full (as a batch of webhooks is stored
-- directly) and deletes it. `entry` is the verified, parsed webhook as JSON. A webhook that
-- cannot be stored keeps its reason in `failure` and stays for an operator to look at.

create table inbound_journal (
    journal_id bigint generated always as identity primary key,
    entry text not null,
    failure text
);
