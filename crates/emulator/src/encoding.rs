//! Address and text helpers: channel of an address (`whatsapp:` or SMS), E.164 checks,
//! random sids and tokens, and SMS segment counting (GSM-7 160/153, UCS-2 70/67).

use rand::RngExt as _;

/// GSM 03.38 basic character set (one septet each).
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u{1b}ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// GSM 03.38 extension table (escape + character: two septets each).
const GSM7_EXTENDED: &str = "^{}\\[~]|€\u{0c}";

/// Whether the address is a WhatsApp one (`whatsapp:+1…`).
pub(crate) fn is_whatsapp(address: &str) -> bool {
    address.starts_with("whatsapp:")
}

/// The phone number of an address, without a channel prefix.
pub(crate) fn phone_part(address: &str) -> &str {
    address.strip_prefix("whatsapp:").unwrap_or(address)
}

/// `+` followed by 8 to 15 digits, after removing a `whatsapp:` prefix.
pub(crate) fn is_e164(address: &str) -> bool {
    let Some(digits) = phone_part(address).strip_prefix('+') else {
        return false;
    };
    (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

/// A Twilio sid: two-letter prefix and 32 lowercase hex digits.
pub(crate) fn new_sid(prefix: &str) -> String {
    let n: u128 = rand::rng().random();
    format!("{prefix}{n:032x}")
}

/// A random token for `I-Twilio-Idempotency-Token`.
pub(crate) fn idempotency_token() -> String {
    let (a, b): (u64, u64) = {
        let mut rng = rand::rng();
        (rng.random(), rng.random())
    };
    format!("{a:016x}-{b:016x}")
}

/// How many SMS segments `body` takes.
pub(crate) fn sms_segments(body: &str) -> u32 {
    let septets: Option<usize> = body
        .chars()
        .map(|c| {
            if GSM7_BASIC.contains(c) {
                Some(1)
            } else if GSM7_EXTENDED.contains(c) {
                Some(2)
            } else {
                None
            }
        })
        .sum();
    let (units, single, multi) = match septets {
        Some(n) => (n, 160, 153),
        None => (body.encode_utf16().count(), 70, 67),
    };
    if units <= single { 1 } else { units.div_ceil(multi) as u32 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gsm_text_splits_at_160_then_153() {
        assert_eq!(sms_segments(""), 1);
        assert_eq!(sms_segments(&"a".repeat(160)), 1);
        assert_eq!(sms_segments(&"a".repeat(161)), 2);
        assert_eq!(sms_segments(&"a".repeat(306)), 2);
        assert_eq!(sms_segments(&"a".repeat(307)), 3);
        // Extension characters take two septets.
        assert_eq!(sms_segments(&"€".repeat(80)), 1);
        assert_eq!(sms_segments(&"€".repeat(81)), 2);
    }

    #[test]
    fn unicode_text_splits_at_70_then_67() {
        assert_eq!(sms_segments(&"ж".repeat(70)), 1);
        assert_eq!(sms_segments(&"ж".repeat(71)), 2);
        assert_eq!(sms_segments("Hello! 👍"), 1);
    }

    #[test]
    fn e164_needs_a_plus_and_8_to_15_digits() {
        assert!(is_e164("+14155550100"));
        assert!(is_e164("whatsapp:+14155550100"));
        assert!(!is_e164("14155550100"));
        assert!(!is_e164("+1415"));
        assert!(!is_e164("+1234567890123456"));
        assert!(!is_e164("+1415555O100"));
    }

    #[test]
    fn sids_are_prefix_and_32_lowercase_hex() {
        let sid = new_sid("SM");
        assert_eq!(sid.len(), 34);
        assert!(sid[2..].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
    }
}
