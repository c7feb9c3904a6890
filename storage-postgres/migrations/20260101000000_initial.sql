-- Sigap's PostgreSQL schema, version 1.
--
-- Every row belongs to an organisation (tenant). Identifiers use the "C"
-- collation so that ordering is byte order, the same as the reference store,
-- whatever the database's default collation. JSON is kept as `text`,
-- byte-exact as written (jsonb would reorder keys).

-- A case's current projection (the fold of its events).
CREATE TABLE cases (
    organisation  text COLLATE "C" NOT NULL,
    case_id       text COLLATE "C" NOT NULL,
    version       bigint NOT NULL CHECK (version > 0),
    tracking_code text COLLATE "C" NOT NULL,
    state         text NOT NULL,
    PRIMARY KEY (organisation, case_id),
    CONSTRAINT cases_tracking_code_key UNIQUE (tracking_code)
) WITH (fillfactor = 80);

-- What inboxes and the deadline scanner read: columns, no personal data.
CREATE TABLE case_summaries (
    organisation     text COLLATE "C" NOT NULL,
    case_id          text COLLATE "C" NOT NULL,
    workflow         text COLLATE "C" NOT NULL,
    workflow_version text COLLATE "C" NOT NULL,
    tracking_code    text COLLATE "C" NOT NULL,
    stage            text COLLATE "C" NOT NULL,
    role             text COLLATE "C",
    assignee         text COLLATE "C",
    status           text COLLATE "C" NOT NULL,
    outcome          text COLLATE "C",
    submitted_at     timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    version          bigint NOT NULL,
    due              timestamptz,
    warn             timestamptz,
    next_deadline    timestamptz,
    PRIMARY KEY (organisation, case_id),
    FOREIGN KEY (organisation, case_id) REFERENCES cases (organisation, case_id)
) WITH (fillfactor = 80);

-- `list`: newest first within an organisation, optionally by role or assignee.
CREATE INDEX case_summaries_recent
    ON case_summaries (organisation, submitted_at DESC, case_id DESC);
CREATE INDEX case_summaries_role
    ON case_summaries (organisation, role, submitted_at DESC, case_id DESC);
CREATE INDEX case_summaries_assignee
    ON case_summaries (organisation, assignee, submitted_at DESC, case_id DESC)
    WHERE assignee IS NOT NULL;
-- `due`: open cases by their next deadline, across organisations.
CREATE INDEX case_summaries_due
    ON case_summaries (next_deadline, case_id, organisation)
    WHERE status <> 'closed' AND next_deadline IS NOT NULL;

-- The append-only history: one row per event, its JSON and its hash.
CREATE TABLE events (
    organisation text COLLATE "C" NOT NULL,
    case_id      text COLLATE "C" NOT NULL,
    seq          bigint NOT NULL CHECK (seq > 0),
    hash         text COLLATE "C" NOT NULL,
    body         text NOT NULL,
    PRIMARY KEY (organisation, case_id, seq),
    FOREIGN KEY (organisation, case_id) REFERENCES cases (organisation, case_id)
);

-- Effects to deliver at least once, leased to one worker at a time.
CREATE TABLE outbox (
    id           text COLLATE "C" PRIMARY KEY,
    organisation text COLLATE "C" NOT NULL,
    case_id      text COLLATE "C" NOT NULL,
    seq          bigint NOT NULL,
    created_at   timestamptz NOT NULL,
    available_at timestamptz NOT NULL,
    attempts     integer NOT NULL DEFAULT 0,
    last_error   text,
    message      text NOT NULL,
    lease_holder text COLLATE "C",
    lease_until  timestamptz
);
CREATE INDEX outbox_ready ON outbox (available_at, id);

-- The first response to a request made with an idempotency key.
CREATE TABLE idempotency_keys (
    organisation text COLLATE "C" NOT NULL,
    key          text COLLATE "C" NOT NULL,
    fingerprint  text NOT NULL,
    case_id      text COLLATE "C" NOT NULL,
    response     text NOT NULL,
    at           timestamptz NOT NULL,
    PRIMARY KEY (organisation, key)
);

-- Attachments, content-addressed (id = lowercase hex SHA-256 of the bytes).
CREATE TABLE blobs (
    organisation text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    bytes        bytea NOT NULL,
    PRIMARY KEY (organisation, id)
);
-- Uploads are mostly compressed already (PDF, DOCX, images): do not try again.
ALTER TABLE blobs ALTER COLUMN bytes SET STORAGE EXTERNAL;

-- Workflow definitions (canonical JSON) and resolved calendars, by version.
CREATE TABLE definitions (
    organisation text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    version      text COLLATE "C" NOT NULL,
    body         text NOT NULL,
    PRIMARY KEY (organisation, id, version)
);

CREATE TABLE calendars (
    organisation text COLLATE "C" NOT NULL,
    id           text COLLATE "C" NOT NULL,
    version      text COLLATE "C" NOT NULL,
    body         text NOT NULL,
    PRIMARY KEY (organisation, id, version)
);
