//! The Bot API's User and Chat objects as Telegram writes them for a bot, a customer and their
//! private chat, and the clock in Telegram's units (Unix seconds).

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use super::updates::Customer;
use super::world::BotState;

/// Unix seconds, as in `date` and `edit_date`.
pub(crate) fn now_unix() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// The bot as a User, as it appears in `from` and chat member objects.
pub(crate) fn bot_user(bot: &BotState) -> Value {
    json!({ "id": bot.id, "is_bot": true, "first_name": bot.first_name, "username": bot.username })
}

/// `getMe`'s User, with the bot-only fields.
pub(crate) fn get_me(bot: &BotState) -> Value {
    let mut me = bot_user(bot);
    me["can_join_groups"] = json!(true);
    me["can_read_all_group_messages"] = json!(false);
    me["supports_inline_queries"] = json!(false);
    me["can_connect_to_business"] = json!(false);
    me["has_main_web_app"] = json!(false);
    me
}

fn insert_some(object: &mut Map<String, Value>, key: &str, value: &Option<String>) {
    if let Some(value) = value {
        object.insert(key.to_owned(), json!(value));
    }
}

/// The customer as a User.
pub(crate) fn customer_user(customer: &Customer) -> Value {
    let mut user = Map::new();
    user.insert("id".into(), json!(customer.user_id));
    user.insert("is_bot".into(), json!(false));
    user.insert("first_name".into(), json!(customer.first_name));
    insert_some(&mut user, "last_name", &customer.last_name);
    insert_some(&mut user, "username", &customer.username);
    insert_some(&mut user, "language_code", &customer.language_code);
    Value::Object(user)
}

/// The private chat with the customer (its id is the customer's user id).
pub(crate) fn private_chat(customer: &Customer) -> Value {
    let mut chat = Map::new();
    chat.insert("id".into(), json!(customer.user_id));
    chat.insert("first_name".into(), json!(customer.first_name));
    insert_some(&mut chat, "last_name", &customer.last_name);
    insert_some(&mut chat, "username", &customer.username);
    chat.insert("type".into(), json!("private"));
    Value::Object(chat)
}

/// A message as `reply_to_message` shows it: without its own `reply_to_message`.
pub(crate) fn as_reply_target(message: &Value) -> Value {
    let mut target = message.clone();
    if let Some(object) = target.as_object_mut() {
        object.remove("reply_to_message");
    }
    target
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_names_are_left_out_when_unknown() {
        let customer = Customer::new(42, "Ann");
        assert_eq!(
            customer_user(&customer),
            json!({"id": 42, "is_bot": false, "first_name": "Ann", "language_code": "en"})
        );
        let customer = Customer { last_name: Some("Lee".into()), username: Some("ann".into()), ..customer };
        assert_eq!(
            private_chat(&customer),
            json!({"id": 42, "first_name": "Ann", "last_name": "Lee", "username": "ann", "type": "private"})
        );
    }
}
