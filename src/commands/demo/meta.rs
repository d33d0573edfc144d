//! The demo's channels through Meta: a WhatsApp number on the emulator's Cloud API with an
//! approved template, a Facebook Page (Messenger) and an Instagram account, each with
//! credentials of its own on the emulator.

use std::sync::Arc;

use switchboard_channels::meta::MetaCredentials;
use switchboard_domain::{ChannelKind, Provider};
use switchboard_emulator::EmulatorHandle;
use switchboard_emulator::meta::{MessagingPlatform, MetaTemplate};
use switchboard_server::Application;
use switchboard_server::admin::{self, MetaMessagingInput, MetaWhatsappInput};
use switchboard_server::channels::ResolvedChannel;
use switchboard_server::secrets::SecretBox;
use switchboard_store::Store;
use switchboard_store::model::Workspace;

pub const CLOUD_NUMBER: &str = "+14155550102";
pub const CLOUD_PHONE_NUMBER_ID: &str = "106540352242922";
const CLOUD_BUSINESS_ACCOUNT_ID: &str = "102290129340398";
pub const PAGE_ID: &str = "106540352242001";
pub const INSTAGRAM_ACCOUNT_ID: &str = "17841400000000001";

fn random() -> String {
    uuid::Uuid::now_v7().simple().to_string()
}

/// Connects the demo's Meta channels that are not connected yet.
pub async fn ensure_channels(store: &Arc<dyn Store>, secrets: &SecretBox, workspace: &Workspace) -> anyhow::Result<()> {
    if store.find_channel_by_external_id(Provider::Meta, CLOUD_PHONE_NUMBER_ID).await?.is_none() {
        let input = MetaWhatsappInput {
            name: Some("Demo WhatsApp Cloud".into()),
            number: CLOUD_NUMBER.into(),
            phone_number_id: CLOUD_PHONE_NUMBER_ID.into(),
            business_account_id: Some(CLOUD_BUSINESS_ACCOUNT_ID.into()),
            access_token: format!("EAAG{}", random()),
            app_secret: random(),
            verify_token: None,
            graph_base_url: None,
            messages_per_second: None,
            token_expires_at: None,
        };
        admin::add_meta_whatsapp_channel(store, secrets, workspace, input).await?;
    }
    for (kind, account_id, name) in [
        (ChannelKind::Messenger, PAGE_ID, "Demo Messenger"),
        (ChannelKind::Instagram, INSTAGRAM_ACCOUNT_ID, "Demo Instagram"),
    ] {
        if store.find_channel_by_external_id(Provider::Meta, account_id).await?.is_some() {
            continue;
        }
        let input = MetaMessagingInput {
            kind,
            name: Some(name.into()),
            account_id: account_id.into(),
            access_token: format!("EAAG{}", random()),
            app_secret: random(),
            verify_token: None,
            graph_base_url: None,
        };
        admin::add_meta_messaging_channel(store, secrets, workspace, input).await?;
    }
    Ok(())
}

/// Tells the emulator about a Meta channel's account and where its webhooks go.
pub fn register(emulator: &EmulatorHandle, channel: &ResolvedChannel) -> anyhow::Result<()> {
    let credentials = MetaCredentials::from_channel(&channel.context).map_err(anyhow::Error::msg)?;
    let meta = emulator.meta();
    let account_id = channel.record.external_id.as_deref().unwrap_or_default();
    let webhook = channel.context.webhook_url(Provider::Meta);
    let platform = match channel.record.kind {
        ChannelKind::Messenger => MessagingPlatform::Messenger,
        ChannelKind::Instagram => MessagingPlatform::Instagram,
        _ => {
            let account = credentials.business_account_id.as_deref().unwrap_or(CLOUD_BUSINESS_ACCOUNT_ID);
            meta.add_business_account(account, &credentials.access_token, &credentials.app_secret);
            meta.add_phone_number(account, account_id, &channel.record.address, &webhook);
            let reminder = "Hi {{1}}, this is a reminder of your appointment on {{2}}. Reply to confirm.";
            meta.add_template(account, MetaTemplate::approved("appointment_reminder", "en_US", "UTILITY", reminder));
            return Ok(());
        }
    };
    meta.add_messaging_account(platform, account_id, &credentials.access_token, &credentials.app_secret, &webhook);
    Ok(())
}

/// Reads the Cloud number's templates, so a reply outside the 24-hour window names them.
pub async fn sync_templates(application: &Application, workspace: &Workspace) {
    let state = application.state();
    let Ok(Some(record)) = state.store.find_channel_by_external_id(Provider::Meta, CLOUD_PHONE_NUMBER_ID).await else {
        return;
    };
    if record.workspace_id != workspace.workspace_id {
        return;
    }
    match state.channels.get(record.channel_id).await {
        Ok(Some(channel)) => {
            if let Err(error) = switchboard_server::templates::sync(state, &channel).await {
                eprintln!("warning: the demo's WhatsApp templates could not be synced: {error}");
            }
        }
        _ => eprintln!("warning: the demo's WhatsApp Cloud channel could not be read"),
    }
}
