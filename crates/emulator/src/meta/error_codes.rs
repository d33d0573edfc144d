//! Cloud API error codes as Meta's error-code reference lists them: the HTTP status the Graph
//! API answers with, the title (which Graph puts in `message` as `(#code) title`) and the
//! `error_data.details` text. Meta documents HTTP 400 for the throttling codes (4, 80007,
//! 130429, 131048, 131056) and 404 for 132001.

/// What Meta documents for one error code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ErrorCode {
    pub code: u32,
    pub http_status: u16,
    pub title: &'static str,
    pub details: &'static str,
}

const fn entry(code: u32, http_status: u16, title: &'static str, details: &'static str) -> ErrorCode {
    ErrorCode { code, http_status, title, details }
}

const KNOWN: &[ErrorCode] = &[
    entry(0, 401, "AuthException", "We were unable to authenticate the app user."),
    entry(3, 500, "API Method", "Capability or permissions issue."),
    entry(4, 400, "API Too Many Calls", "The app has reached its API call rate limit."),
    entry(10, 403, "Permission Denied", "Permission is either not granted or has been removed."),
    entry(100, 400, "Invalid parameter", "The request included one or more unsupported or misspelled parameters."),
    entry(190, 401, "Access token has expired", "Your access token has expired."),
    entry(
        368,
        403,
        "Temporarily blocked for policies violations",
        "The WhatsApp Business Account has been restricted.",
    ),
    entry(80007, 400, "Rate limit issues", "The WhatsApp Business Account has reached its rate limit."),
    entry(130429, 400, "Rate limit hit", "Cloud API message throughput has been reached."),
    entry(
        130472,
        400,
        "User's number is part of an experiment",
        "Failed to send message because this user's phone number is part of an experiment",
    ),
    entry(131000, 500, "Something went wrong", "Message failed to send due to an unknown error."),
    entry(131005, 403, "Access denied", "Permission is either not granted or has been removed."),
    entry(131008, 400, "Required parameter is missing", "The request is missing a required parameter."),
    entry(131009, 400, "Parameter value is not valid", "One or more parameter values are invalid."),
    entry(131016, 500, "Service unavailable", "A service is temporarily unavailable."),
    entry(131021, 400, "Recipient cannot be sender", "Sender and recipient phone number is the same."),
    entry(131026, 400, "Message undeliverable", "Message Undeliverable."),
    entry(131031, 403, "Account has been locked", "The WhatsApp Business Account has been locked."),
    entry(131042, 400, "Business eligibility payment issue", "There was an error related to your payment method."),
    entry(131045, 400, "Incorrect certificate", "Message failed to send due to a phone number registration error."),
    entry(
        131047,
        400,
        "Re-engagement message",
        "More than 24 hours have passed since the recipient last replied to the sender number.",
    ),
    entry(
        131048,
        400,
        "Spam rate limit hit",
        "Message failed to send because there are restrictions on how many messages can be sent from this phone \
         number. This may be because too many previous messages were blocked or flagged as spam.",
    ),
    entry(
        131049,
        400,
        "This message was not delivered to maintain healthy ecosystem engagement.",
        "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.",
    ),
    entry(
        131050,
        400,
        "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp \
         from your business.",
        "The recipient stopped marketing messages from this business.",
    ),
    entry(131051, 400, "Unsupported message type", "Message type is not currently supported."),
    entry(131052, 400, "Media download error", "Unable to download the media sent by the user."),
    entry(131053, 400, "Media upload error", "Unable to upload the media used in the message."),
    entry(
        131056,
        400,
        "(Business Account, Consumer Account) pair rate limit hit",
        "Message failed to send because there were too many messages sent from this phone number to the same phone \
         number in a short period of time.",
    ),
    entry(131057, 500, "Account in maintenance mode", "Business Account is in maintenance mode."),
    entry(
        132000,
        400,
        "Number of parameters does not match the expected number of params",
        "The number of variable parameter values included in the request did not match the number of variable \
         parameters defined in the template.",
    ),
    entry(
        132001,
        404,
        "Template name does not exist in the translation",
        "The template does not exist in the specified language or the template has not been approved.",
    ),
    entry(132005, 400, "Translated text too long", "Translated text is too long."),
    entry(132007, 400, "Template Format Character Policy Violated", "Template content violates a WhatsApp policy."),
    entry(
        132012,
        400,
        "Parameter format does not match format in the created template",
        "Variable parameter values formatted incorrectly.",
    ),
    entry(
        132015,
        400,
        "Template is Paused",
        "Template is paused due to low quality so it cannot be sent in a template message.",
    ),
    entry(
        132016,
        400,
        "Template is Disabled",
        "Template has been paused too many times due to low quality and is now permanently disabled.",
    ),
    entry(
        133010,
        400,
        "Account not registered",
        "The phone number is not registered on the WhatsApp Business Platform.",
    ),
];

/// What Meta documents for `code`; unknown codes answer 400 with a generic title.
pub(crate) fn lookup(code: u32) -> ErrorCode {
    KNOWN.iter().copied().find(|known| known.code == code).unwrap_or(ErrorCode {
        code,
        http_status: 400,
        title: "Emulated failure",
        details: "Failure injected into the emulator.",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_carry_metas_documented_http_status() {
        assert_eq!(lookup(190).http_status, 401);
        assert_eq!(lookup(131047).http_status, 400);
        assert_eq!(lookup(130429).http_status, 400);
        assert_eq!(lookup(131056).http_status, 400);
        assert_eq!(lookup(132001).http_status, 404);
        assert_eq!(lookup(131000).http_status, 500);
        assert_eq!(lookup(999_999).http_status, 400);
    }

    #[test]
    fn every_code_is_listed_once() {
        for (i, a) in KNOWN.iter().enumerate() {
            assert!(KNOWN[i + 1..].iter().all(|b| b.code != a.code), "{} listed twice", a.code);
        }
    }
}
