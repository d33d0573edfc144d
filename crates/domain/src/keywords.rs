//! The carrier keywords every SMS and WhatsApp sender must honour. A message whose whole text is
//! one of them (case and surrounding whitespace ignored) opts the sender out, back in, or asks
//! for help. STOP is always an opt-out first, never an answer to anything else.

/// What a keyword asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    OptOut,
    OptIn,
    Help,
}

const OPT_OUT: [&str; 8] = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"];
const OPT_IN: [&str; 3] = ["START", "YES", "UNSTOP"];
const HELP: [&str; 2] = ["HELP", "INFO"];

/// Classifies a message body; `None` for an ordinary message.
pub fn classify(body: &str) -> Option<Keyword> {
    let word = body.trim().trim_end_matches(['.', '!']).trim();
    if word.len() > 11 {
        return None;
    }
    let upper = word.to_ascii_uppercase();
    if OPT_OUT.contains(&upper.as_str()) {
        Some(Keyword::OptOut)
    } else if OPT_IN.contains(&upper.as_str()) {
        Some(Keyword::OptIn)
    } else if HELP.contains(&upper.as_str()) {
        Some(Keyword::Help)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_in_any_case_with_whitespace_is_an_opt_out() {
        for body in ["STOP", "stop", " Stop \n", "unsubscribe", "OptOut", "stop."] {
            assert_eq!(classify(body), Some(Keyword::OptOut), "{body:?}");
        }
    }

    #[test]
    fn start_yes_unstop_opt_back_in_and_help_info_ask_for_help() {
        assert_eq!(classify("start"), Some(Keyword::OptIn));
        assert_eq!(classify("YES"), Some(Keyword::OptIn));
        assert_eq!(classify("Unstop"), Some(Keyword::OptIn));
        assert_eq!(classify("help"), Some(Keyword::Help));
        assert_eq!(classify("INFO"), Some(Keyword::Help));
    }

    #[test]
    fn a_sentence_containing_stop_is_an_ordinary_message() {
        assert_eq!(classify("please stop by tomorrow"), None);
        assert_eq!(classify("stopping"), None);
    }
}
