//! Sigap's embedded default store, on [sled](https://docs.rs/sled/0.34.7).
//!
//! [`SledStore`] keeps everything in one directory that one process at a
//! time may open: the store locks `sigap.lock` there, and a second opener
//! gets [`ErrorKind::Unavailable`](sigap_core::storage::ErrorKind) naming
//! the directory and the likely cause (see the `lock` module for reopening
//! in the same process). It implements [`sigap_core::storage::Store`] and
//! passes the conformance suite; the in-memory reference store is its
//! yardstick.
//!
//! # Trees and keys
//!
//! Keys are byte-ordered: strings have `0x00` escaped as `0x00 0xFF` and
//! end in `0x00 0x01` (prefix-free, so tuples of them sort as tuples),
//! numbers are big-endian, instants 12 bytes (seconds with the sign bit
//! flipped, then nanoseconds); a `desc` part is the same bytes
//! complemented, so ascending key order is newest first.
//! Every key of tenant data starts with the organisation.
//!
//! | tree | key | value |
//! |---|---|---|
//! | `meta` | `"layout"` | the layout version |
//! | `orgs` | org | (format byte only): organisations with cases or outbox items |
//! | `cases` | org, case | the case projection (`Case`) |
//! | `summaries` | org, case | its `CaseSummary` |
//! | `events` | org, case, seq (u64) | one `Event` |
//! | `index` | org, `a`, submitted desc, case desc | case id: every case |
//! | | org, `w`, workflow, submitted desc, case desc | case id |
//! | | org, `s`, stage, submitted desc, case desc | case id |
//! | | org, `r`, role, submitted desc, case desc | case id (cases whose stage has a role) |
//! | | org, `p`, assignee, submitted desc, case desc | case id (assigned cases) |
//! | | org, `t`, status byte, submitted desc, case desc | case id |
//! | | org, `d`, next deadline, case | case id (open cases with a deadline) |
//! | | org, `q`, available at, item id | outbox item id |
//! | `tracking` | tracking code | (org, case): global, as the lookup is |
//! | `idempotency` | org, key | the `Idempotency` record |
//! | `outbox` | org, item id | the `OutboxItem` and its lease |
//! | `outbox_ids` | item id | org: global, as completion names an id alone |
//! | `blobs` | org, sha256, `0x00` / org, sha256, `0x01`, chunk (u32) | header / 4 KiB of bytes |
//! | `definitions`, `calendars` | org, id, version | the JSON body |
//! | `revoked` | key (e.g. a session token's SHA-256) | the instant until which it is refused |
//!
//! `list` scans one index range per wanted value of its most selective
//! filter (assignee, then roles, stages, statuses, workflow, else all),
//! merges them newest first and applies the remaining filters to the
//! summaries it reads, stopping at `offset + limit` matches. `due` and
//! `claim_outbox` merge the `d` and `q` ranges of every organisation and
//! stop at the first key past the instant asked about.
//!
//! Every value starts with a format byte (now 1): a newer one reads as
//! `SchemaTooNew`, an unknown or undecodable one as `Corrupt` naming the
//! tree and key.
//!
//! # Transactions
//!
//! An append is one sled transaction over `events`, `cases`, `summaries`,
//! `index`, `tracking`, `idempotency`, `outbox`, `outbox_ids` and `orgs`:
//! the version check (the stored summary's version against
//! `expected_version`), the idempotency-key and tracking-code checks and
//! every insert and removal, or nothing (sled seals a transaction's writes
//! as one batch in its log, so recovery never sees half of one). Outbox
//! completion and retry are transactions over the trees they touch; a
//! claim and a blob are one batch each. Every write also holds the store's
//! write lock and every read its read lock, so a read sees whole writes.
//!
//! # Durability
//!
//! No write returns `Ok` before it is on disk: after its transaction, a
//! writer waits for a group commit (`durability` module) that flushes
//! sled's log, fsyncs sled's overflow files and fdatasyncs the log file.
//! Concurrent writers share flushes. A read that acknowledges something
//! (an idempotency record found, which the caller replays as its response)
//! first waits until every write so far is durable. A failed flush fails
//! every later write until the process restarts.
//!
//! Writes are visible to readers before they are durable (a reader may see
//! a note whose writer has not been answered yet); nothing is *acknowledged*
//! before it is durable. sled holds its process-wide concurrency-control
//! lock shared while it writes its log, and transactions take it
//! exclusively, so commits (and, behind them, reads) pause during each
//! flush's log write; group commit makes up for it by covering every
//! commit made meanwhile with the next flush.

mod append;
mod backend;
mod blobs;
mod durability;
mod error;
mod keys;
mod lock;
mod merge;
mod outbox;
mod query;
mod record;
mod revoked;
mod store;

pub use store::{SledConfig, SledStore};
