-- 100,000 cases for EXPLAIN: run in a scratch database after the migration.
--   createdb sigap_explain && psql -d sigap_explain -f migrations/*.sql -f bench/explain-data.sql
-- Three organisations (60/30/10 %), the oldest 80 % closed, the newest 20 % open
-- or waiting (1 in 4), submissions 10 minutes apart (~2 years),
-- two years of submissions, 40 staff, 6 events per case, 20,000 outbox items.
SET synchronous_commit = off;
INSERT INTO cases (organisation, case_id, version, tracking_code, state)
SELECT CASE WHEN n % 10 < 6 THEN 'org-1' WHEN n % 10 < 9 THEN 'org-2' ELSE 'org-3' END,
       lpad(to_hex(n), 26, '0'), 6, 'T' || lpad(n::text, 8, '0'), '{}'
FROM generate_series(1, 100000) AS n;

INSERT INTO case_summaries
SELECT org, id, 'konsultasi', 'v1', code, stage, role,
       CASE WHEN status <> 'closed' AND n % 3 <> 0 THEN 'staf-' || (n % 40) END,
       status, CASE WHEN status = 'closed' THEN 'answered' END,
       submitted, submitted + interval '3 days', 6,
       CASE WHEN status = 'open' THEN submitted + interval '5 days' END,
       CASE WHEN status = 'open' THEN submitted + interval '4 days' END,
       CASE WHEN status = 'open' THEN submitted + interval '4 days' END
FROM (
    SELECT n,
           CASE WHEN n % 10 < 6 THEN 'org-1' WHEN n % 10 < 9 THEN 'org-2' ELSE 'org-3' END AS org,
           lpad(to_hex(n), 26, '0') AS id,
           'T' || lpad(n::text, 8, '0') AS code,
           -- the newest cases are the open ones, as in life
           CASE WHEN n < 80000 THEN 'closed' WHEN n % 4 <> 0 THEN 'open' ELSE 'waiting' END AS status,
           CASE WHEN n < 80000 THEN 'selesai' WHEN n % 4 = 0 THEN 'tunggu'
                WHEN n % 4 = 1 THEN 'jawab' ELSE 'periksa' END AS stage,
           CASE WHEN n < 80000 THEN NULL WHEN n % 4 = 0 THEN 'pemohon'
                WHEN n % 4 = 1 THEN 'kepala' ELSE 'petugas' END AS role,
           timestamptz '2025-01-01' + n * interval '10 minutes' AS submitted
    FROM generate_series(1, 100000) AS n
) g;

INSERT INTO events (organisation, case_id, seq, hash, body)
SELECT c.organisation, c.case_id, s, md5(c.case_id || s), '{"seq":' || s || '}'
FROM cases c CROSS JOIN generate_series(1, 6) AS s;

INSERT INTO outbox (id, organisation, case_id, seq, created_at, available_at, message)
SELECT c.case_id || '/1/diterima/applicant', c.organisation, c.case_id, 1,
       timestamptz '2026-12-01' + (row_number() OVER ()) * interval '1 second',
       timestamptz '2026-12-01' + (row_number() OVER ()) * interval '1 second', '{}'
FROM (SELECT * FROM cases ORDER BY case_id DESC LIMIT 20000) c;

VACUUM ANALYZE;
