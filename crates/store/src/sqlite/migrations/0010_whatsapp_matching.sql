-- Whether a WhatsApp sender is the same contact as the SMS sender with the same number (the
-- default), or a contact of their own: some businesses keep the two apart.

alter table workspaces add column whatsapp_matches_phone boolean not null default true;
