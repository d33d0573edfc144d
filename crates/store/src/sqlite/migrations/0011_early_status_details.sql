-- A delivery report that arrives before the send it reports on keeps what the provider said with
-- it (WhatsApp's conversation and pricing) until it is applied.

alter table early_statuses add column details text;
