//! Phone numbers in E.164, parsed once at the boundary with libphonenumber's metadata.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A valid phone number in E.164 form (`+14155550123`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PhoneE164(String);

/// Why a phone number was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidPhone {
    #[error("{0:?} is not a phone number; write it in international form, such as +14155550123")]
    Unparseable(String),
    #[error("{0:?} is not a valid number for its country; check the digits and the country code")]
    NotValid(String),
}

impl PhoneE164 {
    /// Parses a number in international form (a leading `+` and the country code). Spaces,
    /// dashes, dots and parentheses are accepted and dropped.
    pub fn parse(raw: &str) -> Result<Self, InvalidPhone> {
        let trimmed = raw.trim();
        if !trimmed.starts_with('+') || trimmed.len() > 32 {
            return Err(InvalidPhone::Unparseable(trimmed.to_owned()));
        }
        let number = phonenumber::parse(None, trimmed).map_err(|_| InvalidPhone::Unparseable(trimmed.to_owned()))?;
        if !phonenumber::is_valid(&number) {
            return Err(InvalidPhone::NotValid(trimmed.to_owned()));
        }
        Ok(Self(number.format().mode(phonenumber::Mode::E164).to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PhoneE164 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for PhoneE164 {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        PhoneE164::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_formatted_us_number_is_normalised_to_e164() {
        let phone = PhoneE164::parse(" +1 (415) 555-2671 ").unwrap();
        assert_eq!(phone.as_str(), "+14155552671");
    }

    #[test]
    fn a_number_without_country_code_is_refused_with_a_hint() {
        let err = PhoneE164::parse("4155552671").unwrap_err();
        assert!(err.to_string().contains("international form"));
    }

    #[test]
    fn a_number_with_too_few_digits_is_not_valid() {
        assert!(PhoneE164::parse("+1415").is_err());
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_valid_results_round_trip(raw in "\\PC{0,40}") {
            if let Ok(phone) = PhoneE164::parse(&raw) {
                prop_assert_eq!(PhoneE164::parse(phone.as_str()).unwrap(), phone.clone());
                prop_assert!(phone.as_str().starts_with('+'));
                prop_assert!(phone.as_str()[1..].chars().all(|c| c.is_ascii_digit()));
            }
        }

        #[test]
        fn us_numbers_in_any_punctuation_parse_to_the_same_e164(
            area in 201u32..989, exchange in 200u32..999, line in 0u32..9999, style in 0usize..4
        ) {
            let digits = format!("+1{area}{exchange}{line:04}");
            let styled = match style {
                0 => digits.clone(),
                1 => format!("+1 ({area}) {exchange}-{line:04}"),
                2 => format!("+1.{area}.{exchange}.{line:04}"),
                _ => format!("+1 {area} {exchange} {line:04}"),
            };
            match (PhoneE164::parse(&digits), PhoneE164::parse(&styled)) {
                (Ok(a), Ok(b)) => prop_assert_eq!(a, b),
                (Err(_), Err(_)) => {}
                (a, b) => prop_assert!(false, "{a:?} vs {b:?}"),
            }
        }
    }
}
