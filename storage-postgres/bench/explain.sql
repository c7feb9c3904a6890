-- The plans of the store's queries at 100,000 cases (see explain-data.sql).
\set cols 'organisation, case_id, workflow, workflow_version, tracking_code, stage, role, assignee, status, outcome, submitted_at, updated_at, version, due, warn, next_deadline'
\echo '== list: an organisation, newest first'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT :cols FROM case_summaries WHERE organisation = 'org-1'
ORDER BY submitted_at DESC, case_id DESC LIMIT 100 OFFSET 0;
\echo '== list: inbox of one role, open'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT :cols FROM case_summaries WHERE organisation = 'org-1' AND role = 'petugas' AND status = 'open'
ORDER BY submitted_at DESC, case_id DESC LIMIT 100 OFFSET 0;
\echo '== list: two roles, open or waiting'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT :cols FROM case_summaries WHERE organisation = 'org-1' AND role = ANY('{petugas,kepala}') AND status = ANY('{open,waiting}')
ORDER BY submitted_at DESC, case_id DESC LIMIT 100 OFFSET 0;
\echo '== list: my tasks'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT :cols FROM case_summaries WHERE organisation = 'org-1' AND assignee = 'staf-3'
ORDER BY submitted_at DESC, case_id DESC LIMIT 100 OFFSET 0;
\echo '== list: closed cases, page 10'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT :cols FROM case_summaries WHERE organisation = 'org-3' AND status = 'closed'
ORDER BY submitted_at DESC, case_id DESC LIMIT 100 OFFSET 900;
\echo '== due'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT :cols FROM case_summaries
WHERE status <> 'closed' AND next_deadline IS NOT NULL AND next_deadline <= '2026-09-01'
ORDER BY next_deadline, case_id, organisation LIMIT 100;
\echo '== case_ids after a key'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT organisation, case_id FROM cases WHERE (organisation, case_id) > ('org-2', '0000000000000000000000a000')
ORDER BY organisation, case_id LIMIT 500;
\echo '== events of a case'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT seq, hash, body FROM events WHERE organisation = 'org-1' AND case_id = '0000000000000000000000c350' ORDER BY seq;
\echo '== tracking code'
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT organisation, case_id FROM cases WHERE tracking_code = 'T00050000';
\echo '== claim_outbox (20,000 items; rolled back)'
BEGIN;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF)
WITH picked AS (
    SELECT id FROM outbox
    WHERE available_at <= '2026-12-02' AND (lease_until IS NULL OR lease_until <= '2026-12-02')
    ORDER BY available_at, id LIMIT 10 FOR UPDATE SKIP LOCKED)
UPDATE outbox o SET lease_holder = 'w1', lease_until = '2026-12-02 00:01', attempts = o.attempts + 1
FROM picked WHERE o.id = picked.id RETURNING o.id;
ROLLBACK;
\echo '== generic plans (prepared statements after 5 runs may use them)'
SET plan_cache_mode = force_generic_plan;
PREPARE l(text, text, text, bigint, bigint) AS
SELECT :cols FROM case_summaries WHERE organisation = $1 AND role = $2 AND status = $3
ORDER BY submitted_at DESC, case_id DESC LIMIT $4 OFFSET $5;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE l('org-1', 'petugas', 'open', 100, 0);
PREPARE d(timestamptz, bigint) AS
SELECT :cols FROM case_summaries
WHERE status <> 'closed' AND next_deadline IS NOT NULL AND next_deadline <= $1
ORDER BY next_deadline, case_id, organisation LIMIT $2;
EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE d('2026-09-01', 100);
