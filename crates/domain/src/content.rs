//! Rich content: what a message carries beyond its text and attachments on the channels that
//! have more (WhatsApp, Instagram, Messenger, Telegram): a location, shared contact cards, the
//! button, list row or quick reply a customer picked, a reaction, a story reply or mention, a
//! template, the buttons, list or keyboard we offered, and anything a provider sent that we do
//! not understand, kept raw so that nothing is dropped.

use serde::{Deserialize, Serialize};

/// The rich part of a message. Text messages have none.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
    /// A text message whose link, if any, the recipient's app shows a preview of.
    LinkPreview,
    Location {
        latitude: f64,
        longitude: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        address: Option<String>,
    },
    /// Contact cards, as the provider describes them.
    Contacts { contacts: serde_json::Value },
    /// The customer pressed a button or picked a list row: `id` is what we gave it, `title` what
    /// they saw.
    Choice {
        id: String,
        title: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// A reaction to the message with this provider id; no emoji means the reaction was removed.
    Reaction {
        to: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        emoji: Option<String>,
    },
    /// A sticker (its image is the attachment).
    Sticker,
    /// An answer to the business's Instagram story.
    StoryReply {
        story_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        story_url: Option<String>,
    },
    /// The customer mentioned the business in their Instagram story.
    StoryMention { story_url: String },
    /// A pre-approved template, with the parameters its placeholders are filled with.
    Template(TemplateMessage),
    /// Up to three reply buttons under the text.
    Buttons { buttons: Vec<ReplyButton> },
    /// A list the customer picks one row from.
    List { button: String, sections: Vec<ListSection> },
    /// Answers the customer's app offers in place of its keyboard (Telegram's reply keyboard);
    /// pressing one sends its text as the customer's message.
    Keyboard {
        options: Vec<String>,
        /// The keyboard hides once the customer used it.
        #[serde(default)]
        one_time: bool,
    },
    /// A message of a type we cannot read; the provider's own description and payload are kept.
    Unsupported { provider_type: String, detail: String, raw: serde_json::Value },
}

/// A template send: which template, in which language, with what parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateMessage {
    pub name: String,
    pub language: String,
    /// The values for `{{1}}`, `{{2}}`, ... in the body.
    #[serde(default)]
    pub body_parameters: Vec<String>,
    /// The values for the header's placeholder, or a media link for a media header.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header_parameter: Option<String>,
    /// Per button index, the value of its URL suffix or its quick-reply payload.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub button_parameters: Vec<TemplateButtonParameter>,
}

/// The parameter of one template button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateButtonParameter {
    pub index: u8,
    /// `quick_reply` (the value is the payload returned when pressed) or `url` (the value ends
    /// the button's URL).
    pub sub_type: String,
    pub value: String,
}

/// One reply button.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyButton {
    pub id: String,
    pub title: String,
}

/// A section of a list message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub rows: Vec<ListRow>,
}

/// A row of a list message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListRow {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// Why rich content cannot be sent as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidContent {
    #[error("a message has 1 to 3 reply buttons, each with a title of 1 to 20 characters and a distinct id")]
    Buttons,
    #[error(
        "a list has a button label of 1 to 20 characters and 1 to 10 rows in all, each with a title of 1 to 24 characters and a distinct id"
    )]
    List,
    #[error("a keyboard has 1 to 12 answers of 1 to 64 characters each")]
    Keyboard,
    #[error("a reaction names the message it reacts to")]
    Reaction,
    #[error("a template needs a name and a language code such as en_US")]
    Template,
    #[error("{0} messages are received, never sent")]
    NotSendable(&'static str),
}

impl Content {
    /// Whether the content breaks a rule every channel that carries it shares.
    pub fn check_sendable(&self) -> Result<(), InvalidContent> {
        match self {
            Self::Buttons { buttons } => {
                let titles_ok = buttons.iter().all(|b| (1..=20).contains(&b.title.chars().count()) && !b.id.is_empty());
                if buttons.is_empty() || buttons.len() > 3 || !titles_ok || !distinct(buttons.iter().map(|b| &b.id)) {
                    return Err(InvalidContent::Buttons);
                }
            }
            Self::List { button, sections } => {
                let rows: Vec<&ListRow> = sections.iter().flat_map(|s| &s.rows).collect();
                let rows_ok = rows.iter().all(|r| (1..=24).contains(&r.title.chars().count()) && !r.id.is_empty());
                let label_ok = (1..=20).contains(&button.chars().count());
                if rows.is_empty() || rows.len() > 10 || !rows_ok || !label_ok || !distinct(rows.iter().map(|r| &r.id))
                {
                    return Err(InvalidContent::List);
                }
            }
            Self::Keyboard { options, .. } => {
                let options_ok = options.iter().all(|o| (1..=64).contains(&o.trim().chars().count()));
                if options.is_empty() || options.len() > 12 || !options_ok {
                    return Err(InvalidContent::Keyboard);
                }
            }
            Self::Reaction { to, .. } if to.trim().is_empty() => return Err(InvalidContent::Reaction),
            Self::Template(t) if t.name.trim().is_empty() || t.language.trim().is_empty() => {
                return Err(InvalidContent::Template);
            }
            Self::Choice { .. } => return Err(InvalidContent::NotSendable("button and list replies")),
            Self::StoryReply { .. } | Self::StoryMention { .. } => {
                return Err(InvalidContent::NotSendable("story replies and mentions"));
            }
            Self::Unsupported { .. } => return Err(InvalidContent::NotSendable("unsupported")),
            _ => {}
        }
        Ok(())
    }

    /// Whether the content may be sent outside WhatsApp's 24-hour customer-service window:
    /// only a template may (and a reaction, which Meta also accepts there).
    pub fn opens_conversation(&self) -> bool {
        matches!(self, Self::Template(_))
    }

    /// A short description for lists and notifications, where the text is empty.
    pub fn summary(&self) -> String {
        match self {
            Self::LinkPreview => String::new(),
            Self::Location { name, .. } => format!("📍 {}", name.as_deref().unwrap_or("Location")),
            Self::Contacts { .. } => "👤 Contact card".to_owned(),
            Self::Choice { title, .. } => title.clone(),
            Self::Reaction { emoji: Some(emoji), .. } => format!("Reacted {emoji}"),
            Self::Reaction { emoji: None, .. } => "Removed a reaction".to_owned(),
            Self::Sticker => "Sticker".to_owned(),
            Self::StoryReply { .. } => "Replied to your story".to_owned(),
            Self::StoryMention { .. } => "Mentioned you in their story".to_owned(),
            Self::Template(t) => format!("Template {}", t.name),
            Self::Buttons { .. } | Self::List { .. } | Self::Keyboard { .. } => String::new(),
            Self::Unsupported { detail, .. } => format!("Unsupported message: {detail}"),
        }
    }
}

fn distinct<'a>(ids: impl Iterator<Item = &'a String>) -> bool {
    let mut seen = std::collections::HashSet::new();
    ids.into_iter().all(|id| seen.insert(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buttons(n: usize) -> Content {
        Content::Buttons {
            buttons: (0..n).map(|i| ReplyButton { id: format!("b{i}"), title: format!("Option {i}") }).collect(),
        }
    }

    #[test]
    fn a_message_has_one_to_three_buttons() {
        assert_eq!(buttons(0).check_sendable(), Err(InvalidContent::Buttons));
        assert!(buttons(3).check_sendable().is_ok());
        assert_eq!(buttons(4).check_sendable(), Err(InvalidContent::Buttons));
    }

    #[test]
    fn button_ids_are_distinct_and_titles_short() {
        let same = Content::Buttons {
            buttons: vec![
                ReplyButton { id: "a".into(), title: "Yes".into() },
                ReplyButton { id: "a".into(), title: "No".into() },
            ],
        };
        assert_eq!(same.check_sendable(), Err(InvalidContent::Buttons));
        let long = Content::Buttons { buttons: vec![ReplyButton { id: "a".into(), title: "x".repeat(21) }] };
        assert_eq!(long.check_sendable(), Err(InvalidContent::Buttons));
    }

    #[test]
    fn a_list_has_at_most_ten_rows() {
        let rows = |n: usize| {
            (0..n).map(|i| ListRow { id: format!("r{i}"), title: format!("Row {i}"), description: None }).collect()
        };
        let list =
            |n| Content::List { button: "Choose".into(), sections: vec![ListSection { title: None, rows: rows(n) }] };
        assert!(list(10).check_sendable().is_ok());
        assert_eq!(list(11).check_sendable(), Err(InvalidContent::List));
    }

    #[test]
    fn a_keyboard_has_one_to_twelve_short_answers() {
        let keyboard = |options: &[&str]| Content::Keyboard {
            options: options.iter().map(|o| o.to_string()).collect(),
            one_time: true,
        };
        assert!(keyboard(&["Yes", "No"]).check_sendable().is_ok());
        assert_eq!(keyboard(&[]).check_sendable(), Err(InvalidContent::Keyboard));
        assert_eq!(keyboard(&["Yes", " "]).check_sendable(), Err(InvalidContent::Keyboard));
        assert_eq!(keyboard(&["x"; 13]).check_sendable(), Err(InvalidContent::Keyboard));
    }

    #[test]
    fn received_kinds_cannot_be_sent() {
        let choice = Content::Choice { id: "a".into(), title: "A".into(), description: None };
        assert!(matches!(choice.check_sendable(), Err(InvalidContent::NotSendable(_))));
    }

    #[test]
    fn content_round_trips_through_json() {
        let reaction = Content::Reaction { to: "wamid.1".into(), emoji: None };
        let json = serde_json::to_value(&reaction).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "reaction", "to": "wamid.1"}));
        assert_eq!(serde_json::from_value::<Content>(json).unwrap(), reaction);
    }
}
