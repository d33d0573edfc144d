//! Adding a website chat widget: the origins that may embed it, its look and its pre-chat form.
//! Its public key (`wc_…`) is made here; it is the channel's address and goes in the snippet the
//! business pastes, and it is no secret: the origins are what keep the widget to the business's
//! own pages.

use std::sync::Arc;

use switchboard_domain::{ChannelKind, Provider};
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};

use super::{ChannelToSeal, create_sealed};
use crate::secrets::SecretBox;
use crate::webchat::settings::WidgetSettings;

/// The line to paste into every page that shows the widget.
pub fn snippet(public_url: &str, key: &str) -> String {
    format!("<script src=\"{public_url}/widget.js\" data-key=\"{key}\" async></script>")
}

pub async fn add_webchat_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    name: Option<String>,
    settings: WidgetSettings,
) -> anyhow::Result<Channel> {
    let settings = settings.validated().map_err(anyhow::Error::msg)?;
    let key = format!("wc_{}", crate::secrets::random_base62(24));
    let channel = ChannelToSeal {
        kind: ChannelKind::Webchat,
        provider: Provider::Webchat,
        name: name.unwrap_or_else(|| format!("Web chat ({})", settings.allowed_origins.join(", "))),
        address: key.clone(),
        external_id: Some(key),
        credentials: serde_json::json!({}),
        settings: serde_json::to_value(&settings)?,
    };
    create_sealed(store, secrets, workspace, channel).await
}
