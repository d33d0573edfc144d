-- Keys shaped for the inbound hot path.
--
-- 1. The hot path looks up a batch of provider message ids (one channel) and a batch of sender
--    identities (one workspace and kind) with `= any(...)`. On a young database, before
--    statistics exist, the planner used only the leading columns of the old keys and filtered
--    the rest row by row. With the looked-up value first, the list is always an index condition.
--
-- 2. Every foreign key costs a lookup and a row lock on the parent per inserted row, and the
--    locks on one workspace row and one channel row, shared by every concurrent batch, were the
--    largest cost of an ingest. Foreign keys now follow the ownership chain only (workspace →
--    contact → conversation → message, channel → webhook event); a workspace's deletion still
--    reaches every row through it. A message keeps its channel id when the channel is deleted,
--    so its history stays readable.

alter table messages drop constraint messages_channel_id_provider_message_id_key;
alter table messages add constraint messages_provider_message_id_key unique (provider_message_id, channel_id);

alter table contact_identities drop constraint contact_identities_workspace_id_kind_value_key;
alter table contact_identities add constraint contact_identities_value_key unique (value, kind, workspace_id);

alter table messages drop constraint messages_workspace_id_fkey;
alter table messages drop constraint messages_contact_id_fkey;
alter table messages drop constraint messages_channel_id_fkey;
alter table webhook_events drop constraint webhook_events_workspace_id_fkey;
alter table conversations drop constraint conversations_workspace_id_fkey;
alter table conversation_channels drop constraint conversation_channels_channel_id_fkey;
alter table contact_identities drop constraint contact_identities_workspace_id_fkey;
