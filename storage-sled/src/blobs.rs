//! Attachments: content-addressed, in chunks.
//!
//! A blob is a header record under (organisation, id, `0x00`) and its bytes
//! in chunks of [`CHUNK`] bytes under (organisation, id, `0x01`, chunk
//! number), all written in one atomic batch. Chunks keep every sled node
//! small enough to stay in sled's log rather than in separate files, and
//! no single value near the 50 MiB limit. Reading a blob checks its length
//! and its SHA-256 against its id: damaged bytes are `Corrupt`, never
//! served.

use serde::{Deserialize, Serialize};
use sigap_core::storage::StorageError;
use sigap_core::storage::memory::check_blob;

use crate::error;
use crate::keys::Key;
use crate::record;
use crate::store::{Committed, Inner};

/// The size of a chunk.
pub(crate) const CHUNK: usize = 4 * 1024;

const HEADER: u8 = 0;
const CHUNKS: u8 = 1;

/// A blob's header.
#[derive(Debug, Serialize, Deserialize)]
struct Header {
    len: u64,
    chunks: u32,
}

fn header_key(organisation: &str, id: &str) -> Vec<u8> {
    Key::org(organisation).str(id).tag(HEADER).into_bytes()
}

fn chunks_prefix(organisation: &str, id: &str) -> Key {
    Key::org(organisation).str(id).tag(CHUNKS)
}

/// Stores a blob unless it is there already. Call after [`check_blob`].
pub(crate) fn put(inner: &Inner, organisation: &str, id: &str, bytes: &[u8]) -> Result<Committed<()>, StorageError> {
    let tree = &inner.trees.blobs;
    let header = header_key(organisation, id);
    let mut batch = sled::Batch::default();
    let mut chunks = 0u32;
    for (i, chunk) in bytes.chunks(CHUNK).enumerate() {
        let n = u32::try_from(i).map_err(|_| StorageError::corrupt("too many chunks"))?;
        batch.insert(chunks_prefix(organisation, id).u32(n).into_bytes(), record::encode_bytes(chunk));
        chunks = n + 1;
    }
    let header_value = record::encode(&Header { len: bytes.len() as u64, chunks })?;
    batch.insert(header.as_slice(), header_value);
    inner.commit(|| {
        let there = tree.contains_key(&header).map_err(|e| error::sled("reading tree `blobs`", &e))?;
        if there {
            // Content-addressed: the same bytes. The ticket still waits for them to be durable.
            return Ok(());
        }
        tree.apply_batch(batch).map_err(|e| error::sled("writing a blob", &e))
    })
}

/// A blob's bytes, checked against its id.
pub(crate) fn get(inner: &Inner, organisation: &str, id: &str) -> Result<Option<Vec<u8>>, StorageError> {
    let tree = &inner.trees.blobs;
    let header_key = header_key(organisation, id);
    // The header and the chunks are committed together and never change
    // after: once the header is visible, so is every chunk.
    let header = {
        let _view = inner.read_lock();
        inner.get::<Header>(tree, "blobs", &header_key)?
    };
    let Some(header) = header else {
        return Ok(None);
    };
    let damaged = |why: String| StorageError::corrupt(format!("blob {id} of {organisation} is damaged: {why}"));
    let mut bytes = Vec::with_capacity(usize::try_from(header.len).unwrap_or(0));
    let mut count = 0u32;
    for entry in tree.scan_prefix(chunks_prefix(organisation, id)) {
        let (key, value) = entry.map_err(|e| error::sled("reading tree `blobs`", &e))?;
        bytes.extend_from_slice(record::body("blobs", &key, &value)?);
        count += 1;
    }
    if count != header.chunks || bytes.len() as u64 != header.len {
        return Err(damaged(format!(
            "{count} chunks and {} bytes where the header says {} and {}",
            bytes.len(),
            header.chunks,
            header.len
        )));
    }
    check_blob(id, &bytes).map_err(|e| damaged(e.message().to_owned()))?;
    Ok(Some(bytes))
}
