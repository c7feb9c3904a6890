//! Stored values: one format byte, then the record.
//!
//! Every value starts with [`FORMAT`], the version of its layout. Reading a
//! value of a newer format is [`ErrorKind::SchemaTooNew`] (a newer build
//! wrote it); an unknown, missing or undecodable one is
//! [`ErrorKind::Corrupt`], naming the tree and key. Nothing here panics on
//! bad bytes.

use serde::Serialize;
use serde::de::DeserializeOwned;
use sigap_core::storage::{ErrorKind, StorageError};

use crate::keys::printable;

/// The format of every value this build writes.
pub(crate) const FORMAT: u8 = 1;

/// Encodes a record as JSON after the format byte.
pub(crate) fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StorageError> {
    let mut out = vec![FORMAT];
    serde_json::to_writer(&mut out, value)
        .map_err(|e| StorageError::new(ErrorKind::Invalid, format!("a record does not encode: {e}")))?;
    Ok(out)
}

/// Encodes raw bytes after the format byte.
pub(crate) fn encode_bytes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() + 1);
    out.push(FORMAT);
    out.extend_from_slice(bytes);
    out
}

/// The body of a stored value after its format byte is checked.
pub(crate) fn body<'a>(tree: &'static str, key: &[u8], value: &'a [u8]) -> Result<&'a [u8], StorageError> {
    match value.split_first() {
        Some((&FORMAT, body)) => Ok(body),
        Some((&format, _)) if format > FORMAT => Err(StorageError::new(
            ErrorKind::SchemaTooNew,
            format!(
                "the value at {} in tree `{tree}` has format {format}; this build reads up to {FORMAT}",
                printable(key)
            ),
        )),
        Some((&format, _)) => Err(StorageError::corrupt(format!(
            "the value at {} in tree `{tree}` has unknown format {format}",
            printable(key)
        ))),
        None => Err(StorageError::corrupt(format!("the value at {} in tree `{tree}` is empty", printable(key)))),
    }
}

/// Decodes a JSON record.
pub(crate) fn decode<T: DeserializeOwned>(tree: &'static str, key: &[u8], value: &[u8]) -> Result<T, StorageError> {
    serde_json::from_slice(body(tree, key, value)?).map_err(|e| {
        StorageError::corrupt(format!("the value at {} in tree `{tree}` does not decode: {e}", printable(key)))
    })
}

/// Decodes a UTF-8 record (index entries hold a case id).
pub(crate) fn decode_str(tree: &'static str, key: &[u8], value: &[u8]) -> Result<String, StorageError> {
    String::from_utf8(body(tree, key, value)?.to_vec())
        .map_err(|_| StorageError::corrupt(format!("the value at {} in tree `{tree}` is not UTF-8", printable(key))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_checked() {
        let good = encode(&vec![1, 2]).unwrap();
        assert_eq!(decode::<Vec<u8>>("t", b"k", &good).unwrap(), vec![1, 2]);
        let newer = [FORMAT + 1, b'1'];
        assert_eq!(decode::<u8>("t", b"k", &newer).unwrap_err().kind(), ErrorKind::SchemaTooNew);
        for bad in [&[][..], &[0, b'1'][..], &[FORMAT, b'{'][..]] {
            let error = decode::<u8>("cases", b"k\x01", bad).unwrap_err();
            assert_eq!(error.kind(), ErrorKind::Corrupt);
            assert!(error.message().contains("\"k\\x01\""), "{error}");
            assert!(error.message().contains("`cases`"), "{error}");
        }
    }
}
