//! The Send API's own errors, as the Messenger Platform's error reference lists them.

use super::graph_error::GraphError;

fn send_api(code: u32, subcode: u32, message: &str) -> GraphError {
    GraphError::oauth(code, Some(subcode), &format!("(#{code}) {message}"))
}

/// 10 / 2018278: outside the standard messaging window, without a tag that allows it.
pub(crate) fn outside_window() -> GraphError {
    send_api(
        10,
        2_018_278,
        "This message is sent outside of allowed window. Learn more about the new policy here: \
         https://developers.facebook.com/docs/messenger-platform/policy-overview",
    )
}

/// 100 / 2018001: the recipient never wrote to the account (or is no one it knows).
pub(crate) fn no_matching_user() -> GraphError {
    send_api(100, 2_018_001, "No matching user found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_code_subcode_and_numbered_message() {
        let body = outside_window().body();
        assert_eq!(body["error"]["code"], 10);
        assert_eq!(body["error"]["error_subcode"], 2018278);
        assert!(
            body["error"]["message"].as_str().unwrap().starts_with("(#10) This message is sent outside of allowed")
        );
        assert!(body["error"].get("error_data").is_none());
        assert_eq!(no_matching_user().body()["error"]["message"], "(#100) No matching user found");
    }
}
