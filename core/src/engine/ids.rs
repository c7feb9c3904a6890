//! Identifiers of cases and the applicant's capability to read one.
//!
//! A case has an opaque [`CaseId`] (ULID-like: time-ordered, 26 Crockford
//! base32 characters). The applicant holds a [`TrackingCode`] (short, easy
//! to read aloud) and a secret shown once at submission; only the secret's
//! SHA-256 is stored. Randomness comes in from the caller: the core has no
//! source of it.

use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

const CROCKFORD: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn base32(bytes: &[u8], chars: usize) -> String {
    let mut bits: u128 = 0;
    let mut nbits = 0u32;
    let mut out = String::with_capacity(chars);
    let mut iter = bytes.iter();
    while out.len() < chars {
        if nbits < 5 {
            match iter.next() {
                Some(&b) => {
                    bits = (bits << 8) | u128::from(b);
                    nbits += 8;
                }
                None => {
                    bits <<= 5 - nbits;
                    nbits = 5;
                }
            }
        }
        nbits -= 5;
        out.push(CROCKFORD[((bits >> nbits) & 31) as usize] as char);
    }
    out
}

/// Normalises what a person typed in Crockford base32: upper case, no
/// separators, `I`/`L` read as `1` and `O` as `0`.
fn normalise(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '-' | ' ' | '_' | '.'))
        .map(|c| match c.to_ascii_uppercase() {
            'I' | 'L' => '1',
            'O' => '0',
            other => other,
        })
        .collect()
}

/// A case's identifier.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct CaseId(String);

impl CaseId {
    /// A new id from the creation instant (milliseconds since the epoch) and 10 random bytes.
    pub fn generate(unix_millis: u64, random: [u8; 10]) -> Self {
        let mut bytes = [0u8; 16];
        bytes[..6].copy_from_slice(&unix_millis.to_be_bytes()[2..]);
        bytes[6..].copy_from_slice(&random);
        // 128 bits → 26 characters: pad 2 leading zero bits as ULID does.
        let value = u128::from_be_bytes(bytes);
        let mut out = String::with_capacity(26);
        for i in (0..26).rev() {
            out.push(CROCKFORD[((value >> (i * 5)) & 31) as usize] as char);
        }
        Self(out)
    }

    /// Parses an id as written in a URL; `None` unless it is a well-formed id.
    pub fn parse(text: &str) -> Option<Self> {
        let ok = text.len() == 26 && text.bytes().all(|b| CROCKFORD.contains(&b));
        ok.then(|| Self(text.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The code an applicant uses to follow a case: `XXXX-XXXX` in Crockford base32 (40 bits).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct TrackingCode(String);

impl TrackingCode {
    /// A new code from 5 random bytes.
    pub fn generate(random: [u8; 5]) -> Self {
        let raw = base32(&random, 8);
        Self(format!("{}-{}", &raw[..4], &raw[4..]))
    }

    /// Reads a code as a person typed it (any case, with or without the dash;
    /// `O`/`I`/`L` accepted for `0`/`1`).
    pub fn parse(text: &str) -> Option<Self> {
        let raw = normalise(text);
        let ok = raw.len() == 8 && raw.bytes().all(|b| CROCKFORD.contains(&b));
        ok.then(|| Self(format!("{}-{}", &raw[..4], &raw[4..])))
    }

    /// The code as shown.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TrackingCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new secret (32 Crockford base32 characters, 160 bits) from 20 random bytes, grouped for reading.
pub fn generate_secret(random: [u8; 20]) -> String {
    let raw = base32(&random, 32);
    raw.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).expect("ascii")).collect::<Vec<_>>().join("-")
}

/// The stored form of a secret: lowercase hex SHA-256 of its normalised text.
pub fn hash_secret(secret: &str) -> String {
    crate::definition::hex(&Sha256::digest(normalise(secret).as_bytes()))
}

/// Whether `secret` matches `hash`, in time independent of where they differ.
pub fn secret_matches(secret: &str, hash: &str) -> bool {
    use subtle::ConstantTimeEq;
    hash_secret(secret).as_bytes().ct_eq(hash.as_bytes()).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_ids_are_time_ordered_and_parse_back() {
        let a = CaseId::generate(1_764_300_000_000, [0; 10]);
        let b = CaseId::generate(1_764_300_000_001, [0; 10]);
        assert!(a < b);
        assert_eq!(CaseId::parse(a.as_str()), Some(a.clone()));
        assert_eq!(CaseId::parse("not-an-id"), None);
        assert_eq!(a.as_str().len(), 26);
    }

    #[test]
    fn tracking_codes_forgive_how_people_type_them() {
        let code = TrackingCode::generate([0x12, 0x34, 0x56, 0x78, 0x9a]);
        let typed = code.as_str().to_lowercase().replace('-', " ");
        assert_eq!(TrackingCode::parse(&typed), Some(code));
        assert_eq!(TrackingCode::parse("ABCD-EFG"), None);
        assert_eq!(TrackingCode::parse("oooo-iiii").unwrap().as_str(), "0000-1111");
    }

    #[test]
    fn secrets_are_checked_by_hash() {
        let secret = generate_secret([7; 20]);
        let hash = hash_secret(&secret);
        assert!(secret_matches(&secret, &hash));
        assert!(secret_matches(&secret.to_lowercase().replace('-', ""), &hash));
        assert!(!secret_matches("wrong", &hash));
    }
}
