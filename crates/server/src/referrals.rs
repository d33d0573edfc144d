//! References to a contact for the links we give customers (Telegram's `t.me/{bot}?start=REF`):
//! a customer who follows one from an email, say, writes to the bot as the contact we already
//! know. A reference is `c` and, in URL-safe base64, the contact's id and the first 12 bytes of
//! an HMAC over the workspace and contact ids under the deployment's key: 39 characters of
//! `A-Za-z0-9_-`, within Telegram's 64, and useless in another workspace or once edited.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use subtle::ConstantTimeEq;
use switchboard_domain::{ContactId, WorkspaceId};

use crate::secrets::SecretBox;

const MAC_BYTES: usize = 12;

fn mac(secrets: &SecretBox, workspace_id: WorkspaceId, contact_id: ContactId) -> [u8; MAC_BYTES] {
    let mut message = b"contact-link:".to_vec();
    message.extend_from_slice(workspace_id.0.as_bytes());
    message.extend_from_slice(contact_id.0.as_bytes());
    let full = secrets.sign(&message);
    let mut short = [0; MAC_BYTES];
    short.copy_from_slice(&full[..MAC_BYTES]);
    short
}

/// The reference naming `contact_id` in `workspace_id`.
pub fn reference(secrets: &SecretBox, workspace_id: WorkspaceId, contact_id: ContactId) -> String {
    let mut bytes = contact_id.0.as_bytes().to_vec();
    bytes.extend_from_slice(&mac(secrets, workspace_id, contact_id));
    format!("c{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// The contact a reference names, if it is one of ours for this workspace, unaltered.
pub fn resolve(secrets: &SecretBox, workspace_id: WorkspaceId, reference: &str) -> Option<ContactId> {
    let bytes = URL_SAFE_NO_PAD.decode(reference.strip_prefix('c')?).ok()?;
    if bytes.len() != 16 + MAC_BYTES {
        return None;
    }
    let contact_id = ContactId(uuid::Uuid::from_slice(&bytes[..16]).ok()?);
    let expected = mac(secrets, workspace_id, contact_id);
    bool::from(expected.ct_eq(&bytes[16..])).then_some(contact_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets() -> SecretBox {
        SecretBox::from_key(&[7; 32])
    }

    #[test]
    fn a_reference_names_its_contact_and_fits_a_telegram_start_payload() {
        let (workspace, contact) = (WorkspaceId::new(), ContactId::new());
        let reference = reference(&secrets(), workspace, contact);
        assert!(reference.len() <= 64);
        assert!(reference.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'), "{reference}");
        assert_eq!(resolve(&secrets(), workspace, &reference), Some(contact));
    }

    #[test]
    fn an_edited_or_foreign_reference_names_nobody() {
        let (workspace, contact) = (WorkspaceId::new(), ContactId::new());
        let reference = reference(&secrets(), workspace, contact);
        assert_eq!(resolve(&secrets(), WorkspaceId::new(), &reference), None, "another workspace");
        assert_eq!(resolve(&SecretBox::from_key(&[8; 32]), workspace, &reference), None, "another deployment");
        let mut edited = reference.into_bytes();
        edited[5] = if edited[5] == b'A' { b'B' } else { b'A' };
        assert_eq!(resolve(&secrets(), workspace, &String::from_utf8(edited).unwrap()), None);
        assert_eq!(resolve(&secrets(), workspace, "hello"), None);
    }
}
