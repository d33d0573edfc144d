//! Separating what a customer just wrote from what their mail client appended: the quoted earlier
//! messages ("On Mon, ... wrote:", Outlook's "From: / Sent:" block, `>` lines) and the
//! signature (after a `-- ` line, or a "Sent from my phone" line). The timeline shows the new
//! text; the rest is kept and can be expanded.

/// A plain-text body split into its parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SplitBody {
    pub new_text: String,
    pub signature: Option<String>,
    pub quoted: Option<String>,
}

/// Splits a plain-text email body. Text that is all quote (a forward with nothing added) keeps
/// the quote as its new text, so no message is ever shown empty.
pub fn split_body(body: &str) -> SplitBody {
    let body = body.replace("\r\n", "\n");
    let lines: Vec<&str> = body.lines().collect();
    let quote_start = quote_start(&lines);
    let (head, quoted) = lines.split_at(quote_start.unwrap_or(lines.len()));
    let signature_start = head.iter().position(|l| is_signature_marker(l));
    let (text, signature) = match signature_start {
        Some(at) => (&head[..at], Some(&head[at..])),
        None => (head, None),
    };
    let new_text = join_trimmed(text);
    let quoted = (!quoted.is_empty()).then(|| join_trimmed(quoted)).filter(|q| !q.is_empty());
    let signature = signature.map(|s| join_trimmed(&s[usize::from(is_dash_marker(s[0]))..])).filter(|s| !s.is_empty());
    if new_text.is_empty() {
        return SplitBody { new_text: body.trim().to_owned(), signature: None, quoted: None };
    }
    SplitBody { new_text, signature, quoted }
}

/// The line where the quoted part begins, if there is one.
fn quote_start(lines: &[&str]) -> Option<usize> {
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if is_attribution(trimmed) {
            return Some(i);
        }
        // An attribution wrapped over two lines: "On Mon, 3 Nov 2026 at 10:02, Ann Lee" / "<ann@...> wrote:".
        if let Some(next) = lines.get(i + 1)
            && starts_attribution(trimmed)
            && is_attribution(&format!("{trimmed} {}", next.trim()))
        {
            return Some(i);
        }
        if is_outlook_separator(trimmed) || is_outlook_header_block(&lines[i..]) {
            return Some(i);
        }
        if trimmed.starts_with('>') && lines[i..].iter().all(|l| l.trim().is_empty() || l.trim().starts_with('>')) {
            return Some(i);
        }
    }
    None
}

const ATTRIBUTION_ENDINGS: [&str; 8] =
    ["wrote:", "a écrit :", "a écrit:", "schrieb:", "escribió:", "scritto:", "schreef:", "skrev:"];

fn starts_attribution(line: &str) -> bool {
    ["On ", "Le ", "Am ", "El ", "Il ", "Op ", "Den ", "Em "].iter().any(|p| line.starts_with(p))
}

fn is_attribution(line: &str) -> bool {
    starts_attribution(line) && ATTRIBUTION_ENDINGS.iter().any(|end| line.ends_with(end)) && line.len() < 300
}

fn is_outlook_separator(line: &str) -> bool {
    let dashes = line.trim_matches('-').trim();
    (line.starts_with("-----") && (dashes == "Original Message" || dashes == "Ursprüngliche Nachricht"))
        || (line.len() >= 20 && line.chars().all(|c| c == '_'))
}

/// Outlook without a separator: a "From:" line followed within three lines by "Sent:" or "Date:".
fn is_outlook_header_block(lines: &[&str]) -> bool {
    let starts = |l: &str, names: &[&str]| names.iter().any(|n| l.trim_start().starts_with(n));
    starts(lines[0], &["From:", "De :", "Von:"])
        && lines.iter().skip(1).take(3).any(|l| starts(l, &["Sent:", "Date:", "Envoyé :", "Gesendet:"]))
}

fn is_dash_marker(line: &str) -> bool {
    line == "-- " || line == "--"
}

fn is_signature_marker(line: &str) -> bool {
    let trimmed = line.trim();
    is_dash_marker(line.trim_end_matches('\r'))
        || ["Sent from my ", "Get Outlook for ", "Envoyé de mon ", "Von meinem "].iter().any(|p| trimmed.starts_with(p))
}

fn join_trimmed(lines: &[&str]) -> String {
    lines.iter().map(|l| l.trim_end()).collect::<Vec<_>>().join("\n").trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_reply_keeps_only_the_new_text() {
        let body = "Friday at 3 works for me.\n\nOn Mon, 3 Nov 2026 at 10:02, Bright Dental <hello@dental.example> \
                    wrote:\n> Can you come on Friday?\n> Thanks\n";
        let split = split_body(body);
        assert_eq!(split.new_text, "Friday at 3 works for me.");
        assert_eq!(split.quoted.as_deref().unwrap().lines().nth(1), Some("> Can you come on Friday?"));
    }

    #[test]
    fn an_attribution_wrapped_over_two_lines_is_found() {
        let body =
            "Yes please.\n\nOn Mon, 3 Nov 2026 at 10:02, Bright Dental\n<hello@dental.example> wrote:\n> Friday?";
        assert_eq!(split_body(body).new_text, "Yes please.");
    }

    #[test]
    fn outlook_blocks_and_signatures_are_kept_apart() {
        let body = "Please cancel.\n\nAnn Lee\r\n-- \r\nAnn Lee | Acme\r\n+1 415 555 0100\r\n\r\nFrom: Bright Dental \
                    <hello@dental.example>\r\nSent: Monday, November 3, 2026 10:02 AM\r\nTo: Ann\r\nSubject: Friday";
        let split = split_body(body);
        assert_eq!(split.new_text, "Please cancel.\n\nAnn Lee");
        assert_eq!(split.signature.as_deref(), Some("Ann Lee | Acme\n+1 415 555 0100"));
        assert!(split.quoted.unwrap().starts_with("From: Bright Dental"));
    }

    #[test]
    fn phone_signatures_and_other_languages() {
        let split =
            split_body("Merci !\n\nEnvoyé de mon iPhone\n\nLe 3 nov. 2026 à 10:02, Bright a écrit :\n> Vendredi ?");
        assert_eq!(split.new_text, "Merci !");
        assert_eq!(split.signature.as_deref(), Some("Envoyé de mon iPhone"));
        assert!(split.quoted.is_some());
    }

    #[test]
    fn a_bare_forward_keeps_its_text() {
        let body = "-----Original Message-----\nFrom: someone\nSubject: hi\n\nHello there";
        assert_eq!(split_body(body).new_text, body);
    }

    #[test]
    fn a_line_starting_with_on_is_not_an_attribution_without_wrote() {
        let body = "On Friday I can come.\nSee you.";
        assert_eq!(split_body(body), SplitBody { new_text: body.into(), signature: None, quoted: None });
    }
}
