-- Rich content (WhatsApp Cloud, Instagram, Messenger): what a message carries beyond text, the
-- message it replies to, and what the provider reported with its statuses (conversation,
-- pricing). Channels that one app-level webhook serves are found by the provider's id for them
-- (a WhatsApp phone number id, an Instagram account id, a Page id). Templates are kept per
-- channel as the provider last listed them.

alter table messages add column content jsonb;
alter table messages add column reply_to text;
alter table messages add column provider_details jsonb;

alter table channels add column external_id text;
create unique index channels_by_external_id on channels (provider, external_id) where external_id is not null;

create table message_templates (
    channel_id uuid not null references channels (channel_id) on delete cascade,
    name text not null,
    language text not null,
    category text not null,
    status text not null,
    components jsonb not null,
    synced_at bigint not null,
    primary key (channel_id, name, language)
);
