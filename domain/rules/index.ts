/**
 * Update validators: each checks one action against the cycle's rules and throws a typed refusal
 * (domain/refusal.ts) before anything is recorded. Pure functions of config, state, input and the
 * time, so they are easy to read next to docs/domain.md; the workflow installs them
 * (workflows/cycle/handlers.ts).
 */
export * from './decisions.js';
export * from './proposals.js';
