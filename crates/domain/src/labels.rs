//! The rules for labels: a name people can read in a list, and a colour the inbox can paint.

/// The longest label name, in characters.
pub const MAX_NAME_CHARS: usize = 40;

/// Colours offered for new labels, in the order they are handed out.
pub const PALETTE: [&str; 8] = ["#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#4b5563"];

/// Why a label was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LabelError {
    #[error("a label name needs between 1 and {MAX_NAME_CHARS} characters")]
    NameLength,
    #[error("a label name cannot contain control characters")]
    NameCharacters,
    #[error("{0:?} is not a colour; use the form #rrggbb, such as #2563eb")]
    Colour(String),
}

/// A label name, trimmed, or why it cannot be one.
pub fn parse_name(raw: &str) -> Result<String, LabelError> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(LabelError::NameLength);
    }
    if name.chars().any(char::is_control) {
        return Err(LabelError::NameCharacters);
    }
    Ok(name.to_owned())
}

/// A colour as `#rrggbb` in lowercase, or why it cannot be one.
pub fn parse_colour(raw: &str) -> Result<String, LabelError> {
    let colour = raw.trim().to_ascii_lowercase();
    let digits = colour.strip_prefix('#').unwrap_or("");
    if digits.len() == 6 && digits.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(colour)
    } else {
        Err(LabelError::Colour(raw.to_owned()))
    }
}

/// The colour for a workspace's next label, given how many it has.
pub fn next_colour(existing: usize) -> &'static str {
    PALETTE[existing % PALETTE.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_trimmed_and_must_be_readable() {
        assert_eq!(parse_name("  Billing "), Ok("Billing".to_owned()));
        assert_eq!(parse_name("   "), Err(LabelError::NameLength));
        assert_eq!(parse_name(&"x".repeat(41)), Err(LabelError::NameLength));
        assert_eq!(parse_name("a\nb"), Err(LabelError::NameCharacters));
    }

    #[test]
    fn a_colour_is_six_hex_digits_after_a_hash() {
        assert_eq!(parse_colour("#AA33ff"), Ok("#aa33ff".to_owned()));
        for bad in ["aa33ff", "#abc", "#gg0000", "red", "#aa33ff;background:url(x)"] {
            assert!(parse_colour(bad).is_err(), "{bad}");
        }
        assert_eq!(next_colour(9), PALETTE[1]);
    }
}
