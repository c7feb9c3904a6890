//! The storage conformance suite: every backend passes every case.
//!
//! Each case takes a fresh, empty store. [`crate::conformance_tests!`]
//! emits one `#[tokio::test]` per case and era for a backend's factory,
//! grouped per capability of the seam (e.g.
//! `outbox::outbox_complete_and_retry::near`).

pub mod blobs;
pub mod case_log;
pub mod definitions;
pub mod idempotency;
pub mod outbox;
pub mod revocations;
pub mod whole;

use crate::engine::{Case, Command, Principal};
use crate::form::Input;
use crate::storage::Store;

/// Emits, per conformance case, a module with one `#[tokio::test]` per
/// [`Era`](crate::testing::Era) (`past`, `near`, `future`) for a store factory (a closure
/// returning a future of `(Arc<dyn Store>, Guard)`), e.g.
/// `case_log::append_and_read_back::past`.
#[macro_export]
macro_rules! conformance_tests {
    ($factory:expr) => {
        $crate::__conformance_cases!(tokio, $factory);
    };
}

/// Emits, per conformance case and [`Era`](crate::testing::Era), one `#[sqlx::test]` (a fresh
/// PostgreSQL database each) for a function from the test's `sqlx::PgPool` to a future
/// of `Arc<dyn Store>`. The calling crate depends on sqlx.
#[macro_export]
macro_rules! conformance_tests_sqlx {
    ($make:expr) => {
        $crate::__conformance_cases!(sqlx, $make);
    };
}

/// The one list of conformance cases, grouped per capability of the
/// storage seam (a module each: `case_log`, `idempotency`, `outbox`,
/// `revocations`, `blobs`, `definitions`, and `whole` for what crosses them).
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_cases {
    ($harness:ident, $arg:expr) => {
        $crate::__conformance_emit!($harness, $arg;
            case_log: [
                append_and_read_back,
                stale_version_conflicts_and_writes_nothing,
                creating_an_existing_case_conflicts,
                concurrent_appends_one_wins,
                invalid_appends_are_refused,
                tracking_codes_find_their_case,
                lists_filter_and_order,
                lists_filter_by_reach,
                lists_search_and_count,
                deadlines_are_found_in_order,
                case_ids_page_through_everything,
            ];
            idempotency: [idempotency_is_recorded_with_the_events, a_reused_idempotency_key_conflicts];
            outbox: [
                outbox_is_written_with_the_events,
                outbox_leases_exclude_others_until_expiry,
                outbox_complete_and_retry,
                outbox_items_page_through_what_is_undelivered,
                outbox_batches_complete_what_is_still_held,
            ];
            revocations: [revocations_hold_until_their_instant];
            blobs: [blobs_are_content_addressed_and_limited];
            definitions: [definitions_and_calendars_round_trip];
            whole: [tenants_are_isolated, a_whole_procedure_replays_to_the_stored_state];
        );
    };
}

/// One module per capability, one per case in it, one test per era, for each harness.
#[doc(hidden)]
#[macro_export]
macro_rules! __conformance_emit {
    ($harness:ident, $arg:expr; $($group:ident: [$($case:ident),* $(,)?];)*) => {
        $(
            mod $group {
                #[allow(unused_imports)]
                use super::*;
                $(
                    mod $case {
                        #[allow(unused_imports)]
                        use super::*;
                        $crate::__conformance_emit!(@$harness $arg, $group, $case, past, PAST);
                        $crate::__conformance_emit!(@$harness $arg, $group, $case, near, NEAR);
                        $crate::__conformance_emit!(@$harness $arg, $group, $case, future, FUTURE);
                    }
                )*
            }
        )*
    };
    (@tokio $factory:expr, $group:ident, $case:ident, $era:ident, $ERA:ident) => {
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $era() {
            let (store, _guard) = ($factory)().await;
            $crate::testing::conformance::$group::$case(store, $crate::testing::Era::$ERA).await;
        }
    };
    (@sqlx $make:expr, $group:ident, $case:ident, $era:ident, $ERA:ident) => {
        #[sqlx::test(migrations = false)]
        async fn $era(pool: sqlx::PgPool) {
            let store = ($make)(pool).await;
            $crate::testing::conformance::$group::$case(store, $crate::testing::Era::$ERA).await;
        }
    };
}

pub(super) fn perform(action: &str, inputs: &[(&str, Input)]) -> Command {
    Command::Perform {
        action: action.to_owned(),
        inputs: inputs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect(),
        form: None,
    }
}

pub(super) fn officer() -> Principal {
    Principal::staff("rina", &["petugas"])
}

pub(super) fn head() -> Principal {
    Principal::staff("kabag", &["kepala"])
}

pub(super) async fn state(store: &dyn Store, case: &crate::engine::CaseId) -> (Case, Vec<crate::engine::Event>) {
    let stored = store.case("org-uji", case).await.expect("load").expect("the case exists");
    let events = store.events("org-uji", case).await.expect("events");
    (stored, events)
}
