//! The Switchboard domain: identifiers, addresses, the message model and the rules that govern
//! it (status ordering, SMS segments, opt-out keywords). Pure data and functions, no I/O, so
//! every other crate can depend on it and every rule can be tested in isolation.

pub mod canned;
pub mod channel;
pub mod content;
pub mod conversation;
pub mod email;
pub mod email_thread;
pub mod identity;
pub mod ids;
pub mod inbound;
pub mod keywords;
pub mod labels;
pub mod message;
pub mod names;
pub mod phone;
pub mod segments;
pub mod staff;

pub use channel::{ChannelKind, Provider};
pub use content::Content;
pub use conversation::ConversationStatus;
pub use email::EmailAddress;
pub use email_thread::EmailDetails;
pub use identity::{Identity, IdentityKind};
pub use ids::*;
pub use message::{Attachment, Direction, MessageStatus, SenderKind};
pub use phone::PhoneE164;
pub use staff::StaffRole;
