//! Identifiers shaped like Meta's: `wamid.…` message ids (base64 of a small record holding the
//! customer's number), numeric Graph object ids, `fbtrace_id`s, conversation ids, user access
//! tokens, and the Graph paging cursors (base64 of the offset with `=` written as `ZD`).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use rand::RngExt as _;

/// Which way a message went; Meta's wamids differ slightly between the two.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Sent by the business through the API.
    Outbound,
    /// Sent by a customer to the business.
    Inbound,
}

fn random_upper_hex(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| char::from(b"0123456789ABCDEF"[rng.random_range(0..16)])).collect()
}

/// A fresh `wamid.…` for a message to or from `wa_id`.
pub(crate) fn new_wamid(wa_id: &str, direction: Direction) -> String {
    let digits: Vec<u8> = wa_id.bytes().filter(u8::is_ascii_digit).take(60).collect();
    let (marker, hex_len) = match direction {
        Direction::Outbound => (0x11, 18),
        Direction::Inbound => (0x12, 20),
    };
    let mut record = vec![0x1c, 0x18, digits.len() as u8];
    record.extend_from_slice(&digits);
    record.extend_from_slice(&[0x15, 0x02, 0x00, marker, 0x18, hex_len as u8]);
    record.extend_from_slice(random_upper_hex(hex_len).as_bytes());
    record.push(0x00);
    format!("wamid.{}", STANDARD.encode(record))
}

/// A numeric Graph object id (media, templates).
pub(crate) fn new_object_id() -> String {
    let n: u64 = rand::rng().random_range(1_000_000_000_000_000..10_000_000_000_000_000);
    n.to_string()
}

/// A Graph `fbtrace_id`: `A` and 22 URL-safe characters.
pub(crate) fn new_fbtrace_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut rng = rand::rng();
    let tail: String = (0..22).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
    format!("A{tail}")
}

/// A conversation id: 32 lowercase hex digits.
pub(crate) fn new_conversation_id() -> String {
    let n: u128 = rand::rng().random();
    format!("{n:032x}")
}

/// A user access token: `EAA` and alphanumerics, like the ones Facebook Login issues.
pub(crate) fn new_user_access_token() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let tail: String = (0..160).map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())])).collect();
    format!("EAA{tail}")
}

/// The Graph paging cursor for an offset into a list.
pub(crate) fn cursor(offset: usize) -> String {
    STANDARD.encode(offset.to_string()).replace('=', "ZD")
}

/// The offset a cursor stands for, if it is one of ours.
pub(crate) fn cursor_offset(cursor: &str) -> Option<usize> {
    let bytes = STANDARD.decode(cursor.replace("ZD", "=")).ok()?;
    String::from_utf8(bytes).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wamids_hold_the_number_like_metas() {
        let wamid = new_wamid("16505551234", Direction::Outbound);
        let record = STANDARD.decode(wamid.strip_prefix("wamid.").unwrap()).unwrap();
        assert_eq!(&record[..3], &[0x1c, 0x18, 11]);
        assert_eq!(&record[3..14], b"16505551234");
        assert!(wamid.starts_with("wamid.HBgLMTY1MDU1NTEyMzQVAgARGB"), "{wamid}");
        assert_ne!(wamid, new_wamid("16505551234", Direction::Outbound));
        assert!(new_wamid("16505551234", Direction::Inbound).starts_with("wamid.HBgLMTY1MDU1NTEyMzQVAgASGB"));
    }

    #[test]
    fn cursors_are_graph_style_and_round_trip() {
        assert_eq!(cursor(0), "MAZDZD");
        assert_eq!(cursor(24), "MjQZD");
        for offset in [0, 1, 9, 10, 25, 99, 100, 12345] {
            assert_eq!(cursor_offset(&cursor(offset)), Some(offset));
        }
        assert_eq!(cursor_offset("not a cursor"), None);
    }

    #[test]
    fn trace_ids_and_object_ids_have_metas_shape() {
        let trace = new_fbtrace_id();
        assert_eq!(trace.len(), 23);
        assert!(trace.starts_with('A'));
        let id = new_object_id();
        assert_eq!(id.len(), 16);
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(new_conversation_id().len(), 32);
        let token = new_user_access_token();
        assert!(token.starts_with("EAA") && token.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert_ne!(token, new_user_access_token());
    }
}
