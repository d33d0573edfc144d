//! Emulator of Telegram's Bot API: `{base_url}/bot<token>/<method>` as `api.telegram.org`
//! serves it (GET with a query, or POST in JSON, form or multipart with uploads), every answer in
//! Telegram's `{"ok":…}` envelope with its error texts and HTTP statuses; `getMe`, the webhook
//! methods and `getUpdates`, `sendMessage` (HTML, MarkdownV2 and Markdown parsed into entities,
//! keyboards checked), `sendPhoto`, `sendDocument`, `sendChatAction`, `answerCallbackQuery`,
//! `getFile` with downloads at `{base_url}/file/bot<token>/<file_path>`, and the bot's commands.
//! It plays the customers too: each [`CustomerAction`] becomes the Update Telegram would build
//! (`message`, `edited_message`, `callback_query`, `my_chat_member`), POSTed to the webhook with
//! the secret header and filtered by `allowed_updates`. Flood control answers 429 on demand.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use switchboard_emulator::telegram::{Customer, CustomerAction};
//! let emulator = switchboard_emulator::start(switchboard_emulator::EmulatorConfig::default()).await?;
//! let telegram = emulator.telegram();
//! telegram.add_bot("123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "clinic_bot", "Clinic");
//! // Our server calls setWebhook on telegram.api_base_url(), then:
//! let ann = Customer::new(42, "Ann");
//! let token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
//! let _ = telegram.send_update(token, &ann, CustomerAction::Start(Some("ref_123".into()))).await;
//! # Ok(()) }
//! ```

mod bot_methods;
mod control;
mod delivery;
mod entities;
mod envelope;
mod files;
mod formatting;
mod handle;
mod html;
mod markdown;
mod markup;
mod objects;
mod params;
mod routes;
mod send_api;
mod updates;
mod webhook_methods;
pub(crate) mod world;

pub use handle::TelegramEmulator;
pub use updates::{Customer, CustomerAction, UpdateDelivery};
pub use world::{AnsweredCallback, SentBotMessage, WebhookInfo};

pub(crate) use control::{send as control_send, sent as control_sent};
pub(crate) use files::download as file_download;
pub(crate) use routes::bot_api_or_graph;
