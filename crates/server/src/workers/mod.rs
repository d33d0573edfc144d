//! Background workers. The dispatcher claims jobs from the queue in the database and runs them:
//! sends through the channel adapters, help replies. The snooze worker reopens conversations whose
//! snooze has ended. The mailbox importer reads each mailbox channel's new mail over IMAP. The
//! search indexer adds new messages to the word index.

pub mod dispatcher;
mod jobs;
pub mod journal;
pub mod mailbox;
pub mod media;
pub mod pacer;
pub mod pair_limit;
pub mod search_index;
pub mod snoozes;

pub use dispatcher::Dispatcher;
