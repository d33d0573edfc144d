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
    config.run_workers = !args.no_workers;
    config.job_lease = std::time::Duration::from_secs(args.job_lease_secs.max(1));
    let app = Application::build(config).await?;
    app.run_until(app::shutdown_signal()).await
}
