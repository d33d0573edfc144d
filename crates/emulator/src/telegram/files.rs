//! Files either side sends: stored with Telegram-looking `file_id`s and `file_unique_id`s under
//! a `file_path`, described as PhotoSize (several sizes per photo), Document, Voice, Video or
//! Sticker, and served at `/file/bot<token>/<file_path>` with their content type.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::envelope::BotApiError;
use super::world::{BotState, StoredFile};
use crate::server::Shared;

/// What a file is, which decides its id prefix and folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum FileKind {
    Photo,
    Document,
    Voice,
    Video,
    Sticker,
}

impl FileKind {
    /// The first bytes of Telegram's file ids of this kind, and the folder of its path.
    fn prefix_and_folder(self) -> (&'static str, &'static str) {
        match self {
            Self::Photo => ("AgACAgIAAxkBAAI", "photos"),
            Self::Document => ("BQACAgIAAxkBAAI", "documents"),
            Self::Voice => ("AwACAgIAAxkBAAI", "voice"),
            Self::Video => ("BAACAgIAAxkBAAI", "videos"),
            Self::Sticker => ("CAACAgIAAxkBAAI", "stickers"),
        }
    }
}

/// The largest file `getFile` lets a bot download (20 MB).
pub(crate) const MAX_DOWNLOAD: usize = 20 * 1024 * 1024;

/// Stores bytes for the bot and returns the stored file.
pub(crate) fn store(bot: &mut BotState, kind: FileKind, bytes: Arc<Vec<u8>>, mime_type: &str, ext: &str) -> StoredFile {
    let (prefix, folder) = kind.prefix_and_folder();
    bot.last_file_number += 1;
    let file = StoredFile {
        file_id: format!("{prefix}{}", URL_SAFE_NO_PAD.encode(rand::random::<[u8; 33]>())),
        file_unique_id: format!("AQAD{}", URL_SAFE_NO_PAD.encode(rand::random::<[u8; 9]>())),
        file_path: format!("{folder}/file_{}.{ext}", bot.last_file_number),
        mime_type: mime_type.to_owned(),
        bytes,
    };
    bot.files.insert(file.file_id.clone(), file.clone());
    file
}

/// The fields every file object has.
fn base(file: &StoredFile) -> Value {
    json!({ "file_id": file.file_id, "file_unique_id": file.file_unique_id, "file_size": file.bytes.len() })
}

/// The File object `getFile` answers.
pub(crate) fn file_object(file: &StoredFile) -> Value {
    let mut object = base(file);
    object["file_path"] = json!(file.file_path);
    object
}

/// Width and height of a PNG, GIF or JPEG image.
pub(crate) fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be32 = |at: usize| bytes.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(16)?, be32(20)?));
    }
    if bytes.starts_with(b"GIF8") {
        let le16 = |at: usize| bytes.get(at..at + 2).map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])));
        return Some((le16(6)?, le16(8)?));
    }
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return None;
    }
    let be16 = |at: usize| bytes.get(at..at + 2).map(|b| u32::from(u16::from_be_bytes([b[0], b[1]])));
    let mut at = 2;
    while at + 4 <= bytes.len() {
        if bytes[at] != 0xFF {
            return None;
        }
        let marker = bytes[at + 1];
        let length = be16(at + 2)? as usize;
        // Start-of-frame markers, except DHT (C4), JPG (C8) and DAC (CC).
        if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
            return Some((be16(at + 7)?, be16(at + 5)?));
        }
        at += 2 + length;
    }
    None
}

/// The content type and file extension an image's bytes say it has (JPEG when they say nothing).
fn image_type(bytes: &[u8]) -> (&'static str, &'static str) {
    if bytes.starts_with(b"\x89PNG") {
        ("image/png", "png")
    } else if bytes.starts_with(b"GIF8") {
        ("image/gif", "gif")
    } else {
        ("image/jpeg", "jpg")
    }
}

/// Stores a photo and returns its PhotoSize array, smallest first: a thumbnail that fits
/// 90×90, then 320, 800 and 1280 where the image is larger than the previous step. Every size
/// serves the bytes given (the emulator does not resize).
pub(crate) fn store_photo(bot: &mut BotState, bytes: Vec<u8>) -> Value {
    let (width, height) = image_size(&bytes).filter(|&(w, h)| w > 0 && h > 0).unwrap_or((1280, 960));
    let (mime_type, ext) = image_type(&bytes);
    let bytes = Arc::new(bytes);
    let longest = width.max(height);
    let mut sizes = Vec::new();
    let mut previous = 0;
    for limit in [90, 320, 800, 1280] {
        if longest <= previous {
            break;
        }
        let scale = |side: u32| {
            if longest > limit { (u64::from(side) * u64::from(limit) / u64::from(longest)).max(1) as u32 } else { side }
        };
        let file = store(bot, FileKind::Photo, bytes.clone(), mime_type, ext);
        let mut size = base(&file);
        size["width"] = json!(scale(width));
        size["height"] = json!(scale(height));
        sizes.push(size);
        previous = limit;
    }
    Value::Array(sizes)
}

/// Stores a document and returns its Document object.
pub(crate) fn store_document(bot: &mut BotState, bytes: Vec<u8>, file_name: &str, mime_type: &str) -> Value {
    let ext = file_name.rsplit_once('.').map_or("bin", |(_, ext)| ext);
    let ext =
        if ext.is_empty() || ext.len() > 8 || !ext.chars().all(|c| c.is_ascii_alphanumeric()) { "bin" } else { ext };
    let file = store(bot, FileKind::Document, Arc::new(bytes), mime_type, &ext.to_ascii_lowercase());
    let mut document = json!({ "file_name": file_name, "mime_type": mime_type });
    merge(&mut document, base(&file));
    document
}

/// Stores a voice note (OGG/Opus) and returns its Voice object.
pub(crate) fn store_voice(bot: &mut BotState, bytes: Vec<u8>, duration: u32) -> Value {
    let file = store(bot, FileKind::Voice, Arc::new(bytes), "audio/ogg", "oga");
    let mut voice = json!({ "duration": duration, "mime_type": "audio/ogg" });
    merge(&mut voice, base(&file));
    voice
}

/// Stores a video (MP4) and returns its Video object.
pub(crate) fn store_video(bot: &mut BotState, bytes: Vec<u8>, duration: u32) -> Value {
    let file = store(bot, FileKind::Video, Arc::new(bytes), "video/mp4", "mp4");
    let mut video = json!({ "duration": duration, "width": 640, "height": 360, "mime_type": "video/mp4" });
    merge(&mut video, base(&file));
    video
}

/// Stores a small generated WebP sticker and returns its Sticker object.
pub(crate) fn store_sticker(bot: &mut BotState, emoji: &str) -> Value {
    let bytes = b"RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00"
        .to_vec();
    let file = store(bot, FileKind::Sticker, Arc::new(bytes), "image/webp", "webp");
    let mut sticker = json!({
        "width": 512, "height": 512, "emoji": emoji, "type": "regular", "is_animated": false, "is_video": false,
    });
    merge(&mut sticker, base(&file));
    sticker
}

fn merge(into: &mut Value, from: Value) {
    if let (Some(into), Value::Object(from)) = (into.as_object_mut(), from) {
        into.extend(from);
    }
}

/// `GET /file/bot<token>/<file_path>`: the bytes of a file held for the bot.
pub(crate) async fn download(
    State(shared): State<Arc<Shared>>,
    Path((bot_segment, file_path)): Path<(String, String)>,
) -> Response {
    let token = super::routes::token_of(&bot_segment);
    let found = shared.state.read(|world| {
        let bot = token.and_then(|token| world.telegram.bots.get(&token)).ok_or_else(BotApiError::unauthorized)?;
        bot.files.values().find(|f| f.file_path == file_path).cloned().ok_or_else(BotApiError::not_found)
    });
    match found {
        Ok(file) => {
            let content_type = HeaderValue::from_str(&file.mime_type)
                .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
            ([(header::CONTENT_TYPE, content_type)], file.bytes.as_ref().clone()).into_response()
        }
        Err(error) => error.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR".to_vec();
        bytes.extend_from_slice(&width.to_be_bytes());
        bytes.extend_from_slice(&height.to_be_bytes());
        bytes
    }

    #[test]
    fn image_sizes_are_read_from_headers() {
        assert_eq!(image_size(&png(1000, 750)), Some((1000, 750)));
        assert_eq!(image_size(b"GIF89a\x20\x00\x10\x00"), Some((32, 16)));
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0, 0, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x01, 0xE0, 0x02, 0x80];
        assert_eq!(image_size(&jpeg), Some((640, 480)));
        assert_eq!(image_size(b"not an image"), None);
    }

    #[test]
    fn a_photo_comes_in_several_sizes_that_all_resolve() {
        let mut bot = BotState::new("1:x", "b", "B");
        let sizes = store_photo(&mut bot, png(1000, 750));
        let dims: Vec<(u64, u64)> = sizes
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["width"].as_u64().unwrap(), s["height"].as_u64().unwrap()))
            .collect();
        assert_eq!(dims, [(90, 67), (320, 240), (800, 600), (1000, 750)]);
        for size in sizes.as_array().unwrap() {
            let file = &bot.files[size["file_id"].as_str().unwrap()];
            assert_eq!(file.mime_type, "image/png");
            assert!(file.file_path.starts_with("photos/file_") && file.file_path.ends_with(".png"));
        }
        assert_eq!(store_photo(&mut bot, png(60, 40)).as_array().unwrap().len(), 1);
    }
}
