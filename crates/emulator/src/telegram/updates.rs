//! The customer's side: who they are ([`Customer`]), what they do ([`CustomerAction`]), and the
//! Update Telegram builds from it — `message` (text with the entities Telegram finds, photo in
//! several sizes, document, voice, video, sticker, location, contact, a reply carrying the full
//! earlier message), `edited_message`, `callback_query` and `my_chat_member` — recorded in the
//! chat as the Bot API shows it. What our server answered comes back as an [`UpdateDelivery`].

use serde_json::{Map, Value, json};

use super::entities::{self, detect};
use super::files;
use super::markup::has_callback_button;
use super::objects::{as_reply_target, bot_user, customer_user, now_unix, private_chat};
use super::world::BotState;
use crate::errors::EmulatorError;

/// A Telegram user writing to a bot in a private chat (whose chat id is their user id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Customer {
    pub user_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    /// IETF language tag of the user's app; [`Customer::new`] says `en`.
    pub language_code: Option<String>,
}

impl Customer {
    /// A customer with only a first name, whose app speaks English.
    pub fn new(user_id: i64, first_name: &str) -> Self {
        Self {
            user_id,
            first_name: first_name.to_owned(),
            last_name: None,
            username: None,
            language_code: Some("en".to_owned()),
        }
    }
}

/// Something a customer does in their chat with the bot.
#[derive(Clone, Debug, PartialEq)]
pub enum CustomerAction {
    /// Types a message; `/commands`, `@mentions`, `#hashtags`, URLs and emails get their entities.
    Text(String),
    /// Replies to a message of the chat (the bot's or their own), which the update carries in
    /// full as `reply_to_message`.
    TextReplyingTo {
        text: String,
        reply_to_message_id: i64,
    },
    /// Presses Start (`/start`) or follows a deep link (`/start PAYLOAD`).
    Start(Option<String>),
    /// Sends a photo; the emulator holds the bytes for `getFile` and lists several sizes.
    Photo {
        bytes: Vec<u8>,
        caption: Option<String>,
    },
    Document {
        bytes: Vec<u8>,
        file_name: String,
        mime_type: String,
        caption: Option<String>,
    },
    /// A voice note (`audio/ogg`).
    Voice {
        bytes: Vec<u8>,
        duration: u32,
    },
    /// A video (`video/mp4`, 640×360).
    Video {
        bytes: Vec<u8>,
        duration: u32,
        caption: Option<String>,
    },
    /// A regular sticker (a small generated WebP).
    Sticker {
        emoji: String,
    },
    Location {
        latitude: f64,
        longitude: f64,
    },
    /// Shares a contact; when its first name is the customer's own, it is their own contact and
    /// carries their `user_id` (as with a `request_contact` button).
    Contact {
        phone_number: String,
        first_name: String,
        last_name: Option<String>,
    },
    /// Edits one of their earlier text messages: an `edited_message` with the same `message_id`,
    /// the new text and an `edit_date`.
    Edit {
        message_id: i64,
        new_text: String,
    },
    /// Presses an inline keyboard button of the bot's message: a `callback_query`. An error if
    /// the message has no button with this `callback_data`.
    PressButton {
        message_id: i64,
        callback_data: String,
    },
    /// Blocks the bot: `my_chat_member` from `member` to `kicked`; later sends get 403.
    Block,
    /// Unblocks the bot: `my_chat_member` from `kicked` to `member`. Writing to the bot while it
    /// is blocked unblocks it the same way first, as Telegram's Restart button does.
    Unblock,
}

/// What our server answered to an update.
#[derive(Clone, Debug)]
pub struct UpdateDelivery {
    pub update_id: i64,
    /// The message the update is about (the new or edited message, or the one whose button
    /// was pressed); `None` for `my_chat_member`.
    pub message_id: Option<i64>,
    /// Our server's HTTP status; 0 when nothing was posted: no webhook is set (the update waits
    /// for `getUpdates` or the next `setWebhook`) or `allowed_updates` leaves its type out
    /// (`body` then says which).
    pub status: u16,
    pub body: String,
    /// The update as posted.
    pub update: Value,
}

/// An update's content before it gets its `update_id`.
pub(crate) struct Built {
    /// The Update field it goes in: `message`, `edited_message`, …
    pub kind: &'static str,
    pub payload: Value,
    pub message_id: Option<i64>,
}

fn unknown_message(message_id: i64) -> EmulatorError {
    EmulatorError::UnknownMessage(format!("message {message_id} of this chat"))
}

/// Text and its detected entities into `message` (`text`/`entities` or `caption`/`caption_entities`).
fn put_text(message: &mut Map<String, Value>, field: &str, entities_field: &str, text: &str) {
    message.insert(field.to_owned(), json!(text));
    if let Some(entities) = entities::to_json(&detect(text)) {
        message.insert(entities_field.to_owned(), entities);
    }
}

fn put_caption(message: &mut Map<String, Value>, caption: Option<&str>) {
    if let Some(caption) = caption {
        put_text(message, "caption", "caption_entities", caption);
    }
}

/// `my_chat_member` for the customer blocking (or unblocking) the bot.
fn member_change(bot: &BotState, customer: &Customer, date: i64, blocked: bool) -> Built {
    let member = json!({ "user": bot_user(bot), "status": "member" });
    let kicked = json!({ "user": bot_user(bot), "status": "kicked", "until_date": 0 });
    let (old, new) = if blocked { (member, kicked) } else { (kicked, member) };
    let payload = json!({
        "chat": private_chat(customer),
        "from": customer_user(customer),
        "date": date,
        "old_chat_member": old,
        "new_chat_member": new,
    });
    Built { kind: "my_chat_member", payload, message_id: None }
}

/// Builds what `action` makes Telegram send the bot, and records its effects on the chat.
/// Nothing changes when it fails.
pub(crate) fn build(
    bot: &mut BotState,
    customer: &Customer,
    action: CustomerAction,
) -> Result<Vec<Built>, EmulatorError> {
    let date = now_unix();
    match action {
        CustomerAction::Block | CustomerAction::Unblock => {
            let blocked = action == CustomerAction::Block;
            bot.chat_with(customer).blocked = blocked;
            Ok(vec![member_change(bot, customer, date, blocked)])
        }
        CustomerAction::Edit { message_id, new_text } => {
            let chat = bot.chats.get_mut(&customer.user_id).ok_or_else(|| unknown_message(message_id))?;
            let message = chat
                .messages
                .get_mut(&message_id)
                .filter(|m| m["from"]["id"] == json!(customer.user_id) && m["text"].is_string())
                .ok_or_else(|| EmulatorError::Invalid(format!("message {message_id} is no text of the customer's")))?;
            if let Some(object) = message.as_object_mut() {
                object.remove("entities");
                put_text(object, "text", "entities", &new_text);
                object.insert("edit_date".into(), json!(date));
            }
            let payload = message.clone();
            chat.customer = customer.clone();
            Ok(vec![Built { kind: "edited_message", payload, message_id: Some(message_id) }])
        }
        CustomerAction::PressButton { message_id, callback_data } => {
            let chat = bot.chats.get(&customer.user_id).ok_or_else(|| unknown_message(message_id))?;
            let message = chat.messages.get(&message_id).ok_or_else(|| unknown_message(message_id))?;
            if message["from"]["id"] != json!(bot.id) || !has_callback_button(&message["reply_markup"], &callback_data)
            {
                return Err(EmulatorError::Invalid(format!(
                    "message {message_id} has no inline button with callback_data {callback_data:?}"
                )));
            }
            let id = (rand::random::<u64>() >> 1).to_string();
            let payload = json!({
                "id": id,
                "from": customer_user(customer),
                "message": message,
                "chat_instance": chat.chat_instance,
                "data": callback_data,
            });
            bot.callback_queries.insert(id, false);
            bot.chat_with(customer);
            Ok(vec![Built { kind: "callback_query", payload, message_id: Some(message_id) }])
        }
        action => new_message(bot, customer, action, date),
    }
}

/// A new message from the customer (unblocking the bot first if they had blocked it).
fn new_message(
    bot: &mut BotState,
    customer: &Customer,
    action: CustomerAction,
    date: i64,
) -> Result<Vec<Built>, EmulatorError> {
    let reply_to = match &action {
        CustomerAction::TextReplyingTo { reply_to_message_id: id, .. } => Some(
            bot.chats
                .get(&customer.user_id)
                .and_then(|chat| chat.messages.get(id))
                .map(as_reply_target)
                .ok_or_else(|| unknown_message(*id))?,
        ),
        _ => None,
    };
    let mut built = Vec::new();
    if bot.chats.get(&customer.user_id).is_some_and(|chat| chat.blocked) {
        bot.chat_with(customer).blocked = false;
        built.push(member_change(bot, customer, date, false));
    }
    let mut content = Map::new();
    match action {
        CustomerAction::Text(text) | CustomerAction::TextReplyingTo { text, .. } => {
            put_text(&mut content, "text", "entities", &text);
        }
        CustomerAction::Start(payload) => {
            let text = payload.map_or_else(|| "/start".to_owned(), |payload| format!("/start {payload}"));
            put_text(&mut content, "text", "entities", &text);
        }
        CustomerAction::Photo { bytes, caption } => {
            content.insert("photo".into(), files::store_photo(bot, bytes));
            put_caption(&mut content, caption.as_deref());
        }
        CustomerAction::Document { bytes, file_name, mime_type, caption } => {
            content.insert("document".into(), files::store_document(bot, bytes, &file_name, &mime_type));
            put_caption(&mut content, caption.as_deref());
        }
        CustomerAction::Voice { bytes, duration } => {
            content.insert("voice".into(), files::store_voice(bot, bytes, duration));
        }
        CustomerAction::Video { bytes, duration, caption } => {
            content.insert("video".into(), files::store_video(bot, bytes, duration));
            put_caption(&mut content, caption.as_deref());
        }
        CustomerAction::Sticker { emoji } => {
            content.insert("sticker".into(), files::store_sticker(bot, &emoji));
        }
        CustomerAction::Location { latitude, longitude } => {
            content.insert("location".into(), json!({ "latitude": latitude, "longitude": longitude }));
        }
        CustomerAction::Contact { phone_number, first_name, last_name } => {
            let mut contact = json!({ "phone_number": phone_number, "first_name": first_name });
            if let Some(last_name) = last_name {
                contact["last_name"] = json!(last_name);
            }
            if first_name == customer.first_name {
                contact["user_id"] = json!(customer.user_id);
            }
            content.insert("contact".into(), contact);
        }
        CustomerAction::Block
        | CustomerAction::Unblock
        | CustomerAction::Edit { .. }
        | CustomerAction::PressButton { .. } => {
            return Err(EmulatorError::Invalid("not a message".to_owned()));
        }
    }
    let chat = bot.chat_with(customer);
    let message_id = chat.next_message_id();
    let mut message = Map::new();
    message.insert("message_id".into(), json!(message_id));
    message.insert("from".into(), customer_user(customer));
    message.insert("chat".into(), private_chat(customer));
    message.insert("date".into(), json!(date));
    if let Some(target) = reply_to {
        message.insert("reply_to_message".into(), target);
    }
    message.extend(content);
    let message = Value::Object(message);
    chat.messages.insert(message_id, message.clone());
    built.push(Built { kind: "message", payload: message, message_id: Some(message_id) });
    Ok(built)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bot() -> BotState {
        BotState::new("123:abc", "clinic_bot", "Clinic")
    }

    #[test]
    fn a_deep_link_start_is_a_command_with_its_payload() {
        let mut bot = bot();
        let built = build(&mut bot, &Customer::new(7, "Ann"), CustomerAction::Start(Some("ref_123".into()))).unwrap();
        let message = &built[0].payload;
        assert_eq!(message["text"], "/start ref_123");
        assert_eq!(message["entities"], json!([{"offset": 0, "length": 6, "type": "bot_command"}]));
        assert_eq!(message["chat"], json!({"id": 7, "first_name": "Ann", "type": "private"}));
        assert_eq!(message["message_id"], 1);
    }

    #[test]
    fn edits_keep_the_id_and_replies_carry_the_earlier_message() {
        let mut bot = bot();
        let ann = Customer::new(7, "Ann");
        build(&mut bot, &ann, CustomerAction::Text("helo".into())).unwrap();
        let edit = build(&mut bot, &ann, CustomerAction::Edit { message_id: 1, new_text: "hello".into() }).unwrap();
        assert_eq!((edit[0].kind, edit[0].payload["message_id"].clone()), ("edited_message", json!(1)));
        assert!(edit[0].payload["edit_date"].is_i64());
        let reply = CustomerAction::TextReplyingTo { text: "again".into(), reply_to_message_id: 1 };
        let built = build(&mut bot, &ann, reply).unwrap();
        assert_eq!(built[0].payload["reply_to_message"]["text"], "hello");
        assert_eq!(built[0].payload["message_id"], 2);
        let missing = CustomerAction::TextReplyingTo { text: "x".into(), reply_to_message_id: 99 };
        assert!(build(&mut bot, &ann, missing).is_err());
        assert_eq!(bot.chats[&7].last_message_id, 2, "a failed action uses no message id");
    }

    #[test]
    fn blocking_changes_the_bots_membership_and_writing_again_unblocks() {
        let mut bot = bot();
        let ann = Customer::new(7, "Ann");
        let blocked = build(&mut bot, &ann, CustomerAction::Block).unwrap();
        assert_eq!(blocked[0].payload["new_chat_member"]["status"], "kicked");
        assert_eq!(blocked[0].payload["old_chat_member"]["user"]["is_bot"], true);
        assert!(bot.chats[&7].blocked);
        let built = build(&mut bot, &ann, CustomerAction::Text("hi".into())).unwrap();
        assert_eq!(built.iter().map(|b| b.kind).collect::<Vec<_>>(), ["my_chat_member", "message"]);
        assert!(!bot.chats[&7].blocked);
    }
}
