//! The demo's website chat: a widget allowed on the demo's clinic site, a page served on its own
//! port that embeds it with the one-line snippet, as a business's site would.

use anyhow::Context;
use switchboard_domain::Provider;
use switchboard_server::Application;
use switchboard_server::admin;
use switchboard_server::webchat::demo_site;
use switchboard_server::webchat::settings::{Ask, Corner, Prechat, WidgetSettings};
use switchboard_store::model::Workspace;

/// Serves the clinic's site with the widget and returns its URL; adds the widget the first time
/// (or again when the site moved to another address).
pub async fn serve_site(
    application: &Application,
    workspace: &Workspace,
    site_bind: std::net::SocketAddr,
) -> anyhow::Result<String> {
    let state = application.state();
    let listener = tokio::net::TcpListener::bind(site_bind)
        .await
        .with_context(|| format!("binding the demo site on {site_bind}"))?;
    let site = format!("http://{}", listener.local_addr()?);
    let channels = state.store.list_channels(workspace.workspace_id).await?;
    let existing = channels
        .into_iter()
        .find(|c| c.provider == Provider::Webchat && c.enabled && WidgetSettings::of(&c.settings).allows(&site));
    let channel = match existing {
        Some(channel) => channel,
        None => {
            let settings = WidgetSettings {
                allowed_origins: vec![site.clone()],
                title: "Riverside Vet Clinic".into(),
                greeting: "Hi! Ask us anything about your pet's visit.".into(),
                color: "#0d9488".into(),
                position: Corner::Right,
                prechat: Prechat { name: Ask::Optional, email: Ask::Optional, phone: Ask::Off },
            };
            admin::add_webchat_channel(&state.store, &state.secrets, workspace, Some("Demo web chat".into()), settings)
                .await?
        }
    };
    let html = demo_site::page(&state.public_url, &channel.address);
    tokio::spawn(async move {
        if let Err(error) = demo_site::serve(listener, html).await {
            eprintln!("the demo site stopped: {error}");
        }
    });
    Ok(site)
}
