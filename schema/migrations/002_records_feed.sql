-- The records feed: NOTIFY hoep_records with a cycle's id whenever that cycle's records change,
-- so that readers (the API's allocation cache, services/api/records-feed.ts) can keep what they
-- computed until it is out of date instead of asking on every read. A notification is delivered
-- when, and only if, the writing transaction commits; several for the same cycle in one
-- transaction arrive as one.

-- Every write to a cycle's records goes in one transaction with an audit entry for that cycle
-- (activities/records.ts), so the audit log is the one place to watch for the cycle tables.
CREATE FUNCTION records_feed_audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('hoep_records', NEW.cycle_id);
  RETURN NULL;
END $$;

CREATE TRIGGER records_feed_audit AFTER INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION records_feed_audit();

-- Reloading a partnership (schema/reference/load.ts) changes the plan, whose goal and strategy
-- titles are part of every one of its cycles' allocations: notify each of them.
CREATE FUNCTION records_feed_partnership() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('hoep_records', c.id) FROM cycles c WHERE c.partnership_id IN (OLD.id, NEW.id);
  RETURN NULL;
END $$;

CREATE TRIGGER records_feed_partnership AFTER UPDATE ON partnerships
  FOR EACH ROW EXECUTE FUNCTION records_feed_partnership();
