//! The small methods: `getMe`, `sendChatAction`, `answerCallbackQuery` (each query once, and only
//! queries a customer created), `getFile`, and `setMyCommands` / `getMyCommands` /
//! `deleteMyCommands`.

use serde_json::{Value, json};

use super::envelope::{BotApiError, MethodResult, ok};
use super::files::{MAX_DOWNLOAD, file_object};
use super::objects::get_me as me;
use super::params::Params;
use super::routes::with_bot;
use super::send_api::{chat_id, reachable_chat};
use super::world::AnsweredCallback;
use crate::server::Shared;

/// `getMe`: the bot's User.
pub(crate) fn get_me(shared: &Shared, token: &str) -> MethodResult {
    with_bot(shared, token, |bot| Ok(ok(me(bot))))
}

/// `sendChatAction`: `true` for a chat the bot may write to.
pub(crate) fn send_chat_action(shared: &Shared, token: &str, params: &Params) -> MethodResult {
    let chat_id = chat_id(params)?;
    if params.str("action").is_none_or(|action| action.trim().is_empty()) {
        return Err(BotApiError::bad_request("action is empty"));
    }
    with_bot(shared, token, |bot| reachable_chat(bot, chat_id).map(|_| ok(json!(true))))
}

/// `answerCallbackQuery`: `true` the first time for a query a customer created.
pub(crate) fn answer_callback_query(shared: &Shared, token: &str, params: &Params) -> MethodResult {
    let id = params.str("callback_query_id").unwrap_or_default();
    let text = params.str("text").filter(|text| !text.is_empty());
    let show_alert = params.bool("show_alert");
    with_bot(shared, token, |bot| match bot.callback_queries.get_mut(&id) {
        Some(answered) if !*answered => {
            *answered = true;
            bot.answered.push(AnsweredCallback { callback_query_id: id.clone(), text, show_alert });
            Ok(ok(json!(true)))
        }
        _ => Err(BotApiError::bad_request("query is too old and response timeout expired or query ID is invalid")),
    })
}

/// `getFile`: the File with its `file_path` for the download URL.
pub(crate) fn get_file(shared: &Shared, token: &str, params: &Params) -> MethodResult {
    let file_id = params.str("file_id").unwrap_or_default();
    with_bot(shared, token, |bot| {
        let file = bot.files.get(file_id.trim()).ok_or_else(|| BotApiError::bad_request("invalid file_id"))?;
        if file.bytes.len() > MAX_DOWNLOAD {
            return Err(BotApiError::bad_request("file is too big"));
        }
        Ok(ok(file_object(file)))
    })
}

/// `setMyCommands`: keeps the list of `{command, description}`.
pub(crate) fn set_my_commands(shared: &Shared, token: &str, params: &Params) -> MethodResult {
    let commands = match params.json("commands") {
        Ok(Some(Value::Array(commands))) => commands,
        _ => return Err(BotApiError::bad_request("can't parse commands JSON object")),
    };
    let valid = commands.iter().all(|c| {
        let name = c["command"].as_str().unwrap_or_default();
        let described = c["description"].as_str().is_some_and(|d| !d.is_empty());
        (1..=32).contains(&name.len())
            && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            && described
    });
    if !valid {
        return Err(BotApiError::bad_request("BOT_COMMAND_INVALID"));
    }
    with_bot(shared, token, |bot| {
        bot.commands = Value::Array(commands);
        Ok(ok(json!(true)))
    })
}

/// `getMyCommands`.
pub(crate) fn get_my_commands(shared: &Shared, token: &str) -> MethodResult {
    with_bot(shared, token, |bot| Ok(ok(bot.commands.clone())))
}

/// `deleteMyCommands`.
pub(crate) fn delete_my_commands(shared: &Shared, token: &str) -> MethodResult {
    with_bot(shared, token, |bot| {
        bot.commands = Value::Array(Vec::new());
        Ok(ok(json!(true)))
    })
}
