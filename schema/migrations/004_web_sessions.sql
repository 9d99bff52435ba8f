-- Sessions of people signed in on the web (web/session.ts). The cookie holds an opaque random id;
-- only its SHA-256 is stored, so a copy of this table signs nobody in. A session ends when idle
-- too long (last_seen_at) or at expires_at (absolute), whichever comes first.
create table web_sessions (
  id_hash      text primary key,
  person       jsonb not null,
  csrf_token   text not null,
  -- for id_token_hint when signing out at the provider; never sent to the browser
  id_token     text,
  created_at   timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at   timestamptz not null
);
create index web_sessions_expires_at on web_sessions (expires_at);

-- A sign-in under way: what /logg-inn/callback must find again (state, nonce, PKCE verifier),
-- keyed by the SHA-256 of a random id in a short-lived cookie, so the answer must come back to
-- the browser that asked. Taken (deleted) on first use.
create table web_sign_ins (
  id_hash       text primary key,
  state         text not null,
  nonce         text not null,
  code_verifier text not null,
  return_to     text not null,
  created_at    timestamptz not null default now()
);
