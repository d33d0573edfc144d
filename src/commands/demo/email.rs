//! The demo's email channel: a SendGrid sender on the emulator's Mail Send, whose Inbound Parse
//! and signed Event Webhook point at the demo server. The emulator makes a new signing key each
//! run, so the channel is told the new verification key at every start.

use std::sync::Arc;

use switchboard_channels::sendgrid::SendgridCredentials;
use switchboard_domain::Provider;
use switchboard_emulator::EmulatorHandle;
use switchboard_server::admin::{self, SendgridInput};
use switchboard_server::channels::ResolvedChannel;
use switchboard_server::secrets::SecretBox;
use switchboard_store::Store;
use switchboard_store::model::Workspace;

pub const EMAIL_ADDRESS: &str = "hello@demo-clinic.test";

/// Connects the demo's SendGrid sender, or gives it this run's verification key.
pub async fn ensure_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    emulator: &EmulatorHandle,
) -> anyhow::Result<()> {
    let verification_key = emulator.sendgrid().verification_key();
    let channels = store.list_channels(workspace.workspace_id).await?;
    if let Some(channel) = channels.iter().find(|c| c.provider == Provider::Sendgrid && c.address == EMAIL_ADDRESS) {
        return admin::set_sendgrid_event_webhook_key(store, secrets, channel, &verification_key).await;
    }
    let input = SendgridInput {
        name: Some("Demo email".into()),
        address: EMAIL_ADDRESS.into(),
        api_key: format!("SG.demo.{}", uuid::Uuid::now_v7().simple()),
        event_webhook_public_key: Some(verification_key),
        from_name: Some("Demo Clinic".into()),
        ..SendgridInput::default()
    };
    admin::add_sendgrid_channel(store, secrets, workspace, input).await?;
    Ok(())
}

/// Tells the emulator the channel's API key, where its events go and where its domain's
/// inbound mail is posted.
pub fn register(emulator: &EmulatorHandle, channel: &ResolvedChannel) -> anyhow::Result<()> {
    let credentials = SendgridCredentials::from_channel(&channel.context).map_err(anyhow::Error::msg)?;
    let sendgrid = emulator.sendgrid();
    sendgrid.add_api_key(&credentials.api_key, Some(&channel.context.status_callback_url(Provider::Sendgrid)));
    let domain = channel.record.address.rsplit('@').next().unwrap_or_default();
    let parse_url = format!("{}/{}", channel.context.webhook_url(Provider::Sendgrid), credentials.inbound_secret);
    sendgrid.add_parse_route(domain, &parse_url, false);
    Ok(())
}
