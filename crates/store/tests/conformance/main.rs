//! The store conformance suite: every test runs against SQLite and against PostgreSQL, so the
//! two backends cannot drift apart in behaviour.

mod email;
mod fixtures;
mod ingest;
mod isolation;
mod journal;
mod organizing;
mod outbound;
mod queue;
mod records;
mod rich_content;
mod staff;
