-- The channel a contact prefers to be reached on (reminders and campaigns try it first).

alter table contacts add column preferred_channel_kind text;
