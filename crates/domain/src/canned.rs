//! The rules for saved replies: a shortcut that can follow a `/` in the reply box, and a body
//! that fits in a message.

/// The longest shortcut, in characters.
pub const MAX_SHORTCUT_CHARS: usize = 32;
/// The longest saved reply, in characters.
pub const MAX_BODY_CHARS: usize = 5_000;

/// Why a saved reply was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CannedError {
    #[error(
        "a shortcut is 1 to {MAX_SHORTCUT_CHARS} letters, digits, '-' or '_' (typed after '/'), such as opening-hours"
    )]
    Shortcut,
    #[error("a saved reply needs between 1 and {MAX_BODY_CHARS} characters")]
    BodyLength,
}

/// A shortcut, without a leading `/` and in lowercase, or why it cannot be one.
pub fn parse_shortcut(raw: &str) -> Result<String, CannedError> {
    let shortcut = raw.trim().trim_start_matches('/').to_lowercase();
    let valid = !shortcut.is_empty()
        && shortcut.chars().count() <= MAX_SHORTCUT_CHARS
        && shortcut.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    if valid { Ok(shortcut) } else { Err(CannedError::Shortcut) }
}

/// A saved reply's body, trimmed, or why it cannot be one.
pub fn parse_body(raw: &str) -> Result<String, CannedError> {
    let body = raw.trim();
    if body.is_empty() || body.chars().count() > MAX_BODY_CHARS {
        return Err(CannedError::BodyLength);
    }
    Ok(body.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shortcut_is_a_lowercase_word_that_can_follow_a_slash() {
        assert_eq!(parse_shortcut("/Opening-Hours"), Ok("opening-hours".to_owned()));
        assert_eq!(parse_shortcut("thanks_2"), Ok("thanks_2".to_owned()));
        for bad in ["", "/", "two words", "a/b", &"x".repeat(33)] {
            assert_eq!(parse_shortcut(bad), Err(CannedError::Shortcut), "{bad:?}");
        }
    }

    #[test]
    fn a_body_is_trimmed_and_bounded() {
        assert_eq!(parse_body("  We open at 9. "), Ok("We open at 9.".to_owned()));
        assert_eq!(parse_body(" \n "), Err(CannedError::BodyLength));
    }
}
