//! Admin verbs: migrate, workspace, api-key, channel, send.

use switchboard_channels::email::{MailboxCredentials, ServerSettings};
use switchboard_domain::{ChannelKind, SenderKind};
use switchboard_server::Application;
use switchboard_server::admin::{
    self, MailboxInput, MetaMessagingInput, MetaWhatsappInput, SendgridInput, SesInput, TelegramInput,
    TwilioChannelInput,
};
use switchboard_server::config::Config;
use switchboard_server::outbound::{Recipient, SendRequest, queue_send};

use crate::cli::{
    ApiKeyCommand, ChannelAddCommand, ChannelCommand, Cli, MetaPageKind, SendArgs, StaffCommand, TwilioKind,
    WorkspaceCommand,
};
use crate::output::print;

pub async fn migrate(cli: &Cli) -> anyhow::Result<()> {
    let backend = switchboard_store::Backend::connect(&cli.database_url).await?;
    backend.migrate().await?;
    let store = backend.into_store();
    store.check_ready().await?;
    print(cli.json, &serde_json::json!({ "migrated": true, "database": store.backend() }), || {
        format!("{} database is up to date", store.backend())
    });
    Ok(())
}

pub async fn workspace(cli: &Cli, command: &WorkspaceCommand) -> anyhow::Result<()> {
    let store = super::open_store(cli).await?;
    match command {
        WorkspaceCommand::Create { name, help_text } => {
            let workspace = admin::create_workspace(&store, name, help_text.as_deref()).await?;
            print(cli.json, &workspace, || {
                format!(
                    "Created workspace {:?} ({}).\nNext: switchboard api-key create --workspace {:?}",
                    workspace.name, workspace.workspace_id, workspace.name
                )
            });
        }
        WorkspaceCommand::Set { name, whatsapp_matches_phone } => {
            let workspace = admin::find_workspace(&store, name).await?;
            if let Some(matches) = whatsapp_matches_phone {
                store
                    .set_whatsapp_matching(workspace.workspace_id, *matches, switchboard_server::clock::now_ms())
                    .await?;
            }
            let workspace = admin::find_workspace(&store, name).await?;
            print(cli.json, &workspace, || {
                let matching = if workspace.whatsapp_matches_phone {
                    "a WhatsApp sender is the same contact as the SMS sender with the same number"
                } else {
                    "WhatsApp senders are contacts of their own, apart from SMS senders"
                };
                format!("{}: {matching}.", workspace.name)
            });
        }
        WorkspaceCommand::List => {
            let workspaces = store.list_workspaces().await?;
            print(cli.json, &workspaces, || {
                if workspaces.is_empty() {
                    return "No workspaces yet: switchboard workspace create NAME".into();
                }
                workspaces.iter().map(|w| format!("{}  {}", w.workspace_id, w.name)).collect::<Vec<_>>().join("\n")
            });
        }
    }
    Ok(())
}

pub async fn api_key(cli: &Cli, command: &ApiKeyCommand) -> anyhow::Result<()> {
    let store = super::open_store(cli).await?;
    let ApiKeyCommand::Create { workspace, name } = command;
    let workspace = admin::find_workspace(&store, workspace).await?;
    let (key, secret) = admin::create_api_key(&store, &workspace, name).await?;
    print(
        cli.json,
        &serde_json::json!({ "api_key": secret, "id": key.api_key_id, "workspace_id": workspace.workspace_id, "name": key.name }),
        || format!("API key for {:?} (shown once, store it now):\n{secret}", workspace.name),
    );
    Ok(())
}

pub async fn staff(cli: &Cli, command: &StaffCommand) -> anyhow::Result<()> {
    let store = super::open_store(cli).await?;
    match command {
        StaffCommand::Create { workspace, email, name, role } => {
            let workspace = admin::find_workspace(&store, workspace).await?;
            let role: switchboard_domain::StaffRole = role.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let password = match std::env::var("SWITCHBOARD_STAFF_PASSWORD") {
                Ok(password) if !password.is_empty() => password,
                _ => {
                    let mut line = String::new();
                    std::io::stdin().read_line(&mut line)?;
                    line.trim_end_matches(['\r', '\n']).to_owned()
                }
            };
            let staff = admin::create_staff(&store, &workspace, email, name, role, &password).await?;
            print(cli.json, &staff, || format!("{} <{}> can now sign in as {}", staff.name, staff.email, staff.role));
        }
        StaffCommand::List { workspace } => {
            let workspace = admin::find_workspace(&store, workspace).await?;
            let staff = store.list_staff(workspace.workspace_id).await?;
            print(cli.json, &staff, || {
                staff
                    .iter()
                    .map(|s| {
                        format!("{}\t{}\t{}\t{}", s.email, s.name, s.role, if s.active { "active" } else { "inactive" })
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

/// The text of a file named on the command line, if one was.
fn read_optional(path: Option<&std::path::Path>) -> anyhow::Result<Option<String>> {
    path.map(|path| {
        anyhow::Context::with_context(std::fs::read_to_string(path), || format!("reading {}", path.display()))
    })
    .transpose()
}

pub async fn channel(cli: &Cli, command: &ChannelCommand) -> anyhow::Result<()> {
    let store = super::open_store(cli).await?;
    match command {
        ChannelCommand::Add(ChannelAddCommand::Mailbox {
            workspace,
            address,
            imap_host,
            imap_port,
            smtp_host,
            smtp_port,
            username,
            password,
            smtp_username,
            smtp_password,
            folder,
            move_to,
            from_name,
            signature,
            html_template,
            trusted_certificate,
            name,
        }) => {
            let secrets = super::secret_box(cli)?;
            let workspace = admin::find_workspace(&store, workspace).await?;
            let trusted_certificate = read_optional(trusted_certificate.as_deref())?;
            let server = |host: &String, port: u16| ServerSettings {
                host: host.clone(),
                port,
                security: admin::security_of_port(port),
            };
            let input = MailboxInput {
                name: name.clone(),
                address: address.clone(),
                imap: server(imap_host, *imap_port),
                smtp: server(smtp_host, *smtp_port),
                folder: Some(folder.clone()),
                move_to: move_to.clone(),
                from_name: from_name.clone(),
                signature: signature.clone(),
                html_template: read_optional(html_template.as_deref())?,
                trusted_certificate,
                credentials: MailboxCredentials {
                    username: username.clone(),
                    password: password.clone(),
                    smtp_username: smtp_username.clone(),
                    smtp_password: smtp_password.clone(),
                },
            };
            let channel = admin::add_mailbox_channel(&store, &secrets, &workspace, input).await?;
            let view = switchboard_server::http::views::ChannelView::new(channel, "");
            print(cli.json, &view, || {
                format!(
                    "Connected mailbox {} ({}). A running server reads its new mail within a minute.",
                    view.id, view.address
                )
            });
        }
        ChannelCommand::Add(ChannelAddCommand::Webchat {
            workspace,
            origins,
            title,
            greeting,
            color,
            position,
            ask_name,
            ask_email,
            ask_phone,
            name,
            public_url,
        }) => {
            use switchboard_server::webchat::settings::{Corner, Prechat, WidgetSettings};
            let secrets = super::secret_box(cli)?;
            let workspace = admin::find_workspace(&store, workspace).await?;
            let ask = |what: &str, value: &str| value.parse().map_err(|e| anyhow::anyhow!("--ask-{what}: {e}"));
            let settings = WidgetSettings {
                allowed_origins: origins.clone(),
                title: title.clone(),
                greeting: greeting.clone(),
                color: color.clone(),
                position: match position.as_str() {
                    "left" => Corner::Left,
                    "right" => Corner::Right,
                    other => anyhow::bail!("--position {other:?}: left or right"),
                },
                prechat: Prechat {
                    name: ask("name", ask_name)?,
                    email: ask("email", ask_email)?,
                    phone: ask("phone", ask_phone)?,
                },
            };
            let channel = admin::add_webchat_channel(&store, &secrets, &workspace, name.clone(), settings).await?;
            let public_url = public_url.trim_end_matches('/');
            let snippet = admin::webchat_snippet(public_url, &channel.address);
            let view = switchboard_server::http::views::ChannelView::new(channel, public_url);
            let answer = serde_json::json!({ "channel": &view, "snippet": snippet });
            print(cli.json, &answer, || {
                format!("Added the chat widget {}.\nPaste this line into the pages that show it:\n  {snippet}", view.id)
            });
        }
        ChannelCommand::Add(ChannelAddCommand::Telegram { workspace, bot_token, name, api_base_url, public_url }) => {
            let secrets = super::secret_box(cli)?;
            let workspace = admin::find_workspace(&store, workspace).await?;
            let adapter = switchboard_channels::telegram::TelegramAdapter::new(
                Default::default(),
                switchboard_channels::http::client(),
            );
            let public_url = public_url.trim_end_matches('/');
            let input = TelegramInput {
                name: name.clone(),
                bot_token: bot_token.clone(),
                public_url: public_url.to_owned(),
                api_base_url: api_base_url.clone(),
            };
            let created = admin::add_telegram_channel(&store, &secrets, &adapter, &workspace, input).await?;
            let view = switchboard_server::http::views::ChannelView::new(created.channel, public_url);
            let answer = serde_json::json!({ "channel": &view, "bot_username": created.bot.username });
            print(cli.json, &answer, || {
                format!(
                    "Connected the Telegram bot {} (@{}) as channel {}.
                     Its updates now go to {} (set with setWebhook; nothing to paste).",
                    created.bot.first_name, created.bot.username, view.id, view.webhook_url
                )
            });
        }
        ChannelCommand::Add(ChannelAddCommand::Sendgrid {
            workspace,
            address,
            api_key,
            event_webhook_key,
            inbound_secret,
            from_name,
            signature,
            html_template,
            name,
            api_base_url,
            public_url,
        }) => {
            let secrets = super::secret_box(cli)?;
            let workspace = admin::find_workspace(&store, workspace).await?;
            let input = SendgridInput {
                name: name.clone(),
                address: address.clone(),
                api_key: api_key.clone(),
                event_webhook_public_key: event_webhook_key.clone(),
                inbound_secret: inbound_secret.clone(),
                from_name: from_name.clone(),
                signature: signature.clone(),
                html_template: read_optional(html_template.as_deref())?,
                api_base_url: api_base_url.clone(),
            };
            let created = admin::add_sendgrid_channel(&store, &secrets, &workspace, input).await?;
            let public_url = public_url.trim_end_matches('/');
            let inbound_parse_url = created.inbound_parse_url(public_url);
            let view = switchboard_server::http::views::ChannelView::new(created.channel, public_url);
            let answer = serde_json::json!({ "channel": &view, "inbound_parse_url": inbound_parse_url });
            print(cli.json, &answer, || {
                format!(
                    "Connected SendGrid sender {} ({}).\n\
                     Inbound Parse URL (Settings > Inbound Parse, for the reply domain): {inbound_parse_url}\n\
                     Event Webhook URL (Settings > Mail Settings, signed): {}",
                    view.id, view.address, view.status_callback_url
                )
            });
        }
        ChannelCommand::Add(ChannelAddCommand::Ses {
            workspace,
            address,
            region,
            access_key_id,
            secret_access_key,
            topics,
            configuration_set,
            from_name,
            signature,
            html_template,
            name,
            api_base_url,
            public_url,
        }) => {
            let secrets = super::secret_box(cli)?;
            let workspace = admin::find_workspace(&store, workspace).await?;
            let input = SesInput {
                name: name.clone(),
                address: address.clone(),
                region: region.clone(),
                access_key_id: access_key_id.clone(),
                secret_access_key: secret_access_key.clone(),
                topic_arns: topics.clone(),
                configuration_set: configuration_set.clone(),
                from_name: from_name.clone(),
                signature: signature.clone(),
                html_template: read_optional(html_template.as_deref())?,
                api_base_url: api_base_url.clone(),
            };
            let channel = admin::add_ses_channel(&store, &secrets, &workspace, input).await?;
            let view = switchboard_server::http::views::ChannelView::new(channel, public_url.trim_end_matches('/'));
            print(cli.json, &view, || {
                format!(
                    "Connected SES sender {} ({}).\n\
                     Subscribe this URL (HTTPS protocol) to each topic; the server confirms the subscription:\n  {}",
                    view.id, view.address, view.webhook_url
                )
            });
        }
        ChannelCommand::Add(ChannelAddCommand::Twilio {
            workspace,
            kind,
            number,
            account_sid,
            auth_token,
            name,
            api_base_url,
            public_url,
        }) => {
            let secrets = super::secret_box(cli)?;
            let workspace = admin::find_workspace(&store, workspace).await?;
            let kind = match kind {
                TwilioKind::Sms => ChannelKind::Sms,
                TwilioKind::Whatsapp => ChannelKind::Whatsapp,
            };
            let input = TwilioChannelInput {
                kind,
                name: name.clone(),
                number: number.clone(),
                account_sid: account_sid.clone(),
                auth_token: auth_token.clone(),
                api_base_url: api_base_url.clone(),
            };
            let channel = admin::add_twilio_channel(&store, &secrets, &workspace, input).await?;
            let view = switchboard_server::http::views::ChannelView::new(channel, public_url.trim_end_matches('/'));
            print(cli.json, &view, || {
                let field =
                    if kind == ChannelKind::Whatsapp { "the WhatsApp sender's" } else { "the number's Messaging" };
                format!(
                    "Connected {} channel {} ({}).\nIn Twilio's console, set {field} \"A message comes in\" webhook (HTTP POST) to:\n  {}\nDelivery reports are requested automatically at:\n  {}",
                    view.kind, view.id, view.address, view.webhook_url, view.status_callback_url
                )
            });
        }
        ChannelCommand::Add(ChannelAddCommand::MetaPage {
            workspace,
            kind,
            account_id,
            access_token,
            app_secret,
            name,
            public_url,
        }) => {
            let secrets = super::secret_box(cli)?;
            let workspace = admin::find_workspace(&store, workspace).await?;
            let input = MetaMessagingInput {
                kind: match kind {
                    MetaPageKind::Messenger => ChannelKind::Messenger,
                    MetaPageKind::Instagram => ChannelKind::Instagram,
                },
                name: name.clone(),
                account_id: account_id.clone(),
                access_token: access_token.clone(),
                app_secret: app_secret.clone(),
                verify_token: None,
                graph_base_url: None,
            };
            let (channel, verify_token) =
                admin::add_meta_messaging_channel(&store, &secrets, &workspace, input).await?;
            let view = switchboard_server::http::views::ChannelView::new(channel, public_url.trim_end_matches('/'));
            print(cli.json, &view, || {
                format!(
                    "Connected {} channel {} ({}) through Meta.\nIn the Meta app's webhook settings, set the callback URL to:\n  {}\nwith the verify token:\n  {verify_token}\nand subscribe the Page to the messages, messaging_postbacks, message_reactions, message_deliveries and message_reads fields.",
                    view.kind, view.id, view.address, view.webhook_url
                )
            });
        }
        ChannelCommand::Add(ChannelAddCommand::MetaWhatsapp {
            workspace,
            number,
            phone_number_id,
            business_account_id,
            access_token,
            app_secret,
            verify_token,
            name,
            graph_base_url,
            messages_per_second,
            public_url,
        }) => {
            let secrets = super::secret_box(cli)?;
            let workspace = admin::find_workspace(&store, workspace).await?;
            let input = MetaWhatsappInput {
                name: name.clone(),
                number: number.clone(),
                phone_number_id: phone_number_id.clone(),
                business_account_id: business_account_id.clone(),
                access_token: access_token.clone(),
                app_secret: app_secret.clone(),
                verify_token: verify_token.clone(),
                graph_base_url: graph_base_url.clone(),
                messages_per_second: *messages_per_second,
                token_expires_at: None,
            };
            let (channel, verify_token) = admin::add_meta_whatsapp_channel(&store, &secrets, &workspace, input).await?;
            let view = switchboard_server::http::views::ChannelView::new(channel, public_url.trim_end_matches('/'));
            print(cli.json, &view, || {
                format!(
                    "Connected WhatsApp channel {} ({}) through Meta.
In the Meta app's WhatsApp configuration, set the callback URL to:
  {}
with the verify token:
  {verify_token}
and subscribe to the \"messages\" field. (An app serving many numbers can use {}/webhooks/meta instead.)",
                    view.id,
                    view.address,
                    view.webhook_url,
                    public_url.trim_end_matches('/')
                )
            });
        }
        ChannelCommand::List { workspace, public_url } => {
            let workspace = admin::find_workspace(&store, workspace).await?;
            let channels = store.list_channels(workspace.workspace_id).await?;
            let views: Vec<_> = channels
                .into_iter()
                .map(|c| switchboard_server::http::views::ChannelView::new(c, public_url.trim_end_matches('/')))
                .collect();
            print(cli.json, &views, || {
                views
                    .iter()
                    .map(|v| {
                        format!("{}  {:<9} {:<8} {}  webhook: {}", v.id, v.kind, v.provider, v.address, v.webhook_url)
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
    }
    Ok(())
}

pub async fn send(cli: &Cli, args: &SendArgs) -> anyhow::Result<()> {
    let store = super::open_store(cli).await?;
    let workspace = admin::find_workspace(&store, &args.workspace).await?;
    let mut config = Config::new(&cli.database_url);
    config.bind = ([127, 0, 0, 1], 0).into();
    config.secret_key = super::secret_key_source(cli);
    let app = Application::build_with_store(config, store).await?;
    let request = SendRequest {
        workspace_id: workspace.workspace_id,
        channel_id: args
            .channel
            .parse()
            .map_err(|_| anyhow::anyhow!("--channel {:?} is not a channel id", args.channel))?,
        recipient: Recipient::Address(args.to.clone()),
        body: args.body.clone(),
        media_urls: Vec::new(),
        content: None,
        reply_to: None,
        sender_kind: SenderKind::Staff,
        idempotency_key: None,
    };
    let (message, _) = queue_send(app.state(), request).await?;
    print(cli.json, &switchboard_server::http::views::MessageView::from(message.clone()), || {
        format!(
            "Queued message {} to {}; a running `switchboard serve` sends it.",
            message.message_id, message.to_address
        )
    });
    Ok(())
}
