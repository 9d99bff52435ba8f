-- The system of record for HØP cycles. Workflows write through activities; the API reads.
-- Every write is idempotent: rows carry keys chosen by the workflow, inserts use ON CONFLICT.

CREATE TABLE partnerships (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  config      jsonb NOT NULL,          -- members, cost-sharing rule and key, IPR roster (schema/partnership.ts)
  plan        jsonb,                   -- strategic plan: goals, strategies, indicators
  loaded_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cycles (
  id            text PRIMARY KEY,                  -- {partnership}-{year}
  partnership_id text NOT NULL REFERENCES partnerships(id),
  year          integer NOT NULL CHECK (year BETWEEN 2000 AND 2200),
  phase         text NOT NULL CHECK (phase IN ('proposals','prioritisation','adoption','adopted','closed','cancelled')),
  config        jsonb NOT NULL,                    -- rule, key, members and roster frozen at start
  frames        jsonb NOT NULL,                    -- {funderId: {year: "amount"}} as currently in force
  deadlines     jsonb NOT NULL,
  carry_over    jsonb NOT NULL DEFAULT '{}',       -- {funderId: "amount"} brought in from Y-1
  started_by    text NOT NULL,
  started_at    timestamptz NOT NULL DEFAULT now(),
  closed_at     timestamptz,
  UNIQUE (partnership_id, year)
);

CREATE TABLE measures (
  cycle_id     text NOT NULL REFERENCES cycles(id),
  id           text NOT NULL,
  title        text NOT NULL,
  description  text NOT NULL,
  strategies   text[] NOT NULL,
  responsible  text NOT NULL,
  amounts      jsonb NOT NULL,                     -- {year: "amount"} requested from the partnership
  cofunding    jsonb NOT NULL DEFAULT '[]',        -- [{source, amount}] outside the split
  status       text NOT NULL CHECK (status IN ('proposed','withdrawn','granted','partly_granted','not_granted')),
  proposed_by  text NOT NULL,
  proposed_at  timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cycle_id, id)
);

CREATE TABLE priority_lists (
  cycle_id      text NOT NULL REFERENCES cycles(id),
  version       integer NOT NULL,
  items         jsonb NOT NULL,                    -- [{measureId, rank, grants: {year: amount}}]
  meeting_date  date NOT NULL,
  case_number   text NOT NULL,
  status        text NOT NULL CHECK (status IN ('voting','adopted','rejected','replaced')),
  proposed_by   text NOT NULL,
  proposed_at   timestamptz NOT NULL DEFAULT now(),
  decided_at    timestamptz,
  PRIMARY KEY (cycle_id, version)
);

CREATE TABLE votes (
  cycle_id   text NOT NULL,
  version    integer NOT NULL,
  member_id  text NOT NULL,
  vote       text NOT NULL CHECK (vote IN ('approve','reject')),
  cast_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cycle_id, version, member_id),
  FOREIGN KEY (cycle_id, version) REFERENCES priority_lists(cycle_id, version)
);

CREATE TABLE adoptions (
  cycle_id      text NOT NULL REFERENCES cycles(id),
  round         integer NOT NULL,                  -- the adoption round (one per adopted priority list)
  municipality  text NOT NULL,
  decision      text NOT NULL CHECK (decision IN ('adopted','reduced','rejected')),
  requested     jsonb NOT NULL,                    -- {year: amount} the municipality was asked to adopt
  amounts       jsonb NOT NULL,                    -- {year: amount} it adopted (0 when rejected)
  case_number   text NOT NULL,
  decided_on    date NOT NULL,
  recorded_by   text NOT NULL,
  recorded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cycle_id, round, municipality)
);

-- The binding allocation: one row per measure, year and funder, written when the cycle is adopted.
CREATE TABLE allocations (
  cycle_id               text NOT NULL REFERENCES cycles(id),
  measure_id             text NOT NULL,
  year                   integer NOT NULL,
  funder_id              text NOT NULL,
  amount                 numeric(14,2) NOT NULL CHECK (amount >= 0),
  priority_list_version  integer NOT NULL,
  adoption_refs          jsonb NOT NULL,           -- [{municipality, round, caseNumber, decidedOn}]
  PRIMARY KEY (cycle_id, measure_id, year, funder_id),
  FOREIGN KEY (cycle_id, priority_list_version) REFERENCES priority_lists(cycle_id, version)
);

CREATE TABLE progress_reports (
  cycle_id     text NOT NULL REFERENCES cycles(id),
  id           text NOT NULL,
  measure_id   text NOT NULL,
  progress     text NOT NULL,
  spent        jsonb NOT NULL,                     -- {year: amount} spent in this report
  reported_by  text NOT NULL,
  reported_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cycle_id, id)
);

CREATE TABLE indicator_values (
  cycle_id     text NOT NULL REFERENCES cycles(id),
  indicator    text NOT NULL,
  year         integer NOT NULL,
  value        numeric NOT NULL,
  note         text,
  reported_by  text NOT NULL,
  reported_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cycle_id, indicator, year)
);

-- Year-end: what each funder had, spent and left, and where the rest went.
CREATE TABLE year_end (
  cycle_id     text NOT NULL REFERENCES cycles(id),
  funder_id    text NOT NULL,
  allocated    numeric(14,2) NOT NULL,
  spent        numeric(14,2) NOT NULL,
  unspent      numeric(14,2) NOT NULL,
  disposition  text NOT NULL CHECK (disposition IN ('carry_over','released')),
  carried_to   text,                               -- the next cycle's id when carried in
  PRIMARY KEY (cycle_id, funder_id)
);

-- Who did what, when, on which decision. Append-only: the trigger refuses UPDATE and DELETE.
CREATE TABLE audit_log (
  seq        bigserial PRIMARY KEY,
  key        text NOT NULL UNIQUE,                 -- idempotency key chosen by the workflow
  at         timestamptz NOT NULL,
  cycle_id   text NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL,
  ref        text,                                 -- the decision it rests on (list version, case number)
  detail     jsonb NOT NULL DEFAULT '{}'
);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only (% refused)', TG_OP;
END $$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

CREATE INDEX audit_log_cycle ON audit_log (cycle_id, seq);
CREATE INDEX allocations_cycle ON allocations (cycle_id);
