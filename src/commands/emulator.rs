//! `switchboard emulator ...`: play the customer's phone against a running Twilio emulator.

use crate::cli::{Cli, EmulatorCommand};
use crate::output::print;

pub async fn run(cli: &Cli, command: &EmulatorCommand) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    match command {
        EmulatorCommand::Inbound { emulator_url, from, to, profile_name, body } => {
            let response = client
                .post(format!("{}/_emulator/inbound", emulator_url.trim_end_matches('/')))
                .json(&serde_json::json!({ "from": from, "to": to, "body": body, "profile_name": profile_name }))
                .send()
                .await?;
            let status = response.status();
            let answer: serde_json::Value = response.json().await.unwrap_or_default();
            if !status.is_success() {
                anyhow::bail!(
                    "the emulator refused: {}",
                    answer.get("error").and_then(|e| e.as_str()).unwrap_or("unknown error")
                );
            }
            print(cli.json, &answer, || {
                format!(
                    "Delivered {} to Switchboard, which answered HTTP {}.",
                    answer["message_sid"].as_str().unwrap_or("?"),
                    answer["status"]
                )
            });
        }
        EmulatorCommand::Messages { emulator_url } => {
            let messages: serde_json::Value = client
                .get(format!("{}/_emulator/messages", emulator_url.trim_end_matches('/')))
                .send()
                .await?
                .json()
                .await?;
            print(cli.json, &messages, || {
                let rows: Vec<String> = messages
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|m| {
                        format!(
                            "{}  {} -> {}  [{}]  {}",
                            m["sid"].as_str().unwrap_or(""),
                            m["from"].as_str().unwrap_or(""),
                            m["to"].as_str().unwrap_or(""),
                            m["status"].as_str().unwrap_or(""),
                            m["body"].as_str().unwrap_or("")
                        )
                    })
                    .collect();
                if rows.is_empty() { "The emulator has received no messages yet.".into() } else { rows.join("\n") }
            });
        }
    }
    Ok(())
}
