//! Merging sorted index ranges: one range per organisation (deadlines,
//! the outbox) or per wanted value (stages, roles, statuses).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use sigap_core::storage::StorageError;

use crate::error;

/// One sorted stream: (sort key, value).
pub(crate) type Stream<'a, V> = Box<dyn Iterator<Item = Result<(Vec<u8>, V), StorageError>> + 'a>;

/// The values of several streams sorted by key, in ascending key order.
pub(crate) struct Merge<'a, V> {
    streams: Vec<Stream<'a, V>>,
    heads: BinaryHeap<Reverse<(Vec<u8>, usize)>>,
    values: Vec<Option<V>>,
    started: bool,
}

impl<'a, V> Merge<'a, V> {
    /// Merges `streams`, each sorted by key.
    pub(crate) fn new(streams: Vec<Stream<'a, V>>) -> Self {
        let values = streams.iter().map(|_| None).collect();
        Self { streams, heads: BinaryHeap::new(), values, started: false }
    }

    fn pull(&mut self, i: usize) -> Result<(), StorageError> {
        if let Some(next) = self.streams[i].next() {
            let (key, value) = next?;
            self.heads.push(Reverse((key, i)));
            self.values[i] = Some(value);
        }
        Ok(())
    }
}

impl<V> Iterator for Merge<'_, V> {
    type Item = Result<V, StorageError>;

    fn next(&mut self) -> Option<Self::Item> {
        if !self.started {
            self.started = true;
            for i in 0..self.streams.len() {
                if let Err(e) = self.pull(i) {
                    return Some(Err(e));
                }
            }
        }
        let Reverse((_, i)) = self.heads.pop()?;
        let value = self.values[i].take()?;
        if let Err(e) = self.pull(i) {
            return Some(Err(e));
        }
        Some(Ok(value))
    }
}

/// A stream over the keys of `tree` under `prefix`, sorted by what follows
/// the prefix; `value` turns (whole key, value) into the stream's value.
pub(crate) fn prefix_stream<'a, V: 'a>(
    tree: &sled::Tree,
    name: &'static str,
    prefix: &[u8],
    value: impl Fn(&[u8], &[u8]) -> Result<V, StorageError> + 'a,
) -> Stream<'a, V> {
    let len = prefix.len();
    Box::new(tree.scan_prefix(prefix).map(move |entry| {
        let (key, stored) = entry.map_err(|e| error::sled(&format!("scanning tree `{name}`"), &e))?;
        Ok((key[len..].to_vec(), value(&key, &stored)?))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(items: &[(&str, u32)]) -> Stream<'static, u32> {
        let items: Vec<_> = items.iter().map(|(k, v)| Ok((k.as_bytes().to_vec(), *v))).collect();
        Box::new(items.into_iter())
    }

    #[test]
    fn merges_in_key_order() {
        let merged: Vec<u32> =
            Merge::new(vec![stream(&[("a", 1), ("d", 4)]), stream(&[]), stream(&[("b", 2), ("c", 3), ("e", 5)])])
                .collect::<Result<_, _>>()
                .unwrap();
        assert_eq!(merged, vec![1, 2, 3, 4, 5]);
    }

    #[test]
    fn errors_come_through() {
        let failing: Stream<'static, u32> = Box::new(std::iter::once(Err(StorageError::corrupt("bad"))));
        let mut merged = Merge::new(vec![stream(&[("a", 1)]), failing]);
        assert!(merged.next().unwrap().is_err());
    }
}
