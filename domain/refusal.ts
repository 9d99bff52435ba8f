/**
 * Typed refusals of the cycle's rules: a plain error with a `type` the API maps to an HTTP status
 * (core/problem.ts) and the field errors or frame breaks as `details`. Pure, so the rules that throw
 * them live in domain/; the workflow hands them to Temporal as ApplicationFailures of the same type,
 * message and details (workflows/refusals.ts).
 */

/** The `type` of every refusal, and so of the ApplicationFailure the API receives. */
export const RejectionType = {
  invalid: 'InvalidInput', // 422, details: [{path, message}]
  phase: 'WrongPhase', // 409
  forbidden: 'Forbidden', // 403
  notFound: 'NotFound', // 404
  frame: 'FrameExceeded', // 422, details: [{funderId, year, frame, allocated}]
  conflict: 'Conflict', // 409 (e.g. already voted)
  movingOn: 'MovingOn', // the cycle is continuing as new for a moment: the API tries again, 409 if it lasts
} as const;
export type RejectionTypeName = (typeof RejectionType)[keyof typeof RejectionType];

export interface FieldError {
  path: string;
  message: string;
}

export class Refusal extends Error {
  constructor(
    readonly type: RejectionTypeName,
    message: string,
    /** As an ApplicationFailure carries them: the one detail value in a list, or none. */
    readonly details: unknown[] = [],
  ) {
    super(message);
    this.name = 'Refusal';
  }
}

const refuse = (type: RejectionTypeName, message: string, details?: unknown) =>
  new Refusal(type, message, details === undefined ? [] : [details]);

export const invalid = (errors: FieldError[]) =>
  refuse(RejectionType.invalid, errors.map((e) => `${e.path}: ${e.message}`).join('; '), errors);
export const wrongPhase = (message: string) => refuse(RejectionType.phase, message);
export const forbidden = (message: string) => refuse(RejectionType.forbidden, message);
export const notFound = (message: string) => refuse(RejectionType.notFound, message);
export const conflict = (message: string) => refuse(RejectionType.conflict, message);
export const movingOn = (message: string) => refuse(RejectionType.movingOn, message);
export const frameExceeded = (message: string, violations: unknown[]) =>
  refuse(RejectionType.frame, message, violations);
