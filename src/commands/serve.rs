//! `switchboard serve`.

use switchboard_server::config::Config;
use switchboard_server::{Application, app};

use crate::cli::{Cli, ServeArgs};

pub async fn run(cli: &Cli, args: &ServeArgs) -> anyhow::Result<()> {
    let mut config = Config::new(&cli.database_url);
    config.bind = args.bind;
    config.public_url = args.public_url.clone();
    config.secret_key = super::secret_key_source(cli);
    config.providers.twilio.api_base_url = args.twilio_api_base_url.clone();
    config.providers.meta.graph_base_url = args.meta_graph_base_url.clone();
    config.providers.sendgrid.api_base_url = args.sendgrid_api_base_url.clone();
    config.providers.telegram.api_base_url = args.telegram_api_base_url.clone();
    config.providers.ses.api_base_url = args.ses_api_base_url.clone().filter(|s| !s.is_empty());
    config.providers.ses.sns_origin = args.sns_origin.clone().filter(|s| !s.is_empty());
    config.providers.meta.app_secret = args.meta_app_secret.clone().filter(|s| !s.is_empty());
    config.providers.meta.verify_token = args.meta_verify_token.clone().filter(|s| !s.is_empty());
    config.providers.meta.app_id = args.meta_app_id.clone().filter(|s| !s.is_empty());
    config.run_workers = !args.no_workers;
    config.job_lease = std::time::Duration::from_secs(args.job_lease_secs.max(1));
    let app = Application::build(config).await?;
    app.run_until(app::shutdown_signal()).await
}
