-- Search: a GIN index of message bodies' words (the `simple` configuration: lowercased, no
-- stemming, no stop words, so a name or a number is a word like any other; GIN's pending list,
-- `fastupdate`, keeps the cost off each insert), and, where the server has the pg_trgm extension
-- (PostgreSQL's contrib, present in most installations), trigram indexes that let a search for
-- part of a name or a number use an index instead of reading every contact. Without pg_trgm the
-- search reads the contacts and stays correct.

create index messages_words on messages using gin (to_tsvector('simple', body));

do $$
begin
    create extension if not exists pg_trgm;
exception when others then
    raise notice 'pg_trgm is not available (%); searches for part of a name read every contact', sqlerrm;
end
$$;

do $$
begin
    if exists (select 1 from pg_extension where extname = 'pg_trgm') then
        create index contacts_name_trigrams on contacts using gin (lower(coalesce(display_name, '')) gin_trgm_ops);
        create index identities_value_trigrams on contact_identities using gin (lower(value) gin_trgm_ops);
    end if;
end
$$;
