-- Files uploaded through the API to send (an invoice to attach to an email) belong to no message
-- until one is sent with them, and keep the name they were uploaded with.

alter table media alter column message_id drop not null;
alter table media add column filename text;
