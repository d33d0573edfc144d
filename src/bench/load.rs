//! The load driver: a fixed list of requests sent over keep-alive loopback connections by a
//! fixed number of concurrent workers; it records each request's latency and answer.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::workload::SignedWebhook;

/// What one run measured.
pub struct LoadResult {
    pub elapsed: Duration,
    /// CPU time this process (load generator and server together) spent during the run.
    pub cpu: Duration,
    pub latencies: Vec<Duration>,
    /// MessageSids answered 200.
    pub acknowledged: Vec<String>,
    pub errors: usize,
}

impl LoadResult {
    /// Microseconds of this process's CPU per request.
    pub fn cpu_us_per_request(&self) -> f64 {
        self.cpu.as_secs_f64() * 1e6 / self.latencies.len().max(1) as f64
    }

    pub fn requests_per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The latency at quantile `q` (0..=1), in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        if sorted.is_empty() {
            return 0.0;
        }
        let index = ((sorted.len() - 1) as f64 * q).round() as usize;
        sorted[index].as_secs_f64() * 1000.0
    }
}

/// Sends every webhook to `url` with `concurrency` workers.
pub async fn drive(url: &str, webhooks: Arc<Vec<SignedWebhook>>, concurrency: usize) -> LoadResult {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(concurrency)
        .http1_only()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let next = Arc::new(AtomicUsize::new(0));
    let cpu_before = process_cpu();
    let started = Instant::now();
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let (client, next, webhooks, url) = (client.clone(), next.clone(), webhooks.clone(), url.to_owned());
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut acknowledged = Vec::new();
            let mut errors = 0;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(webhook) = webhooks.get(i) else { break };
                let sent = Instant::now();
                let response = client
                    .post(&url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .header("x-twilio-signature", &webhook.signature)
                    .body(webhook.body.clone())
                    .send()
                    .await;
                let ok = match response {
                    Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                    Err(_) => false,
                };
                latencies.push(sent.elapsed());
                if ok {
                    acknowledged.push(webhook.message_sid.clone());
                } else {
                    errors += 1;
                }
            }
            (latencies, acknowledged, errors)
        }));
    }
    let mut result = LoadResult {
        elapsed: Duration::ZERO,
        cpu: Duration::ZERO,
        latencies: Vec::new(),
        acknowledged: Vec::new(),
        errors: 0,
    };
    for worker in workers {
        let (latencies, acknowledged, errors) = worker.await.expect("load worker");
        result.latencies.extend(latencies);
        result.acknowledged.extend(acknowledged);
        result.errors += errors;
    }
    result.elapsed = started.elapsed();
    result.cpu = process_cpu().saturating_sub(cpu_before);
    result
}

/// User and system CPU time of this process so far.
fn process_cpu() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_SELF is always valid.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr());
        usage.assume_init()
    };
    let time = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    time(usage.ru_utime) + time(usage.ru_stime)
}
