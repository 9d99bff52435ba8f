/** Typed refusals: the API maps each `type` to an HTTP status (see RejectionType). */
import { ApplicationFailure } from '@temporalio/workflow';
import { RejectionType } from './messages.js';

export interface FieldError {
  path: string;
  message: string;
}

const refuse = (type: string, message: string, details?: unknown) =>
  ApplicationFailure.create({ type, message, nonRetryable: true, details: details === undefined ? [] : [details] });

export const invalid = (errors: FieldError[]) =>
  refuse(RejectionType.invalid, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
export const wrongPhase = (message: string) => refuse(RejectionType.phase, message);
export const forbidden = (message: string) => refuse(RejectionType.forbidden, message);
export const notFound = (message: string) => refuse(RejectionType.notFound, message);
export const conflict = (message: string) => refuse(RejectionType.conflict, message);
export const movingOn = (message: string) => refuse(RejectionType.movingOn, message);
export const frameExceeded = (message: string, violations: unknown[]) =>
  refuse(RejectionType.frame, message, violations);
