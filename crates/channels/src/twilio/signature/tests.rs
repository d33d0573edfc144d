//! Signature tests: Twilio's published example, the port and JSON variants, and properties.

use proptest::prelude::*;

use super::*;

fn form_headers() -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded".parse().unwrap());
    headers
}

fn encode(params: &[(String, String)]) -> Vec<u8> {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(params).finish().into_bytes()
}

fn docs_example() -> Vec<(String, String)> {
    [
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+12349013030"),
        ("Digits", "1234"),
        ("From", "+12349013030"),
        ("To", "+18005551212"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

#[test]
fn twilios_documented_example_signatures_are_reproduced() {
    // The example of Twilio's webhook security documentation, in its older and current editions
    // (the current one calls from +14158675310).
    let url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    assert_eq!(compute("12345", url, &docs_example()), "0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
    let current: Vec<(String, String)> = docs_example()
        .into_iter()
        .map(|(k, v)| (k, if v == "+12349013030" { "+14158675310".to_owned() } else { v }))
        .collect();
    assert_eq!(compute("12345", url, &current), "GvWf1cFY/Q7PnoempGyD5oXAezc=");
}

#[test]
fn a_signature_made_for_the_url_with_its_default_port_is_accepted() {
    let params = docs_example();
    let signed = compute("12345", "https://mycompany.com:443/myapp.php?foo=1&bar=2", &params);
    let body = encode(&params);
    verify("12345", "https://mycompany.com/myapp.php?foo=1&bar=2", &form_headers(), &body, &signed).unwrap();
    let signed = compute("12345", "https://mycompany.com/myapp.php", &params);
    verify("12345", "https://mycompany.com:443/myapp.php", &form_headers(), &body, &signed).unwrap();
}

#[test]
fn a_tampered_body_or_wrong_token_is_refused() {
    let params = docs_example();
    let url = "https://mycompany.com/myapp.php";
    let signed = compute("12345", url, &params);
    let mut tampered = params.clone();
    tampered[2].1 = "9999".into();
    assert_eq!(
        verify("12345", url, &form_headers(), &encode(&tampered), &signed),
        Err(VerifyError::BadSignature(HEADER))
    );
    assert!(verify("54321", url, &form_headers(), &encode(&params), &signed).is_err());
}

#[test]
fn a_json_body_is_checked_against_its_body_sha256_parameter() {
    let body = br#"{"MessageSid":"SM1"}"#;
    let hash = hex::encode(Sha256::digest(body));
    let url = format!("https://example.com/webhooks/twilio/x?bodySHA256={hash}");
    let signed = compute("tok", &url, &[]);
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::CONTENT_TYPE, "application/json".parse().unwrap());
    verify("tok", &url, &headers, body, &signed).unwrap();
    assert_eq!(verify("tok", &url, &headers, br#"{"MessageSid":"SM2"}"#, &signed), Err(VerifyError::BodyHashMismatch));
}

proptest! {
    #[test]
    fn any_signed_form_verifies_and_any_changed_value_does_not(
        token in "[A-Za-z0-9]{8,32}",
        params in proptest::collection::vec(("[A-Za-z]{1,12}", "\\PC{0,40}"), 0..12),
        flip in any::<prop::sample::Index>(),
    ) {
        let params: Vec<(String, String)> = params;
        let url = "https://hub.example.com/webhooks/twilio/abc";
        let body = encode(&params);
        let signed = compute(&token, url, &params);
        prop_assert!(verify(&token, url, &form_headers(), &body, &signed).is_ok());
        if !params.is_empty() {
            let mut changed = params.clone();
            let i = flip.index(changed.len());
            changed[i].1.push('x');
            let still_same = { let mut a = changed.clone(); a.sort(); a.dedup(); let mut b = params.clone(); b.sort(); b.dedup(); a == b };
            if !still_same {
                prop_assert!(verify(&token, url, &form_headers(), &encode(&changed), &signed).is_err());
            }
        }
    }
}
