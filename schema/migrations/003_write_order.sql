-- A write is identified by its key AND its content. The key is the workflow's position for the
-- write (cycle#seq); if a worker dies after a write committed but before the workflow recorded
-- the step, the step can come back in another order or not at all, and a different action then
-- gets the same position. With the content digest in the identity, a true retry (same content)
-- still finds its entry and changes nothing, while a different action at that position is
-- written, not silently skipped. The earlier entry stays in the log as the trace of what was lost.
ALTER TABLE audit_log ADD COLUMN content_digest text NOT NULL DEFAULT '';
ALTER TABLE audit_log DROP CONSTRAINT audit_log_key_key;
CREATE UNIQUE INDEX audit_log_key_content ON audit_log (key, content_digest);

-- Writes of one cycle run concurrently (each Update records on its own); a row that several
-- writes set keeps the state of the one the workflow made last (the highest seq).
ALTER TABLE cycles ADD COLUMN record_seq integer NOT NULL DEFAULT 0;
ALTER TABLE measures ADD COLUMN record_seq integer NOT NULL DEFAULT 0;
