//! The Twilio signature, computed three ways, must agree: by our adapter (which verifies), by our
//! emulator (which signs, with code of its own), and by Twilio's official Python library's
//! `RequestValidator`. The library is installed by `.ci/run` (`pip install twilio`); without it
//! the test is skipped loudly, and in CI that is a failure.

use std::io::Write;
use std::process::{Command, Stdio};

use rand::RngExt;

/// An auth token, a URL and the form parameters of one signed request.
type Case = (String, String, Vec<(String, String)>);

fn random_text(rng: &mut impl rand::Rng, max: usize) -> String {
    const CHARS: &[char] = &['a', 'Z', '0', '9', ' ', '+', '&', '=', '%', '/', '?', 'é', '€', '🙂', '\n', '"', '\''];
    let len = rng.random_range(0..=max);
    (0..len).map(|_| CHARS[rng.random_range(0..CHARS.len())]).collect()
}

#[test]
fn adapter_emulator_and_twilios_python_library_compute_the_same_signatures() {
    let probe = Command::new("python3").args(["-c", "import twilio.request_validator"]).status();
    if !probe.is_ok_and(|s| s.success()) {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("required in CI: Twilio's Python library (pip install twilio)");
        }
        eprintln!("\n*** SKIPPED the cross-check with Twilio's Python library: pip install twilio ***\n");
        return;
    }
    let mut rng = rand::rng();
    let cases: Vec<Case> = (0..200)
        .map(|i| {
            let token = format!("{:032x}", rng.random::<u128>());
            let url = format!("https://hub.example.com/webhooks/twilio/{i}?q={}", rng.random::<u16>());
            let params = (0..rng.random_range(0..12))
                .map(|_| {
                    (
                        format!(
                            "{}{}",
                            ["Body", "From", "MediaUrl", "X"][rng.random_range(0..4)],
                            rng.random_range(0..3)
                        ),
                        random_text(&mut rng, 40),
                    )
                })
                .collect();
            (token, url, params)
        })
        .collect();
    // Twilio's library takes a dict, so give it one value per name, as Twilio's webhooks have.
    let cases: Vec<Case> = cases
        .into_iter()
        .map(|(token, url, params)| {
            let mut unique: Vec<(String, String)> = Vec::new();
            for (k, v) in params {
                if !unique.iter().any(|(u, _)| *u == k) {
                    unique.push((k, v));
                }
            }
            (token, url, unique)
        })
        .collect();
    let script = r#"
import json, sys
from twilio.request_validator import RequestValidator
cases = json.load(sys.stdin)
print(json.dumps([RequestValidator(t).compute_signature(u, dict(p)) for t, u, p in cases]))
"#;
    let mut python = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    python.stdin.take().unwrap().write_all(serde_json::to_string(&cases).unwrap().as_bytes()).unwrap();
    let output = python.wait_with_output().unwrap();
    assert!(output.status.success(), "the Python library failed");
    let expected: Vec<String> = serde_json::from_slice(&output.stdout).unwrap();
    for ((token, url, params), official) in cases.iter().zip(&expected) {
        let adapter = switchboard_channels::twilio::signature::compute(token, url, params);
        let emulator = switchboard_emulator::signature::compute_signature(token, url, params);
        assert_eq!(&adapter, official, "adapter vs Twilio's library for {url} {params:?}");
        assert_eq!(&emulator, official, "emulator vs Twilio's library for {url} {params:?}");
    }
}
