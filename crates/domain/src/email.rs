//! Email addresses, checked for shape and normalised (the domain lower-cased, surrounding
//! whitespace and a display name removed) at the boundary.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A syntactically valid email address, normalised to lower case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct EmailAddress(String);

/// Why an email address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an email address; expected something like name@example.com")]
pub struct InvalidEmail(pub String);

impl EmailAddress {
    /// Accepts `name@example.com` and `Name <name@example.com>`.
    pub fn parse(raw: &str) -> Result<Self, InvalidEmail> {
        let trimmed = raw.trim();
        let addr = match (trimmed.rfind('<'), trimmed.ends_with('>')) {
            (Some(start), true) => &trimmed[start + 1..trimmed.len() - 1],
            _ => trimmed,
        };
        let invalid = || InvalidEmail(trimmed.to_owned());
        let (local, domain) = addr.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.chars().any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"".contains(c));
        let domain_ok = domain.len() <= 253
            && domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !local_ok || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(format!("{}@{}", local.to_lowercase(), domain.to_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for EmailAddress {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        EmailAddress::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_display_name_is_dropped_and_the_address_lower_cased() {
        let email = EmailAddress::parse("Ana Lima <Ana.Lima@Example.COM>").unwrap();
        assert_eq!(email.as_str(), "ana.lima@example.com");
    }

    #[test]
    fn addresses_without_a_domain_are_refused() {
        for bad in ["ana", "ana@", "@example.com", "ana@localhost", "a b@example.com"] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
