//! Merging sorted index ranges: one range per organisation (deadlines,
//! the outbox) or per wanted value (stages, roles, statuses).

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ops::Bound;

use sigap_core::storage::StorageError;

use crate::error;

/// One sorted stream: (sort key, value).
pub(crate) type Stream<'a, V> = Box<dyn Iterator<Item = Result<(Vec<u8>, V), StorageError>> + 'a>;

/// The values of several streams sorted by key, in ascending key order
/// (or descending, for streams that each run descending).
pub(crate) struct Merge<'a, V> {
    streams: Vec<Stream<'a, V>>,
    heads: BinaryHeap<Head>,
    values: Vec<Option<V>>,
    started: bool,
    descending: bool,
}

/// A stream's next key; the heap's greatest is the one to take next.
#[derive(PartialEq, Eq)]
struct Head {
    key: Vec<u8>,
    stream: usize,
    descending: bool,
}

impl Ord for Head {
    fn cmp(&self, other: &Self) -> Ordering {
        let order = self.key.cmp(&other.key).then(self.stream.cmp(&other.stream));
        if self.descending { order } else { order.reverse() }
    }
}

impl PartialOrd for Head {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<'a, V> Merge<'a, V> {
    /// Merges `streams`, each sorted by key, ascending.
    pub(crate) fn new(streams: Vec<Stream<'a, V>>) -> Self {
        Self::directed(streams, false)
    }

    /// Merges `streams`, each sorted by key, descending when `descending`.
    pub(crate) fn directed(streams: Vec<Stream<'a, V>>, descending: bool) -> Self {
        let values = streams.iter().map(|_| None).collect();
        Self { streams, heads: BinaryHeap::new(), values, started: false, descending }
    }

    fn pull(&mut self, i: usize) -> Result<(), StorageError> {
        if let Some(next) = self.streams[i].next() {
            let (key, value) = next?;
            self.heads.push(Head { key, stream: i, descending: self.descending });
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
        let Head { stream: i, .. } = self.heads.pop()?;
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

/// A stream over the keys of `tree` under `prefix` whose rest lies within
/// `from..to` (bounds on what follows the prefix), ascending or, when
/// `descending`, descending; keyed and valued as [`prefix_stream`].
pub(crate) fn range_stream<'a, V: 'a>(
    tree: &sled::Tree,
    name: &'static str,
    prefix: &[u8],
    (from, to): (Bound<Vec<u8>>, Bound<Vec<u8>>),
    descending: bool,
    value: impl Fn(&[u8], &[u8]) -> Result<V, StorageError> + 'a,
) -> Stream<'a, V> {
    let len = prefix.len();
    let whole = |rest: Vec<u8>| [prefix, &rest].concat();
    let start = match from {
        Bound::Included(rest) => Bound::Included(whole(rest)),
        Bound::Excluded(rest) => Bound::Excluded(whole(rest)),
        Bound::Unbounded => Bound::Included(prefix.to_vec()),
    };
    let end = match to {
        Bound::Included(rest) => Bound::Included(whole(rest)),
        Bound::Excluded(rest) => Bound::Excluded(whole(rest)),
        Bound::Unbounded => prefix_end(prefix).map_or(Bound::Unbounded, Bound::Excluded),
    };
    let range = tree.range::<Vec<u8>, _>((start, end));
    let entries: Box<dyn Iterator<Item = sled::Result<(sled::IVec, sled::IVec)>>> =
        if descending { Box::new(range.rev()) } else { Box::new(range) };
    Box::new(entries.map(move |entry| {
        let (key, stored) = entry.map_err(|e| error::sled(&format!("scanning tree `{name}`"), &e))?;
        Ok((key[len..].to_vec(), value(&key, &stored)?))
    }))
}

/// The first key after every key starting with `prefix` (`None`: no such key).
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
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
    fn merges_descending_streams_in_descending_order() {
        let merged: Vec<u32> =
            Merge::directed(vec![stream(&[("d", 4), ("a", 1)]), stream(&[("e", 5), ("c", 3), ("b", 2)])], true)
                .collect::<Result<_, _>>()
                .unwrap();
        assert_eq!(merged, vec![5, 4, 3, 2, 1]);
    }

    #[test]
    fn ranges_keep_to_their_prefix_and_bounds_both_ways() {
        let db = sled::Config::new().temporary(true).open().unwrap();
        let tree = db.open_tree("t").unwrap();
        for key in [&b"a\x01"[..], b"b\x00", b"b\x01", b"b\x02", b"b\xff", b"c"] {
            tree.insert(key, key).unwrap();
        }
        let rests = |bounds, descending| -> Vec<Vec<u8>> {
            range_stream(&tree, "t", b"b", bounds, descending, |_, _| Ok(())).map(|r| r.unwrap().0).collect()
        };
        let all = (Bound::Unbounded, Bound::Unbounded);
        assert_eq!(rests(all.clone(), false), vec![vec![0], vec![1], vec![2], vec![0xff]]);
        assert_eq!(rests(all, true), vec![vec![0xff], vec![2], vec![1], vec![0]]);
        let some = (Bound::Included(vec![1]), Bound::Excluded(vec![0xff]));
        assert_eq!(rests(some.clone(), false), vec![vec![1], vec![2]]);
        assert_eq!(rests(some, true), vec![vec![2], vec![1]]);
        assert_eq!(prefix_end(&[1, 0xff]), Some(vec![2]));
        assert_eq!(prefix_end(&[0xff]), None);
    }

    #[test]
    fn errors_come_through() {
        let failing: Stream<'static, u32> = Box::new(std::iter::once(Err(StorageError::corrupt("bad"))));
        let mut merged = Merge::new(vec![stream(&[("a", 1)]), failing]);
        assert!(merged.next().unwrap().is_err());
    }
}
