//! Building and running the application: connect and migrate the store, load the secret key,
//! bind the listener (port 0 in tests, so they never race for a port), start the ingest
//! committers and the dispatcher, serve until told to stop, then shut down gracefully: stop
//! accepting, finish requests in flight, let running jobs finish and release leases.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use switchboard_channels::AdapterRegistry;
use switchboard_store::Store;
use tokio::net::TcpListener;
use tokio::sync::{Notify, watch};

use crate::channels::ChannelDirectory;
use crate::config::Config;
use crate::secrets::SecretBox;
use crate::state::AppState;
use crate::workers::Dispatcher;

/// A built application, bound to its address but not yet serving.
pub struct Application {
    listener: TcpListener,
    state: AppState,
    committers: crate::ingest::Committers,
    shutting_down: watch::Sender<bool>,
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        let store = switchboard_store::connect(&config.database_url)
            .await
            .with_context(|| format!("opening the database {}", switchboard_store::redact(&config.database_url)))?;
        Self::build_with_store(config, store).await
    }

    /// Builds on an already connected (and migrated) store.
    pub async fn build_with_store(config: Config, store: Arc<dyn Store>) -> anyhow::Result<Self> {
        let secrets = SecretBox::load(&config.secret_key)?;
        let listener = TcpListener::bind(config.bind).await.with_context(|| format!("binding {}", config.bind))?;
        let local = listener.local_addr()?;
        let public_url: Arc<str> = config
            .public_url
            .clone()
            .map(|u| u.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| format!("http://{local}"))
            .into();
        let (ingest, committers) = crate::ingest::start(store.clone(), &config)?;
        let (shutting_down, shutdown_seen) = watch::channel(false);
        let state = AppState::new(crate::state::Shared {
            channels: ChannelDirectory::new(store.clone(), secrets.clone(), public_url.clone()),
            adapters: AdapterRegistry::new(config.providers.clone()),
            store: store.clone(),
            secrets,
            ingest,
            dispatch_wakeup: Arc::new(Notify::new()),
            snooze_wakeup: Arc::new(Notify::new()),
            config: Arc::new(config),
            public_url,
            live: crate::live::LiveUpdates::new(store.clone()),
            sign_in_throttle: Default::default(),
            widget_limits: Default::default(),
            pair_limits: Default::default(),
            send_pacers: Default::default(),
            rejections: Default::default(),
            shutting_down: shutdown_seen,
        });
        crate::telemetry::prometheus();
        Ok(Self { listener, state, committers, shutting_down })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener.local_addr().expect("a bound listener has an address")
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until `shutdown` completes, then shuts down gracefully.
    pub async fn run_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let Self { listener, state, committers, shutting_down } = self;
        let (stop_workers, workers_stopped) = watch::channel(false);
        let dispatcher =
            state.config.run_workers.then(|| tokio::spawn(Dispatcher::new(state.clone()).run(workers_stopped.clone())));
        let snoozes = state
            .config
            .run_workers
            .then(|| tokio::spawn(crate::workers::snoozes::run(state.clone(), workers_stopped.clone())));
        let mailboxes = state
            .config
            .run_workers
            .then(|| tokio::spawn(crate::workers::mailbox::run(state.clone(), workers_stopped.clone())));
        // Search stays fast on a node that runs no other worker too.
        let search_index =
            Some(tokio::spawn(crate::workers::search_index::run(state.clone(), workers_stopped.clone())));
        // Every node stores what it journaled: the journal is part of taking webhooks in.
        let journal =
            Some(state.ingest.spawn_beside_committers(crate::workers::journal::run(state.clone(), workers_stopped)));
        let upkeep = tokio::spawn(async {
            let handle = crate::telemetry::prometheus();
            loop {
                tokio::time::sleep(std::time::Duration::from_secs(5)).await;
                handle.run_upkeep();
            }
        });
        let relay = tokio::spawn(state.live.clone().relay_other_nodes());
        let router = crate::http::router(state.clone());
        tracing::info!(address = %listener.local_addr()?, public_url = %state.public_url, database = state.store.backend(), "serving");
        let served = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                shutdown.await;
                shutting_down.send_replace(true);
            })
            .await;
        tracing::info!("no longer accepting requests; stopping workers");
        let _ = stop_workers.send(true);
        for worker in [dispatcher, snoozes, mailboxes, search_index, journal].into_iter().flatten() {
            let _ = worker.await;
        }
        upkeep.abort();
        relay.abort();
        drop(state);
        committers.join().await;
        tracing::info!("stopped");
        served.context("serving HTTP")
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
    tracing::info!("shutdown requested");
}
