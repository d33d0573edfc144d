use super::*;

const CERTIFICATE: &str = include_str!("../../../tests/fixtures/sns/certificate.pem");
const BOUNCE_V1: &str = include_str!("../../../tests/fixtures/sns/bounce_notification_v1.json");
const CONFIRMATION_V2: &str = include_str!("../../../tests/fixtures/sns/subscription_confirmation_v2.json");

fn cache_with(message: &SnsMessage) -> CertificateCache {
    let cache = CertificateCache::default();
    cache.insert_pem(&message.signing_cert_url, CERTIFICATE).unwrap();
    cache
}

/// The fixtures were signed by `openssl dgst -sha1|-sha256 -sign` over SNS's string to sign.
#[test]
fn version_1_and_version_2_signatures_verify() {
    for body in [BOUNCE_V1, CONFIRMATION_V2] {
        let message = SnsMessage::parse(body.as_bytes()).unwrap();
        assert_eq!(verify(&message, &SnsOrigins::default(), &cache_with(&message)), Ok(()), "{}", message.kind);
    }
}

#[test]
fn a_changed_field_or_another_version_breaks_the_signature() {
    let original = SnsMessage::parse(BOUNCE_V1.as_bytes()).unwrap();
    let cache = cache_with(&original);
    let origins = SnsOrigins::default();
    let mut changed = original.clone();
    changed.message = changed.message.replace("Permanent", "Transient");
    assert!(verify(&changed, &origins, &cache).is_err());
    let mut topic = original.clone();
    topic.topic_arn.push('x');
    assert!(verify(&topic, &origins, &cache).is_err());
    let mut version = original.clone();
    version.signature_version = "2".into();
    assert!(verify(&version, &origins, &cache).is_err(), "a SHA-1 signature is not a SHA-256 one");
    version.signature_version = "3".into();
    assert_eq!(verify(&version, &origins, &cache), Err(VerifyError::BadSignature("SignatureVersion")));
}

#[test]
fn a_certificate_from_anywhere_but_an_sns_host_is_refused() {
    let origins = SnsOrigins::default();
    for good in [
        "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-abc.pem",
        "https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem",
    ] {
        assert!(origins.allows(good), "{good}");
    }
    for bad in [
        "http://sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com.evil.example/cert.pem",
        "https://evil.example/sns.us-east-1.amazonaws.com/cert.pem",
        "https://sns..amazonaws.com/cert.pem",
        "https://s3.amazonaws.com/cert.pem",
        "https://sns.us-east-1.amazonaws.com@evil.example/cert.pem",
    ] {
        assert!(!origins.allows(bad), "{bad}");
    }
    let emulator = SnsOrigins { extra: Some("http://127.0.0.1:4000".into()) };
    assert!(emulator.allows("http://127.0.0.1:4000/_emulator/sns/cert.pem"));
    assert!(!emulator.allows("http://127.0.0.1:40001/cert.pem"));

    let mut message = SnsMessage::parse(BOUNCE_V1.as_bytes()).unwrap();
    let cache = cache_with(&message);
    message.signing_cert_url = "https://evil.example/cert.pem".into();
    cache.insert_pem(&message.signing_cert_url, CERTIFICATE).unwrap();
    assert!(verify(&message, &origins, &cache).is_err(), "even a cached certificate must come from SNS");
}

#[test]
fn an_uncached_certificate_is_not_trusted() {
    let message = SnsMessage::parse(BOUNCE_V1.as_bytes()).unwrap();
    assert_eq!(
        verify(&message, &SnsOrigins::default(), &CertificateCache::default()),
        Err(VerifyError::BadSignature("SigningCertURL"))
    );
}
