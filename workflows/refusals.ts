/** A rule's refusal (domain/refusal.ts) as Temporal carries it to the caller: a non-retryable ApplicationFailure. */
import { ApplicationFailure } from '@temporalio/workflow';
import { Refusal } from '../domain/refusal.js';

export function asFailure(e: unknown): unknown {
  if (!(e instanceof Refusal)) return e;
  return ApplicationFailure.create({ type: e.type, message: e.message, nonRetryable: true, details: e.details });
}

/** Runs a rule, throwing its refusal as an ApplicationFailure. */
export function refusing<T>(rule: () => T): T {
  try {
    return rule();
  } catch (e) {
    throw asFailure(e);
  }
}
