//! The command line: verbs, flags, environment variables and the help that teaches them.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Parser)]
#[command(
    name = "switchboard",
    version,
    about = "Self-hosted omnichannel messaging hub: SMS, WhatsApp and more in one inbox and one API.",
    long_about = "Switchboard receives every provider's webhooks, keeps one conversation per customer across \
channels, and sends through a durable queue.\n\nStart with `switchboard demo`: it runs the server against a built-in \
Twilio emulator, so everything works without accounts or network."
)]
pub struct Cli {
    /// Database URL: sqlite://FILE (created if missing) or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "SWITCHBOARD_DATABASE_URL", default_value = "sqlite://switchboard.db")]
    pub database_url: String,

    /// File holding the key that encrypts provider credentials (created on first use, mode 0600).
    /// Ignored when SWITCHBOARD_SECRET_KEY is set.
    #[arg(long, global = true, env = "SWITCHBOARD_SECRET_KEY_FILE", default_value = "switchboard.key")]
    pub secret_key_file: PathBuf,

    /// Print machine-readable JSON instead of text (admin verbs).
    #[arg(long, global = true)]
    pub json: bool,

    /// Log format.
    #[arg(long, global = true, env = "SWITCHBOARD_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the server: webhooks, the API and the send dispatcher.
    ///
    /// Example: switchboard serve --bind 0.0.0.0:8080 --public-url https://hub.example.com
    Serve(ServeArgs),
    /// Run the server with a demo workspace whose channels (SMS, WhatsApp, Messenger, Instagram,
    /// email, Telegram) talk to built-in emulators of their providers, and a clinic's website
    /// with the chat widget. Prints an API key and the commands to try.
    ///
    /// Example: switchboard demo
    Demo(DemoArgs),
    /// Apply database migrations and exit (serve also applies them on start).
    ///
    /// Example: switchboard migrate --database-url postgres://postgres@127.0.0.1/switchboard
    Migrate,
    /// Create and list workspaces (tenants).
    #[command(subcommand)]
    Workspace(WorkspaceCommand),
    /// Create API keys for a workspace.
    #[command(subcommand, name = "api-key")]
    ApiKey(ApiKeyCommand),
    /// Create and list the staff who sign in to the inbox.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Connect and list channels.
    #[command(subcommand)]
    Channel(ChannelCommand),
    /// Queue a message; a running `switchboard serve` sends it.
    ///
    /// Example: switchboard send --workspace Clinic --channel 0193... --to +14155550123 "See you at 10:00"
    Send(SendArgs),
    /// See the inbound journal: webhooks answered under load that could not be stored in full
    /// (the database refused them, or this version cannot read them), and put them back in line.
    #[command(subcommand)]
    Journal(JournalCommand),
    /// Talk to a running Twilio emulator as a customer's phone would.
    #[command(subcommand)]
    Emulator(EmulatorCommand),
    /// Measure the webhook ingest path under load (workload W1) against both databases' ceiling.
    ///
    /// Example: switchboard bench ingest --requests 20000
    #[command(subcommand)]
    Bench(BenchCommand),
}

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "SWITCHBOARD_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// The URL providers reach this server at, used in webhook URLs and to verify signatures.
    /// Defaults to http://BIND.
    #[arg(long, env = "SWITCHBOARD_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Messages API base URL for Twilio (point it at an emulator for testing).
    #[arg(long, env = "SWITCHBOARD_TWILIO_API_BASE_URL", default_value = "https://api.twilio.com")]
    pub twilio_api_base_url: String,
    /// Graph API base URL for Meta (point it at an emulator for testing).
    #[arg(long, env = "SWITCHBOARD_META_GRAPH_BASE_URL", default_value = "https://graph.facebook.com")]
    pub meta_graph_base_url: String,
    /// Mail Send base URL for SendGrid (point it at an emulator for testing).
    #[arg(long, env = "SWITCHBOARD_SENDGRID_API_BASE_URL", default_value = "https://api.sendgrid.com")]
    pub sendgrid_api_base_url: String,
    /// Bot API base URL for Telegram (point it at an emulator for testing).
    #[arg(long, env = "SWITCHBOARD_TELEGRAM_API_BASE_URL", default_value = "https://api.telegram.org")]
    pub telegram_api_base_url: String,
    /// SESv2 endpoint for Amazon SES; by default https://email.REGION.amazonaws.com.
    #[arg(long, env = "SWITCHBOARD_SES_API_BASE_URL")]
    pub ses_api_base_url: Option<String>,
    /// An origin to trust for SNS certificates and subscription links besides AWS's SNS hosts
    /// (an emulator's, for testing).
    #[arg(long, env = "SWITCHBOARD_SNS_ORIGIN")]
    pub sns_origin: Option<String>,
    /// The Meta app's secret, to verify the app-level webhook at /webhooks/meta.
    #[arg(long, env = "SWITCHBOARD_META_APP_SECRET", hide_env_values = true)]
    pub meta_app_secret: Option<String>,
    /// The Meta app's id, for connecting numbers through Meta's login.
    #[arg(long, env = "SWITCHBOARD_META_APP_ID")]
    pub meta_app_id: Option<String>,
    /// The verify token the app-level webhook's handshake must present.
    #[arg(long, env = "SWITCHBOARD_META_VERIFY_TOKEN", hide_env_values = true)]
    pub meta_verify_token: Option<String>,
    /// Do not run the send dispatcher in this process.
    #[arg(long)]
    pub no_workers: bool,
    /// Seconds a worker holds a claimed job before another may take it over (after a crash).
    #[arg(long, env = "SWITCHBOARD_JOB_LEASE_SECS", default_value_t = 60)]
    pub job_lease_secs: u64,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Address of the Switchboard server.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Address of the providers' emulator (Twilio, Meta, SendGrid, Telegram).
    #[arg(long, default_value = "127.0.0.1:8090")]
    pub emulator_bind: SocketAddr,
    /// Address of the demo's website, a clinic's page that embeds the chat widget.
    #[arg(long, default_value = "127.0.0.1:8092")]
    pub site_bind: SocketAddr,
}

#[derive(Subcommand)]
pub enum WorkspaceCommand {
    /// Create a workspace.
    ///
    /// Example: switchboard workspace create "Riverside Vet Clinic"
    Create {
        name: String,
        /// The answer customers get when they text HELP.
        #[arg(long)]
        help_text: Option<String>,
    },
    /// List workspaces.
    List,
    /// Change a workspace's settings.
    ///
    /// Example: switchboard workspace set "Riverside Vet" --whatsapp-matches-phone false
    Set {
        name: String,
        /// Whether a WhatsApp sender is the same contact as the SMS sender with the same number
        /// (true by default). Contacts already matched stay as they are.
        #[arg(long, action = clap::ArgAction::Set)]
        whatsapp_matches_phone: Option<bool>,
    },
}

#[derive(Subcommand)]
pub enum JournalCommand {
    /// Show how many webhooks wait to be stored, and each one set aside with the reason.
    ///
    /// Example: switchboard journal list
    List {
        /// How many set-aside webhooks to show, oldest first.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Put set-aside webhooks back in line: a running server stores them within a second, in the
    /// order they came, and those that fail again are set aside again.
    ///
    /// Example: switchboard journal retry 1042 1043   (or: switchboard journal retry --all)
    Retry {
        /// Journal ids, as `switchboard journal list` shows them.
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        ids: Vec<i64>,
        /// Retry every set-aside webhook.
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
pub enum StaffCommand {
    /// Create a staff account. The password is read from SWITCHBOARD_STAFF_PASSWORD, or else
    /// from the first line of standard input; only its Argon2id hash is stored.
    ///
    /// Example: echo 'a long passphrase' | switchboard staff create --workspace Clinic --email ana@clinic.example --name Ana --role admin
    Create {
        /// Workspace name or id.
        #[arg(long)]
        workspace: String,
        /// The email the staff member signs in with.
        #[arg(long)]
        email: String,
        /// The name colleagues see.
        #[arg(long)]
        name: String,
        /// admin (manages staff and channels) or agent (answers customers).
        #[arg(long, default_value = "agent")]
        role: String,
    },
    /// List a workspace's staff.
    ///
    /// Example: switchboard staff list --workspace Clinic
    List {
        /// Workspace name or id.
        #[arg(long)]
        workspace: String,
    },
}

#[derive(Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key; it is printed once and only its hash is stored.
    ///
    /// Example: switchboard api-key create --workspace "Riverside Vet Clinic" --name website
    Create {
        /// Workspace name or id.
        #[arg(long)]
        workspace: String,
        /// A name to tell keys apart.
        #[arg(long, default_value = "default")]
        name: String,
    },
}

#[derive(Subcommand)]
// Parsed once per run: the size of the largest variant does not matter.
#[allow(clippy::large_enum_variant)]
pub enum ChannelCommand {
    /// Connect a channel.
    #[command(subcommand)]
    Add(ChannelAddCommand),
    /// List a workspace's channels with their webhook URLs.
    ///
    /// Example: switchboard channel list --workspace Clinic --public-url https://hub.example.com
    List {
        #[arg(long)]
        workspace: String,
        /// The URL providers reach the server at, for the webhook URLs shown.
        #[arg(long, env = "SWITCHBOARD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
}

#[derive(Subcommand)]
pub enum ChannelAddCommand {
    /// Connect the business's own mailbox: mail is read over IMAP and answered over SMTP.
    ///
    /// Example: switchboard channel add mailbox --workspace Clinic --address hello@clinic.example
    ///          --imap-host imap.clinic.example --smtp-host smtp.clinic.example
    ///          --username hello@clinic.example --password ...
    Mailbox {
        #[arg(long)]
        workspace: String,
        /// The address customers write to.
        #[arg(long)]
        address: String,
        #[arg(long)]
        imap_host: String,
        /// 993 (implicit TLS) unless given; 143 means STARTTLS.
        #[arg(long, default_value_t = 993)]
        imap_port: u16,
        #[arg(long)]
        smtp_host: String,
        /// 587 (submission with STARTTLS) unless given; 465 means implicit TLS.
        #[arg(long, default_value_t = 587)]
        smtp_port: u16,
        #[arg(long, env = "MAILBOX_USERNAME")]
        username: String,
        #[arg(long, env = "MAILBOX_PASSWORD", hide_env_values = true)]
        password: String,
        /// A separate SMTP login, when the server wants one.
        #[arg(long)]
        smtp_username: Option<String>,
        #[arg(long, env = "MAILBOX_SMTP_PASSWORD", hide_env_values = true)]
        smtp_password: Option<String>,
        /// The folder new mail is read from.
        #[arg(long, default_value = "INBOX")]
        folder: String,
        /// Move imported mail to this folder instead of flagging it read.
        #[arg(long)]
        move_to: Option<String>,
        /// The name shown beside the address ("Bright Dental").
        #[arg(long)]
        from_name: Option<String>,
        /// The signature under every reply (new lines as they are, e.g. $'Bright Dental\n+1 415 555 0100').
        #[arg(long)]
        signature: Option<String>,
        /// A file with the branding template every reply's HTML is wrapped in: HTML that places
        /// the reply with {{ content }}, and may use {{ signature }}, {{ from_name }}, {{ subject }}.
        #[arg(long)]
        html_template: Option<std::path::PathBuf>,
        /// A PEM file with a certificate to trust besides the public roots (a private CA).
        #[arg(long)]
        trusted_certificate: Option<std::path::PathBuf>,
        #[arg(long)]
        name: Option<String>,
    },
    /// Connect a SendGrid sender: email goes out through Mail Send, comes in through Inbound
    /// Parse and is followed through the Event Webhook. Prints the URLs to paste into SendGrid.
    ///
    /// Example: switchboard channel add sendgrid --workspace Clinic --address hello@clinic.example
    ///          --api-key SG.xxxx --event-webhook-key MFkwEwYH... --public-url https://hub.example.com
    Sendgrid {
        #[arg(long)]
        workspace: String,
        /// The verified sender address; replies come back through Inbound Parse on its domain.
        #[arg(long)]
        address: String,
        #[arg(long, env = "SENDGRID_API_KEY", hide_env_values = true)]
        api_key: String,
        /// The Event Webhook's verification key (Settings > Mail Settings > Signed Event Webhook).
        #[arg(long)]
        event_webhook_key: Option<String>,
        /// The secret ending the Inbound Parse URL; a random one when not given.
        #[arg(long, env = "SENDGRID_INBOUND_SECRET", hide_env_values = true)]
        inbound_secret: Option<String>,
        /// The name shown beside the address ("Bright Dental").
        #[arg(long)]
        from_name: Option<String>,
        /// The signature under every reply (new lines as they are, e.g. $'Bright Dental\n+1 415 555 0100').
        #[arg(long)]
        signature: Option<String>,
        /// A file with the branding template every reply's HTML is wrapped in: HTML that places
        /// the reply with {{ content }}, and may use {{ signature }}, {{ from_name }}, {{ subject }}.
        #[arg(long)]
        html_template: Option<std::path::PathBuf>,
        #[arg(long)]
        name: Option<String>,
        /// Another Mail Send base URL (the emulator's).
        #[arg(long)]
        api_base_url: Option<String>,
        /// The URL SendGrid reaches the server at, for the URLs printed.
        #[arg(long, env = "SWITCHBOARD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Add a chat widget for the business's website. Prints the one line to paste into its
    /// pages; the widget works only on the origins named here.
    ///
    /// Example: switchboard channel add webchat --workspace Clinic --origin https://clinic.example
    ///          --title "Chat with Riverside Vet" --greeting "Hi! How can we help?" --ask-email required
    Webchat {
        #[arg(long)]
        workspace: String,
        /// An origin (scheme, host and port) whose pages may show the widget; repeat for several.
        #[arg(long = "origin", required = true)]
        origins: Vec<String>,
        /// The chat window's title.
        #[arg(long, default_value = "Chat with us")]
        title: String,
        /// The first words the visitor sees.
        #[arg(long, default_value = "")]
        greeting: String,
        /// The widget's colour, #rrggbb.
        #[arg(long, default_value = "#0d9488")]
        color: String,
        /// The corner of the page the bubble sits in: left or right.
        #[arg(long, default_value = "right")]
        position: String,
        /// Whether the pre-chat form asks the visitor's name: off, optional or required.
        #[arg(long, default_value = "optional")]
        ask_name: String,
        /// Whether it asks their email address (to answer by email once they leave).
        #[arg(long, default_value = "optional")]
        ask_email: String,
        /// Whether it asks their phone number.
        #[arg(long, default_value = "off")]
        ask_phone: String,
        #[arg(long)]
        name: Option<String>,
        /// The URL the server is reached at, for the snippet printed.
        #[arg(long, env = "SWITCHBOARD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Connect a Telegram bot: checks the token with getMe and points the bot's updates at this
    /// server with setWebhook and a random secret token. The server must be reachable at the
    /// public URL over HTTPS (Telegram's rule) for updates to arrive.
    ///
    /// Example: switchboard channel add telegram --workspace Clinic
    ///          --bot-token 123456789:AAE... --public-url https://hub.example.com
    Telegram {
        #[arg(long)]
        workspace: String,
        /// The token @BotFather gave when the bot was created.
        #[arg(long, env = "TELEGRAM_BOT_TOKEN", hide_env_values = true)]
        bot_token: String,
        #[arg(long)]
        name: Option<String>,
        /// Another Bot API base URL (the emulator's).
        #[arg(long)]
        api_base_url: Option<String>,
        /// The URL Telegram reaches the server at; updates are posted to it.
        #[arg(long, env = "SWITCHBOARD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Connect an Amazon SES sender: email goes out through SendEmail, comes in through a
    /// receipt rule's SNS action and is followed through SNS notifications. Prints the URL to
    /// subscribe to the topics (SNS confirms the subscription itself).
    ///
    /// Example: switchboard channel add ses --workspace Clinic --address hello@clinic.example
    ///          --region eu-west-1 --access-key-id AKIA... --secret-access-key ...
    ///          --topic arn:aws:sns:eu-west-1:123456789012:clinic-mail
    Ses {
        #[arg(long)]
        workspace: String,
        /// The verified sender address.
        #[arg(long)]
        address: String,
        #[arg(long)]
        region: String,
        #[arg(long, env = "AWS_ACCESS_KEY_ID")]
        access_key_id: String,
        #[arg(long, env = "AWS_SECRET_ACCESS_KEY", hide_env_values = true)]
        secret_access_key: String,
        /// An SNS topic to accept messages from; repeat for each (inbound mail, notifications).
        #[arg(long = "topic", required = true)]
        topics: Vec<String>,
        #[arg(long)]
        configuration_set: Option<String>,
        /// The name shown beside the address ("Bright Dental").
        #[arg(long)]
        from_name: Option<String>,
        /// The signature under every reply (new lines as they are, e.g. $'Bright Dental\n+1 415 555 0100').
        #[arg(long)]
        signature: Option<String>,
        /// A file with the branding template every reply's HTML is wrapped in: HTML that places
        /// the reply with {{ content }}, and may use {{ signature }}, {{ from_name }}, {{ subject }}.
        #[arg(long)]
        html_template: Option<std::path::PathBuf>,
        #[arg(long)]
        name: Option<String>,
        /// Another SES endpoint (the emulator's).
        #[arg(long)]
        api_base_url: Option<String>,
        /// The URL SNS reaches the server at, for the URL printed.
        #[arg(long, env = "SWITCHBOARD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Connect a Twilio number for SMS or WhatsApp. Prints the URLs to paste into Twilio's console.
    ///
    /// Example: switchboard channel add twilio --workspace Clinic --kind sms --number +14155550100
    ///          --account-sid ACxxxxxxxx --auth-token xxxxxxxx --public-url https://hub.example.com
    Twilio {
        #[arg(long)]
        workspace: String,
        #[arg(long, value_enum)]
        kind: TwilioKind,
        /// The Twilio number in E.164 (+14155550100).
        #[arg(long)]
        number: String,
        #[arg(long, env = "TWILIO_ACCOUNT_SID")]
        account_sid: String,
        #[arg(long, env = "TWILIO_AUTH_TOKEN", hide_env_values = true)]
        auth_token: String,
        #[arg(long)]
        name: Option<String>,
        /// Messages API base URL for this channel only (an emulator).
        #[arg(long)]
        api_base_url: Option<String>,
        /// The URL providers reach the server at, for the webhook URLs printed.
        #[arg(long, env = "SWITCHBOARD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Connect a Facebook Page (Messenger) or an Instagram account through Meta. Prints the
    /// callback URL and verify token to paste into the Meta app's Messenger or Instagram settings.
    ///
    /// Example: switchboard channel add meta-page --workspace Clinic --kind messenger
    ///          --account-id 106540352242001 --access-token EAAG... --app-secret xxxxxxxx
    MetaPage {
        #[arg(long)]
        workspace: String,
        #[arg(long, value_enum)]
        kind: MetaPageKind,
        /// The Page id, or the Instagram professional account id.
        #[arg(long)]
        account_id: String,
        #[arg(long, env = "META_PAGE_ACCESS_TOKEN", hide_env_values = true)]
        access_token: String,
        #[arg(long, env = "META_APP_SECRET", hide_env_values = true)]
        app_secret: String,
        #[arg(long)]
        name: Option<String>,
        /// The URL providers reach the server at, for the callback URL printed.
        #[arg(long, env = "SWITCHBOARD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
    /// Connect a WhatsApp number through Meta's Cloud API. Prints the callback URL and verify
    /// token to paste into the Meta app's WhatsApp configuration.
    ///
    /// Example: switchboard channel add meta-whatsapp --workspace Clinic --number +14155550100
    ///          --phone-number-id 106540352242922 --business-account-id 102290129340398
    ///          --access-token EAAG... --app-secret xxxxxxxx --public-url https://hub.example.com
    MetaWhatsapp {
        #[arg(long)]
        workspace: String,
        /// The number customers write to, in E.164 (+14155550100).
        #[arg(long)]
        number: String,
        /// Meta's id for the number (WhatsApp Manager → API setup).
        #[arg(long)]
        phone_number_id: String,
        /// The WhatsApp Business Account id, to sync its templates.
        #[arg(long)]
        business_account_id: Option<String>,
        #[arg(long, env = "META_ACCESS_TOKEN", hide_env_values = true)]
        access_token: String,
        #[arg(long, env = "META_APP_SECRET", hide_env_values = true)]
        app_secret: String,
        /// The handshake's verify token; one is generated when not given.
        #[arg(long)]
        verify_token: Option<String>,
        #[arg(long)]
        name: Option<String>,
        /// Graph API base URL for this channel only (an emulator).
        #[arg(long)]
        graph_base_url: Option<String>,
        /// The number's throughput as Meta grants it: 80 by default, up to 1000.
        #[arg(long)]
        messages_per_second: Option<u32>,
        /// The URL providers reach the server at, for the callback URL printed.
        #[arg(long, env = "SWITCHBOARD_PUBLIC_URL", default_value = "http://127.0.0.1:8080")]
        public_url: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
pub enum MetaPageKind {
    Messenger,
    Instagram,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum TwilioKind {
    Sms,
    Whatsapp,
}

#[derive(Args)]
pub struct SendArgs {
    #[arg(long)]
    pub workspace: String,
    /// Channel id (see `switchboard channel list`).
    #[arg(long)]
    pub channel: String,
    /// Recipient address on the channel, e.g. +14155550123.
    #[arg(long)]
    pub to: String,
    /// The message text.
    pub body: String,
}

#[derive(Subcommand)]
pub enum EmulatorCommand {
    /// Send a message from a customer's phone to one of our numbers, through the emulator, which
    /// delivers it to Switchboard as a signed Twilio webhook.
    ///
    /// Example: switchboard emulator inbound --from +14155550123 --to +14155550100 "Hi, can I book for Friday?"
    Inbound {
        #[arg(long, default_value = "http://127.0.0.1:8090")]
        emulator_url: String,
        /// The customer's number (prefix whatsapp: for WhatsApp).
        #[arg(long)]
        from: String,
        /// Our number (prefix whatsapp: for WhatsApp).
        #[arg(long)]
        to: String,
        /// WhatsApp profile name of the customer.
        #[arg(long)]
        profile_name: Option<String>,
        body: String,
    },
    /// List the messages the emulator received from Switchboard, with their delivery state.
    Messages {
        #[arg(long, default_value = "http://127.0.0.1:8090")]
        emulator_url: String,
    },
}

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Workload W1: signed Twilio SMS webhooks to one channel from 5,000 senders at concurrency
    /// 64 with about 10% exact re-sends, over loopback; reports requests/s, p50 and p99 beside
    /// the ceiling (a handler that only verifies and parses), then checks every acknowledged
    /// MessageSid is stored exactly once.
    Ingest(BenchIngestArgs),
    /// The inbox's pages over a generated workspace (100,000 conversations and 1,000,000
    /// messages by default): the conversation list, its next page, a conversation, and a
    /// search, each requested one at a time by a signed-in browser; reports p50 and p99.
    Inbox(BenchInboxArgs),
    /// WhatsApp through Meta: a burst of template sends to one number (10,000 by default) leaving
    /// at the number's rate (80/s by default), then two numbers sending at once at their own
    /// rates; measured at the emulator's Cloud API, which refuses sends over the limit.
    WhatsappRate(BenchWhatsappRateArgs),
}

#[derive(Args, Clone)]
pub struct BenchWhatsappRateArgs {
    /// Sends in the burst to one number.
    #[arg(long, default_value_t = 10_000)]
    pub sends: usize,
    /// The first number's rate, messages a second.
    #[arg(long, default_value_t = 80)]
    pub rate: u32,
    /// The second number's rate, for the parallel run.
    #[arg(long, default_value_t = 40)]
    pub second_rate: u32,
}

#[derive(Args, Clone)]
pub struct BenchInboxArgs {
    /// Conversations to generate.
    #[arg(long, default_value_t = 100_000)]
    pub conversations: i64,
    /// Messages per conversation.
    #[arg(long, default_value_t = 10)]
    pub messages_per_conversation: i64,
    /// Requests per page kind (searches by a word every message has: a twentieth of it).
    #[arg(long, default_value_t = 200)]
    pub requests: usize,
    /// Only this backend (sqlite or postgres); both by default.
    #[arg(long)]
    pub backend: Option<String>,
}

#[derive(Args, Clone)]
pub struct BenchIngestArgs {
    /// Webhook requests per run.
    #[arg(long, default_value_t = 20_000)]
    pub requests: usize,
    /// Concurrent connections.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Only this backend (sqlite or postgres); both by default.
    #[arg(long)]
    pub backend: Option<String>,
    /// Runs per configuration (the median is reported). PostgreSQL runs use a fresh database on
    /// the server named by SWITCHBOARD_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// How long a committer lingers for more webhooks before a small batch through a burst, in
    /// microseconds (0 never lingers); the backend's default otherwise (300 on SQLite, 0 on
    /// PostgreSQL).
    #[arg(long)]
    pub linger_us: Option<u64>,
}
