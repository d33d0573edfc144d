-- Send pacing: the next free send slot of each channel with a throughput limit (WhatsApp through
-- Meta: 80 messages a second by default), in microseconds. Each queued send takes the next slot
-- and its job runs then, so a burst leaves at the channel's rate and several channels queue side
-- by side, each at its own rate, on any number of nodes.

create table send_pacing (
    channel_id blob primary key references channels (channel_id) on delete cascade,
    next_at_us integer not null
) without rowid;
