//! Connecting an Amazon SES sender: its verified address, the region, an access key allowed
//! `ses:SendEmail`, and the SNS topics whose messages the channel accepts (the receipt rule's
//! topic for inbound mail, the identity's topic for deliveries, bounces and complaints).

use std::sync::Arc;

use anyhow::{Context, bail};
use switchboard_channels::ses::{SesCredentials, SesSettings};
use switchboard_domain::{ChannelKind, EmailAddress, Provider};
use switchboard_store::Store;
use switchboard_store::model::{Channel, Workspace};

use super::{ChannelToSeal, create_sealed};
use crate::secrets::SecretBox;

/// An SES sender to connect.
#[derive(Debug, Clone, Default)]
pub struct SesInput {
    pub name: Option<String>,
    pub address: String,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
    /// The SNS topics to accept messages from (`arn:aws:sns:…`).
    pub topic_arns: Vec<String>,
    pub configuration_set: Option<String>,
    pub from_name: Option<String>,
    /// The signature under every reply.
    pub signature: Option<String>,
    /// The branding template the HTML part is wrapped in (see `outbound::email_branding`).
    pub html_template: Option<String>,
    /// Overrides the SES endpoint (the emulator's, in tests and the demo).
    pub api_base_url: Option<String>,
}

pub async fn add_ses_channel(
    store: &Arc<dyn Store>,
    secrets: &SecretBox,
    workspace: &Workspace,
    input: SesInput,
) -> anyhow::Result<Channel> {
    let address = EmailAddress::parse(&input.address)?;
    super::check_branding(input.html_template.as_deref())?;
    let region = input.region.trim().to_ascii_lowercase();
    if region.is_empty() || !region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        bail!("the region is an AWS region name such as eu-west-1, not {:?}", input.region);
    }
    if input.access_key_id.trim().is_empty() || input.secret_access_key.trim().is_empty() {
        bail!("the access key id and its secret are both needed");
    }
    if input.topic_arns.is_empty() {
        bail!("name the SNS topics to accept (the receipt rule's and the notifications'): other topics are refused");
    }
    if let Some(bad) = input.topic_arns.iter().find(|arn| !arn.starts_with("arn:aws") || arn.split(':').count() != 6) {
        bail!("{bad:?} is not an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)");
    }
    let credentials = SesCredentials {
        access_key_id: input.access_key_id.trim().to_owned(),
        secret_access_key: input.secret_access_key.trim().to_owned(),
        session_token: None,
    };
    let settings = SesSettings {
        region,
        topic_arns: input.topic_arns,
        configuration_set: input.configuration_set,
        api_base_url: input.api_base_url.map(|u| u.trim_end_matches('/').to_owned()),
        from_name: input.from_name,
        signature: input.signature,
        html_template: input.html_template,
    };
    let channel = ChannelToSeal {
        kind: ChannelKind::Email,
        provider: Provider::Ses,
        name: input.name.unwrap_or_else(|| address.to_string()),
        address: address.to_string(),
        external_id: None,
        credentials: serde_json::to_value(&credentials).context("the SES credentials")?,
        settings: serde_json::to_value(&settings).context("the SES settings")?,
    };
    create_sealed(store, secrets, workspace, channel).await
}
