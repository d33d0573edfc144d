-- Search by words: an FTS5 index of message bodies (external content: the index holds the words,
-- the messages table the text). Indexing a row as it is written would make every write pay for
-- the index's segments at each commit, about doubling the cost of storing a message; instead a
-- new message only queues its rowid, and the search indexer adds the queue to the index in large
-- batches (`index_message_words`). A search reads the index, and the few queued rows directly.

create virtual table messages_words using fts5 (body, content = 'messages', content_rowid = 'rowid');

create table message_words_queue (message_rowid integer primary key);

create trigger messages_words_queue_insert after insert on messages begin
    insert or ignore into message_words_queue (message_rowid) values (new.rowid);
end;

-- A message that leaves (its workspace deleted) leaves the index too, or the queue.
create trigger messages_words_forget after delete on messages begin
    insert into messages_words (messages_words, rowid, body)
        select 'delete', old.rowid, old.body
        where not exists (select 1 from message_words_queue where message_rowid = old.rowid);
    delete from message_words_queue where message_rowid = old.rowid;
end;

create trigger messages_words_requeue after update of body on messages begin
    insert into messages_words (messages_words, rowid, body)
        select 'delete', old.rowid, old.body
        where not exists (select 1 from message_words_queue where message_rowid = old.rowid);
    insert or ignore into message_words_queue (message_rowid) values (new.rowid);
end;

insert into message_words_queue (message_rowid) select rowid from messages;
