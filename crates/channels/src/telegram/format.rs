//! Staff text as Telegram HTML: everything escaped, with a little markup of our own made safe
//! formatting (`**bold**`, `` `code` ``, ```` ```pre``` ````), and split into messages of at most
//! 4,096 characters (Telegram's limit, counted in UTF-16 units after parsing) without breaking
//! a word or a formatted span: a span that crosses a split is closed and opened again.

/// Telegram's limit on a message's text.
pub const MESSAGE_LIMIT: usize = 4096;

/// Telegram's limit on a photo's or document's caption.
pub const CAPTION_LIMIT: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Bold,
    Code,
    Pre,
}

impl Style {
    fn tags(self) -> (&'static str, &'static str) {
        match self {
            Self::Plain => ("", ""),
            Self::Bold => ("<b>", "</b>"),
            Self::Code => ("<code>", "</code>"),
            Self::Pre => ("<pre>", "</pre>"),
        }
    }
}

/// The text as runs of one style each; a marker without its closing twin stays literal.
fn runs(text: &str) -> Vec<(Style, String)> {
    const MARKERS: [(&str, Style); 3] = [("```", Style::Pre), ("**", Style::Bold), ("`", Style::Code)];
    let mut runs = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    'scan: while let Some(c) = rest.chars().next() {
        for (marker, style) in MARKERS {
            if let Some(after) = rest.strip_prefix(marker)
                && let Some(end) = after.find(marker)
                && end > 0
            {
                if !plain.is_empty() {
                    runs.push((Style::Plain, std::mem::take(&mut plain)));
                }
                runs.push((style, after[..end].to_owned()));
                rest = &after[end + marker.len()..];
                continue 'scan;
            }
        }
        plain.push(c);
        rest = &rest[c.len_utf8()..];
    }
    if !plain.is_empty() {
        runs.push((Style::Plain, plain));
    }
    runs
}

/// Escapes what Telegram's HTML parser reads as markup.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            '"' => escaped.push_str("&quot;"),
            other => escaped.push(other),
        }
    }
    escaped
}

/// Where a text of these characters may be cut so that no piece passes `limit` UTF-16 units:
/// after the last whitespace that fits, or inside a word only when one word is longer than a
/// whole piece. Returns the cut positions (indices into `chars`).
fn cut_points(chars: &[char], limit: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let mut units = 0;
        let mut end = start;
        while end < chars.len() && units + chars[end].len_utf16() <= limit {
            units += chars[end].len_utf16();
            end += 1;
        }
        if end == chars.len() {
            break;
        }
        let at_space = (start + 1..=end).rev().find(|&i| chars[i - 1].is_whitespace() || chars[i].is_whitespace());
        let cut = at_space.unwrap_or(end);
        cuts.push(cut);
        start = cut;
        while start < chars.len() && chars[start].is_whitespace() {
            start += 1;
        }
    }
    cuts
}

/// The text as Telegram HTML, in pieces of at most `limit` characters each.
pub fn html_pieces(text: &str, limit: usize) -> Vec<String> {
    let styled: Vec<(char, Style)> = runs(text)
        .into_iter()
        .flat_map(|(style, run)| run.chars().map(move |c| (c, style)).collect::<Vec<_>>())
        .collect();
    let chars: Vec<char> = styled.iter().map(|(c, _)| *c).collect();
    let mut bounds = vec![0];
    bounds.extend(cut_points(&chars, limit));
    bounds.push(chars.len());
    let mut pieces = Vec::new();
    for window in bounds.windows(2) {
        let piece = &styled[window[0]..window[1]];
        let trimmed_start = piece.iter().position(|(c, _)| !c.is_whitespace()).unwrap_or(piece.len());
        let trimmed_end = piece.iter().rposition(|(c, _)| !c.is_whitespace()).map_or(trimmed_start, |i| i + 1);
        let piece = &piece[trimmed_start..trimmed_end.max(trimmed_start)];
        if piece.is_empty() {
            continue;
        }
        pieces.push(render(piece));
    }
    pieces
}

fn render(piece: &[(char, Style)]) -> String {
    let mut html = String::new();
    let mut i = 0;
    while i < piece.len() {
        let style = piece[i].1;
        let run_end = piece[i..].iter().position(|(_, s)| *s != style).map_or(piece.len(), |n| i + n);
        let text: String = piece[i..run_end].iter().map(|(c, _)| *c).collect();
        let (open, close) = style.tags();
        html.push_str(open);
        html.push_str(&escape(&text));
        html.push_str(close);
        i = run_end;
    }
    html
}

/// How long a piece of Telegram HTML is once parsed, in UTF-16 units.
pub fn visible_len(html: &str) -> usize {
    let mut units = 0;
    let mut in_tag = false;
    let mut entity = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            '&' if !in_tag => {
                entity = true;
                units += 1;
            }
            ';' if entity => entity = false,
            _ if in_tag || entity => {}
            other => units += other.len_utf16(),
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn markup_and_html_in_staff_text_is_escaped_not_obeyed() {
        assert_eq!(html_pieces("<b>hi</b> & \"you\"", MESSAGE_LIMIT), ["&lt;b&gt;hi&lt;/b&gt; &amp; &quot;you&quot;"]);
    }

    #[test]
    fn our_own_markers_become_tags_and_a_lone_marker_stays_literal() {
        assert_eq!(
            html_pieces("Your code is `A<1>` and **due today**", MESSAGE_LIMIT),
            ["Your code is <code>A&lt;1&gt;</code> and <b>due today</b>"]
        );
        assert_eq!(html_pieces("2 ** 3 is 8", MESSAGE_LIMIT), ["2 ** 3 is 8"]);
        assert_eq!(html_pieces("```\nline 1\nline 2\n```", MESSAGE_LIMIT), ["<pre>line 1\nline 2</pre>"]);
    }

    #[test]
    fn a_long_text_splits_between_words() {
        let text = "word ".repeat(2000);
        let pieces = html_pieces(&text, MESSAGE_LIMIT);
        assert_eq!(pieces.len(), 3);
        assert!(pieces.iter().all(|p| p.split(' ').all(|w| w == "word")), "a word was cut");
        assert_eq!(pieces.iter().map(|p| p.split(' ').count()).sum::<usize>(), 2000);
    }

    #[test]
    fn a_bold_span_across_a_split_is_closed_and_opened_again() {
        let text = format!("**{}**", "bold ".repeat(1000));
        let pieces = html_pieces(&text, MESSAGE_LIMIT);
        assert_eq!(pieces.len(), 2);
        for piece in &pieces {
            assert!(piece.starts_with("<b>") && piece.ends_with("</b>"), "{}", &piece[piece.len() - 10..]);
        }
    }

    #[test]
    fn a_word_longer_than_a_message_is_cut_where_it_must() {
        let pieces = html_pieces(&"x".repeat(5000), MESSAGE_LIMIT);
        assert_eq!(pieces.iter().map(|p| p.len()).collect::<Vec<_>>(), [4096, 904]);
    }

    #[test]
    fn the_limit_counts_utf16_units() {
        let pieces = html_pieces(&"😀 ".repeat(2000), MESSAGE_LIMIT);
        assert!(pieces.iter().all(|p| visible_len(p) <= MESSAGE_LIMIT));
    }

    /// What Telegram shows of a piece: tags dropped, entities read.
    fn shown(html: &str) -> String {
        let mut text = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' if in_tag => in_tag = false,
                _ if in_tag => {}
                other => text.push(other),
            }
        }
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
    }

    proptest! {
        #[test]
        fn pieces_fit_and_keep_every_word_whole(
            words in proptest::collection::vec("[a-z<>&\"é😀]{1,30}", 1..400),
            limit in 40usize..300,
        ) {
            let pieces = html_pieces(&words.join(" "), limit);
            for piece in &pieces {
                prop_assert!(visible_len(piece) <= limit, "{} > {limit}: {piece}", visible_len(piece));
                prop_assert_eq!(shown(piece).encode_utf16().count(), visible_len(piece));
            }
            let shown_words: Vec<String> =
                pieces.iter().flat_map(|p| shown(p).split(' ').map(str::to_owned).collect::<Vec<_>>()).collect();
            prop_assert_eq!(shown_words, words);
        }

        #[test]
        fn formatted_spans_stay_balanced(words in proptest::collection::vec("(\\*\\*)?[a-z]{1,12}(\\*\\*)?", 1..300)) {
            for piece in html_pieces(&words.join(" "), 100) {
                prop_assert_eq!(piece.matches("<b>").count(), piece.matches("</b>").count());
            }
        }
    }
}
