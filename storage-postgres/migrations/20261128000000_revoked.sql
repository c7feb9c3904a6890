-- Keys refused until an instant (signed-out sessions, by their token's
-- SHA-256), shared by every process on the database.
CREATE TABLE revoked (
    revoked_key text COLLATE "C" PRIMARY KEY,
    until_at    timestamptz NOT NULL
);
CREATE INDEX revoked_until ON revoked (until_at);
