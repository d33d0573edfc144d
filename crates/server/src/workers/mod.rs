//! Background workers. The dispatcher claims jobs from the queue in the database and runs them:
//! sends through the channel adapters, help replies.

pub mod dispatcher;
mod jobs;

pub use dispatcher::Dispatcher;
