//! The texts typed on the phone page to a Facebook Page or Instagram account, kept so the
//! person's side of those conversations shows beside the business's replies.

use std::time::Instant;

/// A text a person sent from the phone page to a messaging account.
#[derive(Clone, Debug)]
pub(crate) struct PersonText {
    /// The Page or Instagram account id.
    pub account_id: String,
    /// The person's PSID or IGSID.
    pub sender_id: String,
    pub text: String,
    /// When it was sent, to order it among the replies.
    pub at: Instant,
}
