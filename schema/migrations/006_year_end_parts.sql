-- Year-end in two parts (docs/domain.md, decisions of 2026-12-01): a funder's unspent money is the money
-- never allocated (its frame for the year, with what was carried in, minus what it was allocated)
-- and the money granted but not spent (allocated minus spent). What carries over follows what the
-- funder pays in (partnership configuration, `paysIn`): both parts for the county, the
-- granted-but-unspent part for a municipality. `unspent` is now both parts together.
ALTER TABLE year_end
  ADD COLUMN frame            numeric(14,2),
  ADD COLUMN never_allocated  numeric(14,2),
  ADD COLUMN granted_unspent  numeric(14,2),
  ADD COLUMN carried_over     numeric(14,2);

-- Rows closed before: `unspent` was the granted-but-unspent part, and it was what carried over when
-- the disposition was carry_over. Their frame is the cycle's frame for its year as it stood at the close.
UPDATE year_end y SET
  frame = COALESCE((c.frames -> y.funder_id ->> c.year::text)::numeric, 0),
  granted_unspent = y.unspent,
  carried_over = CASE WHEN y.disposition = 'carry_over' THEN y.unspent ELSE 0 END
FROM cycles c WHERE c.id = y.cycle_id;
UPDATE year_end SET never_allocated = frame - allocated, unspent = frame - allocated + granted_unspent;

ALTER TABLE year_end
  ALTER COLUMN frame SET NOT NULL,
  ALTER COLUMN never_allocated SET NOT NULL,
  ALTER COLUMN granted_unspent SET NOT NULL,
  ALTER COLUMN carried_over SET NOT NULL,
  ADD CONSTRAINT year_end_carried_over CHECK (carried_over >= 0 AND (disposition = 'carry_over' OR carried_over = 0));
