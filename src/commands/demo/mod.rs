//! `switchboard demo`: the whole product on one machine with no accounts. A demo workspace's SMS
//! and WhatsApp channels use the real Twilio adapter against the built-in emulator, which signs
//! its webhooks and calls back with delivery reports exactly as Twilio does; a second WhatsApp
//! number uses the real Meta adapter against the emulator's Cloud API, with a template synced
//! from its business account, and a Facebook Page (Messenger) and an Instagram account use it
//! against the emulator's Send API. An email address uses the real SendGrid adapter against the
//! emulator's Mail Send, Inbound Parse and signed Event Webhook. A Telegram bot uses the real
//! Telegram adapter against the emulator's Bot API. A clinic's website on its own port embeds the
//! chat widget.

use std::sync::Arc;

use anyhow::Context;
use switchboard_channels::twilio::{TwilioCredentials, provider_address};
use switchboard_domain::{ChannelKind, Provider};
use switchboard_emulator::{EmulatorConfig, EmulatorHandle};
use switchboard_server::admin::{self, TwilioChannelInput};
use switchboard_server::config::Config;
use switchboard_server::secrets::SecretBox;
use switchboard_server::{Application, app};
use switchboard_store::Store;
use switchboard_store::model::Workspace;

use self::email::EMAIL_ADDRESS;
use self::meta::{CLOUD_NUMBER, CLOUD_PHONE_NUMBER_ID, INSTAGRAM_ACCOUNT_ID, PAGE_ID};
use self::telegram::BOT_USERNAME;
use crate::cli::{Cli, DemoArgs};

mod email;
mod meta;
mod telegram;
mod webchat;

const WORKSPACE: &str = "Demo";
const SMS_NUMBER: &str = "+14155550100";
const WHATSAPP_NUMBER: &str = "+14155550101";
const CUSTOMER: &str = "+14155550123";
/// The demo's staff account. The demo serves loopback only; its password is no secret.
const STAFF_EMAIL: &str = "demo@example.com";
const STAFF_PASSWORD: &str = "switchboard-demo";

pub async fn run(cli: &Cli, args: &DemoArgs) -> anyhow::Result<()> {
    let emulator =
        switchboard_emulator::start(EmulatorConfig { bind: args.emulator_bind, ..EmulatorConfig::default() })
            .await
            .with_context(|| format!("starting the Twilio emulator on {}", args.emulator_bind))?;
    let store = super::open_store(cli).await?;
    let secrets = super::secret_box(cli)?;
    let workspace = match store.find_workspace_by_name(WORKSPACE).await? {
        Some(workspace) => workspace,
        None => admin::create_workspace(&store, WORKSPACE, None).await?,
    };
    ensure_channel(&store, &secrets, &workspace, ChannelKind::Sms, SMS_NUMBER).await?;
    ensure_channel(&store, &secrets, &workspace, ChannelKind::Whatsapp, WHATSAPP_NUMBER).await?;
    meta::ensure_channels(&store, &secrets, &workspace).await?;
    email::ensure_channel(&store, &secrets, &workspace, &emulator).await?;
    if store.find_staff_login(STAFF_EMAIL).await?.is_none() {
        let role = switchboard_domain::StaffRole::Admin;
        admin::create_staff(&store, &workspace, STAFF_EMAIL, "Demo Admin", role, STAFF_PASSWORD).await?;
    }

    let mut config = Config::new(&cli.database_url);
    config.bind = args.bind;
    config.secret_key = super::secret_key_source(cli);
    config.providers.twilio.api_base_url = emulator.base_url();
    config.providers.meta.graph_base_url = emulator.base_url();
    config.providers.sendgrid.api_base_url = emulator.base_url();
    config.providers.telegram.api_base_url = emulator.base_url();
    let application = Application::build_with_store(config, store.clone()).await?;
    register_numbers(&application, &emulator, &workspace).await?;
    telegram::ensure_bot(&application, &emulator, &workspace).await?;
    let site = webchat::serve_site(&application, &workspace, args.site_bind).await?;
    meta::sync_templates(&application, &workspace).await;
    let (_, api_key) = admin::create_api_key(&store, &workspace, "demo").await?;
    print_welcome(&application, &emulator, &store, &workspace, &api_key, &site).await?;
    application.run_until(app::shutdown_signal()).await?;
    emulator.shutdown();
    Ok(())
}

async fn ensure_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    kind: ChannelKind,
    number: &str,
) -> anyhow::Result<()> {
    let channels = store.list_channels(workspace.workspace_id).await?;
    if channels.iter().any(|c| c.kind == kind && c.address == number) {
        return Ok(());
    }
    let input = TwilioChannelInput {
        kind,
        name: Some(format!("Demo {kind}")),
        number: number.to_owned(),
        account_sid: format!("AC{}", uuid::Uuid::now_v7().simple()),
        auth_token: uuid::Uuid::now_v7().simple().to_string(),
        api_base_url: None,
    };
    admin::add_twilio_channel(store, secrets, workspace, input).await?;
    Ok(())
}

/// Tells the emulator about each demo channel's account and where its webhooks go.
async fn register_numbers(
    application: &Application,
    emulator: &EmulatorHandle,
    workspace: &Workspace,
) -> anyhow::Result<()> {
    let state = application.state();
    for record in state.store.list_channels(workspace.workspace_id).await? {
        let resolved = state.channels.resolve(record)?;
        match resolved.record.provider {
            Provider::Meta => meta::register(emulator, &resolved)?,
            Provider::Sendgrid => email::register(emulator, &resolved)?,
            Provider::Twilio => {
                let credentials = TwilioCredentials::from_channel(&resolved.context).map_err(anyhow::Error::msg)?;
                emulator.add_account(&credentials.account_sid, &credentials.auth_token);
                let address = provider_address(resolved.record.kind, &resolved.record.address);
                emulator.add_number(
                    &credentials.account_sid,
                    &address,
                    &resolved.context.webhook_url(resolved.record.provider),
                );
            }
            // The Telegram bot is registered with its webhook by `telegram::ensure_bot`; the web
            // chat needs no provider; the demo has no mailbox or SES channel.
            Provider::Telegram | Provider::Webchat | Provider::Mailbox | Provider::Ses => {}
        }
    }
    Ok(())
}

async fn print_welcome(
    application: &Application,
    emulator: &EmulatorHandle,
    store: &Arc<dyn Store>,
    workspace: &Workspace,
    api_key: &str,
    site: &str,
) -> anyhow::Result<()> {
    let url = application.state().public_url.to_string();
    let channels = store.list_channels(workspace.workspace_id).await?;
    let sms =
        channels.iter().find(|c| c.kind == ChannelKind::Sms).map(|c| c.channel_id.to_string()).unwrap_or_default();
    let emu = emulator.base_url();
    println!(
        r#"
Switchboard demo is running.
  Server:           {url}
  Inbox:            {url}/inbox  (sign in as {STAFF_EMAIL} / {STAFF_PASSWORD})
  Customer's phone: {emu}/_emulator/phone  (write as the customer, see replies and their ticks)
  Twilio emulator:  {emu}
  Workspace:        {name}
  API key:          {api_key}
  SMS channel:      {sms}  ({SMS_NUMBER})
  WhatsApp number:  whatsapp:{WHATSAPP_NUMBER}  (through Twilio)
  WhatsApp Cloud:   {CLOUD_NUMBER}  (through Meta's Cloud API, phone number id {CLOUD_PHONE_NUMBER_ID})
  Messenger Page:   {PAGE_ID}    Instagram account: {INSTAGRAM_ACCOUNT_ID}  (through Meta; write to them from the phone page)
  Email:            {EMAIL_ADDRESS}  (through SendGrid: Inbound Parse in, Mail Send out)
  Telegram bot:     @{BOT_USERNAME}  (through the Bot API: signed updates in, sendMessage out)
  Website chat:     {site}  (a clinic's site with the chat widget: chat as a visitor, answer in the inbox)

1. Text the business from a customer's phone (the emulator signs and delivers the webhook):
   switchboard emulator inbound --emulator-url {emu} --from {CUSTOMER} --to {SMS_NUMBER} "Hi! Can I move my appointment?"

2. See it arrive in the inbox ({url}/inbox) without a reload, and answer from there. Or use the API:
   curl -s -H "Authorization: Bearer {api_key}" {url}/api/v1/conversations

   Or write on WhatsApp through Meta's Cloud API (a signed Meta webhook):
   curl -s -H "Content-Type: application/json" -d '{{"phone_number_id": "{CLOUD_PHONE_NUMBER_ID}", "from": "{customer_digits}", "profile_name": "Ada", "text": "Hello on WhatsApp"}}' {emu}/_emulator/meta/inbound

   Or write an email (SendGrid's Inbound Parse posts it to the server):
   curl -s -H "Content-Type: application/json" -d '{{"from": "ann@example.com", "from_name": "Ann", "to": "{EMAIL_ADDRESS}", "subject": "Opening hours", "text": "Are you open on Saturday?"}}' {emu}/_emulator/sendgrid/inbound

   Or write to the Telegram bot (and see what it sent at {emu}/_emulator/telegram/{BOT_USERNAME}/sent):
   curl -s -H "Content-Type: application/json" -d '{{"user_id": 424242, "first_name": "Ann", "text": "Hi from Telegram"}}' {emu}/_emulator/telegram/{BOT_USERNAME}/send

3. Reply, and watch it go queued -> sent -> delivered:
   curl -s -H "Authorization: Bearer {api_key}" -H "Content-Type: application/json" \
        -d '{{"channel_id": "{sms}", "to": "{CUSTOMER}", "body": "Sure, Friday 10:00 works."}}' {url}/api/v1/messages
   curl -s -H "Authorization: Bearer {api_key}" {url}/api/v1/messages/MESSAGE_ID

Press Ctrl-C to stop.
"#,
        name = workspace.name,
        customer_digits = CUSTOMER.trim_start_matches('+'),
    );
    Ok(())
}
