//! Media: `GET /{version}/{media_id}` and its download URL (both need the access token),
//! and uploads with `POST /{version}/{phone_number_id}/media`.

mod common;
mod meta_common;

use common::{client, reply};
use meta_common::*;

const JPEG: &[u8] = b"\xff\xd8\xff\xe0 pretend jpeg \xff\xd9";

#[tokio::test]
async fn media_is_described_then_downloaded_with_the_token() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    meta.add_media("1013859600285441", "image/jpeg", JPEG.to_vec());

    let described = graph_get(&emulator, &format!("/{VERSION}/1013859600285441"), Some(ACCESS_TOKEN)).await;
    assert_eq!(described.status, 200, "{}", described.json);
    assert_eq!(described.json["messaging_product"], "whatsapp");
    assert_eq!(described.json["id"], "1013859600285441");
    assert_eq!(described.json["mime_type"], "image/jpeg");
    assert_eq!(described.json["file_size"], JPEG.len());
    let sha256 = described.json["sha256"].as_str().unwrap();
    assert_eq!(sha256.len(), 64);
    assert!(sha256.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    let url = described.json["url"].as_str().unwrap();
    assert_eq!(url, format!("{}/_emulator/meta/media/1013859600285441/download", emulator.base_url()));

    let anonymous = client().get(url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let download = client().get(url).bearer_auth(ACCESS_TOKEN).send().await.unwrap();
    assert_eq!(download.status(), 200);
    assert_eq!(download.headers()["content-type"], "image/jpeg");
    assert_eq!(download.bytes().await.unwrap().as_ref(), JPEG);
}

#[tokio::test]
async fn describing_media_needs_a_token_and_an_existing_id() {
    let (_receiver, emulator, meta) = meta_with_receiver().await;
    meta.add_media("42", "audio/ogg", b"ogg".to_vec());
    assert_graph_error(&graph_get(&emulator, &format!("/{VERSION}/42"), None).await, 401, 190);
    let unknown = graph_get(&emulator, &format!("/{VERSION}/404404"), Some(ACCESS_TOKEN)).await;
    let error = assert_graph_error(&unknown, 400, 100);
    assert_eq!(error["type"], "GraphMethodException");
    assert_eq!(error["error_subcode"], 33);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .starts_with("Unsupported get request. Object with ID '404404' does not exist")
    );
}

/// One field of a hand-built upload form.
enum Field<'a> {
    Value(&'a str, &'a [u8]),
    /// Field name, file name, content type, bytes.
    File(&'a str, &'a str, &'a str, &'a [u8]),
}

/// A `multipart/form-data` body as HTTP clients send it, and its content type.
fn form(fields: &[Field<'_>]) -> (String, Vec<u8>) {
    let boundary = "----switchboard-test-boundary";
    let mut body = Vec::new();
    for field in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        let data = match field {
            Field::Value(name, data) => {
                body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes());
                data
            }
            Field::File(name, filename, content_type, data) => {
                let disposition = format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"");
                body.extend_from_slice(format!("{disposition}\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
                data
            }
        };
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn uploaded_media_can_be_fetched_back() {
    let (_receiver, emulator, _meta) = meta_with_receiver().await;
    let upload_url = format!("{}/{VERSION}/{PHONE_ID}/media", emulator.base_url());
    let (content_type, body) = form(&[
        Field::Value("messaging_product", b"whatsapp"),
        Field::Value("type", b"image/jpeg"),
        Field::File("file", "photo.jpg", "image/jpeg", JPEG),
    ]);
    let uploaded =
        reply(client().post(&upload_url).bearer_auth(ACCESS_TOKEN).header("content-type", content_type).body(body))
            .await;
    assert_eq!(uploaded.status, 200, "{}", uploaded.json);
    let media_id = uploaded.json["id"].as_str().unwrap().to_owned();
    assert!(media_id.bytes().all(|b| b.is_ascii_digit()));

    let described = graph_get(&emulator, &format!("/{VERSION}/{media_id}"), Some(ACCESS_TOKEN)).await;
    assert_eq!(described.json["mime_type"], "image/jpeg");
    assert_eq!(described.json["file_size"], JPEG.len());

    let (content_type, body) = form(&[Field::File("file", "photo.jpg", "image/jpeg", JPEG)]);
    let no_product =
        reply(client().post(&upload_url).bearer_auth(ACCESS_TOKEN).header("content-type", content_type).body(body))
            .await;
    assert_eq!(
        assert_graph_error(&no_product, 400, 100)["message"],
        "(#100) The parameter messaging_product is required."
    );
    let (content_type, body) = form(&[Field::Value("messaging_product", b"whatsapp")]);
    let no_file =
        reply(client().post(&upload_url).bearer_auth(ACCESS_TOKEN).header("content-type", content_type).body(body))
            .await;
    assert_eq!(assert_graph_error(&no_file, 400, 100)["message"], "(#100) The parameter file is required.");
}
