//! Opaque page cursors: the sort key of the last row of a page, `(millis, id)`, in
//! hex so clients treat it as a token and not something to build by hand.

use uuid::Uuid;

use crate::error::{StoreError, StoreResult};

pub(crate) fn encode(at: i64, id: Uuid) -> String {
    let raw = format!("{at}.{}", id.simple());
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn decode(cursor: &str) -> StoreResult<(i64, Uuid)> {
    if !cursor.len().is_multiple_of(2) || cursor.len() > 128 {
        return Err(StoreError::InvalidCursor);
    }
    let bytes: Option<Vec<u8>> =
        (0..cursor.len()).step_by(2).map(|i| u8::from_str_radix(cursor.get(i..i + 2)?, 16).ok()).collect();
    let text = bytes.and_then(|b| String::from_utf8(b).ok()).ok_or(StoreError::InvalidCursor)?;
    let (at, id) = text.split_once('.').ok_or(StoreError::InvalidCursor)?;
    let at = at.parse().map_err(|_| StoreError::InvalidCursor)?;
    let id = Uuid::parse_str(id).map_err(|_| StoreError::InvalidCursor)?;
    Ok((at, id))
}

/// Trims a page fetched with `limit + 1` rows and builds the next cursor from its last row.
pub(crate) fn paginate<T>(mut rows: Vec<T>, limit: u32, key: impl Fn(&T) -> (i64, Uuid)) -> (Vec<T>, Option<String>) {
    let more = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    let next = if more {
        rows.last().map(|row| {
            let (at, id) = key(row);
            encode(at, id)
        })
    } else {
        None
    };
    (rows, next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_round_trips_and_garbage_is_refused() {
        let id = Uuid::now_v7();
        assert_eq!(decode(&encode(1_700_000_000_123, id)).unwrap(), (1_700_000_000_123, id));
        for bad in ["", "zz", "abc", "00", &"a".repeat(200)] {
            assert!(decode(bad).is_err(), "{bad:?} was accepted as a cursor");
        }
    }
}
