-- Request bookkeeping for the Idempotency-Key header (IETF httpapi idempotency-key draft), not a
-- domain record: one row per caller and key. The fingerprint (method, path and the body's
-- canonical JSON) tells a retry of the same request from another request that reuses the key
-- (422). Once the request has a final answer (any status below 500), that answer is kept and a
-- retry gets it again without acting twice; until then (in flight, or a 503 whose outcome was
-- unknown) a retry is sent on, with the same Temporal Update id, which the server deduplicates.
CREATE TABLE idempotency_keys (
  sub          text        NOT NULL,
  key          text        NOT NULL,
  method       text        NOT NULL,
  path         text        NOT NULL,
  fingerprint  text        NOT NULL,
  status       integer,
  content_type text,
  location     text,
  body         text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  answered_at  timestamptz,
  PRIMARY KEY (sub, key)
);

-- For removing old keys (the draft lets a server forget a key after a published time).
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
