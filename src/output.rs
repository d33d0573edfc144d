//! Printing results of admin verbs: a human sentence, or JSON with `--json`.

use serde::Serialize;

/// Prints `value` as JSON when `json` is set, else the text `human` builds.
pub fn print<T: Serialize>(json: bool, value: &T, human: impl FnOnce() -> String) {
    if json {
        println!("{}", serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}")));
    } else {
        println!("{}", human());
    }
}
