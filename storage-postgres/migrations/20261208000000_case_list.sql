-- The case list (issue 19): cases not closed by their stage clock, so
-- "late" and "at risk" and "most urgent first" read a range, not the table.
CREATE INDEX case_summaries_clock_due
    ON case_summaries (organisation, due, submitted_at DESC, case_id DESC)
    WHERE status <> 'closed' AND due IS NOT NULL;
CREATE INDEX case_summaries_clock_warn
    ON case_summaries (organisation, warn)
    WHERE status <> 'closed' AND warn IS NOT NULL;
-- Received between two dates, oldest or newest first, with a status.
CREATE INDEX case_summaries_status
    ON case_summaries (organisation, status, submitted_at DESC, case_id DESC);
-- One tracking code among an organisation's cases.
CREATE INDEX case_summaries_tracking ON case_summaries (organisation, tracking_code);
-- Most urgent first, its second part: cases without a running stage clock
-- (closed, or at a stage without a time standard), newest first.
CREATE INDEX case_summaries_no_clock
    ON case_summaries (organisation, submitted_at DESC, case_id DESC)
    WHERE status = 'closed' OR due IS NULL;
