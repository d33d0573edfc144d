//! SMS length in segments, counted as carriers bill it. A body that fits the GSM 03.38 alphabet
//! (with characters of the extension table costing two septets) travels as GSM-7: 160 septets in
//! one segment, 153 per segment once split. Anything else travels as UCS-2: 70 UTF-16 units in
//! one segment, 67 per segment once split. A character is never split across two segments, so
//! an escape pair or a surrogate pair that does not fit moves whole to the next segment.

use serde::{Deserialize, Serialize};

/// The encoding an SMS body travels in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmsEncoding {
    #[serde(rename = "gsm7")]
    Gsm7,
    #[serde(rename = "ucs2")]
    Ucs2,
}

impl SmsEncoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gsm7 => "gsm7",
            Self::Ucs2 => "ucs2",
        }
    }
}

/// How an SMS body will be carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsLength {
    pub encoding: SmsEncoding,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2).
    pub units: usize,
    pub segments: usize,
}

const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM7_EXTENSION: &str = "\u{000C}^{}\\[~]|€";

/// Septets a character costs in GSM-7, or `None` when it is outside the alphabet.
fn gsm7_septets(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Counts the segments of `body`.
pub fn measure(body: &str) -> SmsLength {
    let gsm: Option<Vec<usize>> = body.chars().map(gsm7_septets).collect();
    match gsm {
        Some(costs) => pack(SmsEncoding::Gsm7, &costs, 160, 153),
        None => {
            let costs: Vec<usize> = body.chars().map(char::len_utf16).collect();
            pack(SmsEncoding::Ucs2, &costs, 70, 67)
        }
    }
}

fn pack(encoding: SmsEncoding, costs: &[usize], single: usize, per_part: usize) -> SmsLength {
    let units: usize = costs.iter().sum();
    if units <= single {
        return SmsLength { encoding, units, segments: 1 };
    }
    let mut segments = 1;
    let mut used = 0;
    for &cost in costs {
        if used + cost > per_part {
            segments += 1;
            used = 0;
        }
        used += cost;
    }
    SmsLength { encoding, units, segments }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_hundred_sixty_plain_letters_fit_one_segment() {
        let body = "a".repeat(160);
        assert_eq!(measure(&body), SmsLength { encoding: SmsEncoding::Gsm7, units: 160, segments: 1 });
        assert_eq!(measure(&"a".repeat(161)).segments, 2);
        assert_eq!(measure(&"a".repeat(306)).segments, 2);
        assert_eq!(measure(&"a".repeat(307)).segments, 3);
    }

    #[test]
    fn extension_characters_cost_two_septets() {
        let body = "€".repeat(80);
        assert_eq!(measure(&body), SmsLength { encoding: SmsEncoding::Gsm7, units: 160, segments: 1 });
        assert_eq!(measure(&format!("{body}a")).segments, 2);
    }

    #[test]
    fn an_escape_pair_is_never_split_across_segments() {
        // 152 letters then '€': the pair cannot start at septet 153 of the first part.
        let body = format!("{}€{}", "a".repeat(152), "a".repeat(10));
        assert_eq!(measure(&body).units, 164);
        assert_eq!(measure(&body).segments, 2);
        // The pair and 151 letters exactly fill the second part; one more letter needs a third.
        let exact = format!("{}€{}", "a".repeat(152), "a".repeat(151));
        assert_eq!(measure(&exact).segments, 2);
        let over = format!("{}€{}", "a".repeat(152), "a".repeat(152));
        assert_eq!(measure(&over).segments, 3);
    }

    #[test]
    fn one_emoji_switches_the_body_to_ucs2() {
        let body = format!("{}🙂", "a".repeat(60));
        assert_eq!(measure(&body), SmsLength { encoding: SmsEncoding::Ucs2, units: 62, segments: 1 });
        assert_eq!(measure(&"é".repeat(70)).encoding, SmsEncoding::Gsm7);
        assert_eq!(measure(&"ç".repeat(70)), SmsLength { encoding: SmsEncoding::Ucs2, units: 70, segments: 1 });
        assert_eq!(measure(&"ç".repeat(71)).segments, 2);
        assert_eq!(measure(&"ç".repeat(134)).segments, 2);
        assert_eq!(measure(&"ç".repeat(135)).segments, 3);
    }

    #[test]
    fn the_empty_body_is_one_segment() {
        assert_eq!(measure("").segments, 1);
    }

    proptest! {
        #[test]
        fn segments_hold_every_unit_and_never_exceed_capacity(body in "\\PC{0,600}") {
            let len = measure(&body);
            let (single, part) = match len.encoding {
                SmsEncoding::Gsm7 => (160, 153),
                SmsEncoding::Ucs2 => (70, 67),
            };
            if len.units <= single {
                prop_assert_eq!(len.segments, 1);
            } else {
                prop_assert!(len.segments * part >= len.units);
                // Never more than one wasted unit per boundary (a two-unit character moved).
                prop_assert!(len.segments <= len.units.div_ceil(part - 1));
            }
        }

        #[test]
        fn gsm_text_is_never_counted_as_ucs2(body in "[a-zA-Z0-9 .,!?@£$€]{0,400}") {
            prop_assert_eq!(measure(&body).encoding, SmsEncoding::Gsm7);
        }
    }
}
