-- The stages a case has been at, so that who reaches a case (a role's own
-- stages, `[visibility.reach] = "own_stages"`) is decided from its summary.
-- Rows written before this column have it empty; the application then
-- decides from the case itself.
ALTER TABLE case_summaries ADD COLUMN visited text[] COLLATE "C" NOT NULL DEFAULT '{}';
CREATE INDEX case_summaries_visited ON case_summaries USING gin (visited);
