//! Byte-ordered key encodings.
//!
//! sled orders keys by their bytes, so every component is encoded so that
//! byte order is the order wanted:
//!
//! - strings ([`Key::str`]): the UTF-8 bytes with each `0x00` escaped as
//!   `0x00 0xFF`, then the terminator `0x00 0x01`. Prefix-free (a `0x00`
//!   is always followed by `0xFF` or `0x01`) and order-preserving (the
//!   terminator sorts before any continuation), so `(org, case)` tuples
//!   sort as tuples do whatever follows.
//! - strings, descending ([`Key::str_desc`]): the same, every byte
//!   complemented.
//! - `u64` and `u32`: big-endian.
//! - instants ([`Key::instant`]): seconds since the epoch as a big-endian
//!   `i64` with the sign bit flipped, then the nanoseconds as a big-endian
//!   `u32`: 12 bytes, ordered like the instants for every representable
//!   instant. [`Key::instant_desc`] complements them (newest first).

use chrono::{DateTime, Utc};
use sigap_core::storage::StorageError;

/// A key being built, component by component.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Key(Vec<u8>);

/// The encoded length of an instant.
pub(crate) const INSTANT_LEN: usize = 12;

impl Key {
    /// An empty key.
    pub(crate) fn new() -> Self {
        Self(Vec::with_capacity(64))
    }

    /// A key starting with an organisation (every tenant key does).
    pub(crate) fn org(organisation: &str) -> Self {
        Self::new().str(organisation)
    }

    /// Appends a string, ascending.
    pub(crate) fn str(mut self, text: &str) -> Self {
        push_str(&mut self.0, text);
        self
    }

    /// Appends a string, descending.
    pub(crate) fn str_desc(mut self, text: &str) -> Self {
        let start = self.0.len();
        push_str(&mut self.0, text);
        for byte in &mut self.0[start..] {
            *byte = !*byte;
        }
        self
    }

    /// Appends one tag byte.
    pub(crate) fn tag(mut self, tag: u8) -> Self {
        self.0.push(tag);
        self
    }

    /// Appends a big-endian `u64`.
    pub(crate) fn u64(mut self, n: u64) -> Self {
        self.0.extend_from_slice(&n.to_be_bytes());
        self
    }

    /// Appends a big-endian `u32`.
    pub(crate) fn u32(mut self, n: u32) -> Self {
        self.0.extend_from_slice(&n.to_be_bytes());
        self
    }

    /// Appends an instant, ascending.
    pub(crate) fn instant(mut self, at: DateTime<Utc>) -> Self {
        self.0.extend_from_slice(&instant_bytes(at));
        self
    }

    /// Appends an instant, descending.
    pub(crate) fn instant_desc(mut self, at: DateTime<Utc>) -> Self {
        self.0.extend(instant_bytes(at).iter().map(|b| !b));
        self
    }

    /// Appends raw bytes (an already encoded suffix).
    pub(crate) fn raw(mut self, bytes: &[u8]) -> Self {
        self.0.extend_from_slice(bytes);
        self
    }

    /// The bytes.
    pub(crate) fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl AsRef<[u8]> for Key {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Key> for sled::IVec {
    fn from(key: Key) -> Self {
        key.0.into()
    }
}

fn push_str(out: &mut Vec<u8>, text: &str) {
    for &byte in text.as_bytes() {
        out.push(byte);
        if byte == 0 {
            out.push(0xFF);
        }
    }
    out.extend_from_slice(&[0, 1]);
}

fn instant_bytes(at: DateTime<Utc>) -> [u8; INSTANT_LEN] {
    let seconds = (at.timestamp() as u64) ^ (1 << 63);
    let mut out = [0u8; INSTANT_LEN];
    out[..8].copy_from_slice(&seconds.to_be_bytes());
    out[8..].copy_from_slice(&at.timestamp_subsec_nanos().to_be_bytes());
    out
}

/// Reads a key back, component by component.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    tree: &'static str,
    whole: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over a key of `tree` (named in errors).
    pub(crate) fn new(tree: &'static str, bytes: &'a [u8]) -> Self {
        Self { bytes, tree, whole: bytes }
    }

    fn corrupt(&self, what: &str) -> StorageError {
        StorageError::corrupt(format!("malformed key {} in tree `{}`: {what}", printable(self.whole), self.tree))
    }

    /// Reads an ascending string.
    pub(crate) fn str(&mut self) -> Result<String, StorageError> {
        let mut out = Vec::new();
        let mut i = 0;
        loop {
            match self.bytes.get(i) {
                None => return Err(self.corrupt("an unterminated string")),
                Some(0) => match self.bytes.get(i + 1) {
                    Some(0xFF) => {
                        out.push(0);
                        i += 2;
                    }
                    Some(1) => {
                        i += 2;
                        break;
                    }
                    _ => return Err(self.corrupt("a malformed string")),
                },
                Some(&b) => {
                    out.push(b);
                    i += 1;
                }
            }
        }
        self.bytes = &self.bytes[i..];
        String::from_utf8(out).map_err(|_| self.corrupt("a string that is not UTF-8"))
    }

    /// Reads a big-endian `u64`.
    pub(crate) fn u64(&mut self) -> Result<u64, StorageError> {
        let (head, rest) = self.bytes.split_first_chunk::<8>().ok_or_else(|| self.corrupt("a truncated number"))?;
        self.bytes = rest;
        Ok(u64::from_be_bytes(*head))
    }

    /// Checks that the whole key was read.
    pub(crate) fn end(&self) -> Result<(), StorageError> {
        if self.bytes.is_empty() { Ok(()) } else { Err(self.corrupt("trailing bytes")) }
    }
}

/// A key for people: printable ASCII kept, other bytes as `\xNN`.
pub(crate) fn printable(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        if b.is_ascii_graphic() || b == b' ' {
            out.push(b as char);
        } else {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn strings_order_as_tuples_and_read_back() {
        let words = ["", "\0", "a", "a\0", "a\0b", "a\u{1}", "ab", "b", "\u{e9}"];
        let mut pairs = Vec::new();
        for x in words {
            for y in words {
                pairs.push((x, y));
            }
        }
        let mut by_key = pairs.clone();
        by_key.sort_by_key(|(x, y)| Key::new().str(x).str(y).into_bytes());
        pairs.sort();
        assert_eq!(by_key, pairs);
        for (x, y) in pairs {
            for n in [0, 7, u64::MAX] {
                let key = Key::new().str(x).str(y).u64(n).into_bytes();
                let mut reader = Reader::new("t", &key);
                assert_eq!(reader.str().unwrap(), x);
                assert_eq!(reader.str().unwrap(), y);
                assert_eq!(reader.u64().unwrap(), n);
                reader.end().unwrap();
            }
        }
    }

    #[test]
    fn descending_strings_reverse_the_order() {
        let mut words = vec!["", "a", "a\0", "a\u{1}", "ab", "b", "\0"];
        words.sort_by_key(|w| Key::new().str_desc(w).into_bytes());
        assert_eq!(words, vec!["b", "ab", "a\u{1}", "a\0", "a", "\0", ""]);
    }

    #[test]
    fn instants_order_across_the_epoch() {
        let mut instants = vec![
            Utc.timestamp_opt(-5, 999_999_999).unwrap(),
            Utc.timestamp_opt(-5, 0).unwrap(),
            Utc.timestamp_opt(0, 0).unwrap(),
            Utc.timestamp_opt(0, 1).unwrap(),
            Utc.timestamp_opt(1_800_000_000, 0).unwrap(),
            DateTime::<Utc>::MIN_UTC,
            DateTime::<Utc>::MAX_UTC,
        ];
        let mut by_key = instants.clone();
        by_key.sort_by_key(|t| Key::new().instant(*t).into_bytes());
        instants.sort();
        assert_eq!(by_key, instants);
        by_key.sort_by_key(|t| Key::new().instant_desc(*t).into_bytes());
        instants.reverse();
        assert_eq!(by_key, instants);
    }

    #[test]
    fn malformed_keys_are_corrupt_not_panics() {
        let error = Reader::new("cases", b"abc").str().unwrap_err();
        assert_eq!(error.kind(), sigap_core::storage::ErrorKind::Corrupt);
        assert!(error.message().contains("\"abc\""), "{error}");
        assert!(Reader::new("t", &[1, 2]).u64().is_err());
        assert!(Reader::new("t", &[0xFF, 0]).str().is_err());
        assert!(Reader::new("t", &[b'a', 0, 2]).str().is_err());
    }
}
