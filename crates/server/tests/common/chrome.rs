//! Headless Chromium for the inbox's browser tests, driven through ChromeDriver (Debian's
//! `chromium` and `chromium-driver`). Without them a test says loudly that it was skipped; in
//! CI (`CI=true`) their absence is a failure.

use std::process::Stdio;

use thirtyfour::{ChromiumLikeCapabilities, DesiredCapabilities, WebDriver};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// A ChromeDriver process and a browser session on it; both end when this is dropped.
pub struct Chrome {
    pub driver: WebDriver,
    _chromedriver: Child,
}

impl Chrome {
    /// Starts ChromeDriver on a free loopback port and opens a headless browser.
    pub async fn start() -> Option<Self> {
        let Ok(mut chromedriver) = Command::new("chromedriver")
            .arg("--port=0")
            .arg("--allowed-ips=127.0.0.1")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
        else {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("chromedriver is not installed; .ci/run installs Debian's chromium and chromium-driver");
            }
            eprintln!("SKIPPED: chromedriver is not installed (apt-get install chromium chromium-driver)");
            return None;
        };
        // ChromeDriver announces the port it bound once it is ready to take sessions.
        let mut lines = BufReader::new(chromedriver.stdout.take().expect("piped stdout")).lines();
        let mut port = None;
        while let Some(line) = lines.next_line().await.expect("reading chromedriver's output") {
            if let Some(rest) = line.split("on port ").nth(1) {
                port = rest.trim().trim_end_matches('.').parse::<u16>().ok();
            }
            if line.contains("started successfully") {
                break;
            }
        }
        let port = port.expect("chromedriver says which port it listens on");
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

        let mut caps = DesiredCapabilities::chrome();
        caps.set_headless().unwrap();
        caps.set_no_sandbox().unwrap();
        caps.set_disable_dev_shm_usage().unwrap();
        caps.add_arg("--window-size=1280,900").unwrap();
        if std::path::Path::new("/usr/bin/chromium").exists() {
            caps.set_binary("/usr/bin/chromium").unwrap();
        }
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps).await.expect("a browser session");
        Some(Self { driver, _chromedriver: chromedriver })
    }

    /// Saves what the browser shows as `target/screenshots/NAME.png`, for people to look at.
    pub async fn screenshot(&self, name: &str) {
        let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
        std::fs::create_dir_all(&directory).unwrap();
        self.driver.screenshot(&directory.join(format!("{name}.png"))).await.unwrap();
    }

    pub async fn quit(self) {
        let _ = self.driver.quit().await;
    }
}
