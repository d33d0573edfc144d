//! What the integration tests share: the provider specs and a Prism mock server that validates
//! every request against one, and real mail servers for the email channel ([`mail_servers`]).
//! Prism is installed by `.ci/run` (`tools/prism`); without it a test is skipped loudly, and in CI
//! that is a failure.

pub mod mail_servers;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A provider spec from the shared specs folder (`SWITCHBOARD_SPECS_DIR` overrides where it is).
pub fn spec_path(file: &str) -> PathBuf {
    std::env::var("SWITCHBOARD_SPECS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| repo_root().join("../shared/specs"))
        .join(file)
}

/// Skips loudly on a developer machine; fails in CI, where everything must run.
pub fn skip_or_fail(why: &str) {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("required in CI: {why}");
    }
    eprintln!("\n*** SKIPPED a spec validation: {why} ***\n");
}

/// A Prism mock of a provider's API that is killed when dropped.
pub struct Prism {
    child: Child,
    pub url: String,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Prism on a free port with the spec `file`; `None` (after [`skip_or_fail`]) without it.
pub fn start_prism(file: &str) -> Option<Prism> {
    let prism = repo_root().join("tools/prism/node_modules/.bin/prism");
    let spec = spec_path(file);
    if !prism.exists() {
        skip_or_fail("Prism is not installed; run `npm ci --prefix tools/prism`");
        return None;
    }
    if !spec.exists() {
        skip_or_fail(&format!("the spec {} is missing", spec.display()));
        return None;
    }
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(prism)
        .args(["mock", "--errors", "-h", "127.0.0.1", "-p", &port.to_string()])
        .arg(&spec)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("prism starts");
    let prism = Prism { child, url: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(90);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "Prism did not start listening within 90 s");
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(prism)
}
