//! Just enough DER (X.690) to find a public key: walking a SubjectPublicKeyInfo to its key bits,
//! and an X.509 certificate to its SubjectPublicKeyInfo. Signatures are checked by `ring`,
//! which takes the key bits themselves.

/// One element: its tag and its contents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Element<'a> {
    tag: u8,
    contents: &'a [u8],
}

const SEQUENCE: u8 = 0x30;
const BIT_STRING: u8 = 0x03;
/// `[0]` EXPLICIT, as a certificate's version is tagged.
const CONTEXT_0: u8 = 0xa0;

/// Reads the element at the start of `input`; returns it and what follows it.
fn element(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (length, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let count = usize::from(first & 0x7f);
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        let length = rest[..count].iter().fold(0usize, |n, &b| (n << 8) | usize::from(b));
        (length, &rest[count..])
    };
    (rest.len() >= length).then(|| (Element { tag, contents: &rest[..length] }, &rest[length..]))
}

fn expect(input: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (found, rest) = element(input)?;
    (found.tag == tag).then_some((found.contents, rest))
}

/// The key bits of a DER SubjectPublicKeyInfo: for an EC key, the uncompressed point; for RSA,
/// the RSAPublicKey structure.
pub fn public_key_bits(spki: &[u8]) -> Option<&[u8]> {
    let (info, _) = expect(spki, SEQUENCE)?;
    let (_algorithm, rest) = expect(info, SEQUENCE)?;
    let (bits, _) = expect(rest, BIT_STRING)?;
    // The first byte counts unused bits, always 0 for a key.
    match bits.split_first()? {
        (0, key) => Some(key),
        _ => None,
    }
}

/// The SubjectPublicKeyInfo (whole, with its header) of a DER X.509 certificate.
pub fn certificate_public_key_info(certificate: &[u8]) -> Option<&[u8]> {
    let (cert, _) = expect(certificate, SEQUENCE)?;
    let (tbs, _) = expect(cert, SEQUENCE)?;
    let mut rest = tbs;
    let (first, after) = element(rest)?;
    if first.tag == CONTEXT_0 {
        rest = after;
    }
    // serialNumber, signature, issuer, validity, subject, then subjectPublicKeyInfo.
    for _ in 0..5 {
        rest = element(rest)?.1;
    }
    let (spki, after) = element(rest)?;
    (spki.tag == SEQUENCE).then(|| &rest[..rest.len() - after.len()])
}

/// The DER bytes of the first `-----BEGIN <label>-----` block of a PEM text.
pub fn pem_block(pem: &str, label: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin)? + begin.len();
    let stop = start + pem[start..].find(&end)?;
    let body: String = pem[start..stop].chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD.decode(body).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A P-256 SubjectPublicKeyInfo as SendGrid shows one (the key of RFC 6979's A.2.5 example).
    const SPKI_B64: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Z5A/4QCLi8maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==";

    #[test]
    fn an_ec_key_is_found_inside_its_public_key_info() {
        use base64::Engine;
        let spki = base64::engine::general_purpose::STANDARD.decode(SPKI_B64).unwrap();
        let key = public_key_bits(&spki).unwrap();
        assert_eq!(key.len(), 65);
        assert_eq!(key[0], 0x04, "an uncompressed point");
        assert_eq!(&key[1..4], &[0x60, 0xfe, 0xd4]);
    }

    #[test]
    fn truncated_or_foreign_data_is_refused_not_read_past() {
        assert_eq!(public_key_bits(&[]), None);
        assert_eq!(public_key_bits(&[0x30, 0x82, 0xff]), None);
        assert_eq!(public_key_bits(b"not der at all"), None);
        assert_eq!(certificate_public_key_info(&[0x30, 0x03, 0x30, 0x01]), None);
    }
}
