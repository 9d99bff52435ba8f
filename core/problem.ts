/**
 * Problem details (RFC 9457): every error the API returns, and the mapping from the cycle
 * workflow's typed refusals (workflows/messages.ts RejectionType) to HTTP status codes.
 */
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { RejectionType } from '../workflows/messages.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** The kinds of problem the API reports; `type` is a URN naming the kind. */
const kinds = {
  badRequest: { status: 400, title: 'Bad request' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  forbidden: { status: 403, title: 'Forbidden' },
  notFound: { status: 404, title: 'Not found' },
  notAcceptable: { status: 406, title: 'Not acceptable' },
  wrongPhase: { status: 409, title: 'Not allowed in this phase' },
  requestTimeout: { status: 408, title: 'Request timeout' },
  conflict: { status: 409, title: 'Conflict' },
  payloadTooLarge: { status: 413, title: 'Payload too large' },
  unsupportedMediaType: { status: 415, title: 'Unsupported media type' },
  invalidInput: { status: 422, title: 'Invalid input' },
  frameExceeded: { status: 422, title: 'Frame exceeded' },
  headersTooLarge: { status: 431, title: 'Request header fields too large' },
  internal: { status: 500, title: 'Internal server error' },
  unavailable: { status: 503, title: 'Service unavailable' },
} as const;

export type ProblemKind = keyof typeof kinds;

const slug = (kind: string) => kind.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export class Problem extends Error {
  readonly status: number;
  readonly title: string;
  readonly type: string;

  constructor(
    readonly kind: ProblemKind,
    readonly detail: string,
    readonly errors?: FieldError[],
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'Problem';
    this.status = kinds[kind].status;
    this.title = kinds[kind].title;
    this.type = `urn:hoep:problem:${slug(kind)}`;
  }

  toJSON(): ProblemBody {
    return {
      ...this.extensions,
      type: this.type,
      title: this.title,
      status: this.status,
      detail: this.detail,
      ...(this.errors ? { errors: this.errors } : {}),
    };
  }
}

const isFieldError = (e: unknown): e is FieldError =>
  typeof e === 'object' &&
  e !== null &&
  typeof (e as FieldError).path === 'string' &&
  typeof (e as FieldError).message === 'string';

interface FrameViolation {
  funderId: string;
  year: string | number;
  frame: string;
  allocated: string;
}

const isFrameViolation = (v: unknown): v is FrameViolation =>
  typeof v === 'object' && v !== null && typeof (v as FrameViolation).funderId === 'string';

/** The failure type of a CostSharingError thrown in an Update validator (Temporal uses the error's name). */
const COST_SHARING_FAILURE = 'CostSharingError';
export const COST_SHARING_HINT =
  "a pro-rata rule splits each year's grants by that year's frames, so nothing can be granted in a year where every funder's frame is zero";

function fromRejection(failure: ApplicationFailure): Problem | null {
  const detail = failure.message;
  const first = failure.details?.[0];
  switch (failure.type) {
    case RejectionType.invalid:
      return new Problem('invalidInput', detail, Array.isArray(first) ? first.filter(isFieldError) : []);
    case RejectionType.frame: {
      const violations = Array.isArray(first) ? first.filter(isFrameViolation) : [];
      const errors = violations.map((v) => ({
        path: `frames.${v.funderId}.${v.year}`,
        message: `allocated ${v.allocated} exceeds the frame ${v.frame}`,
      }));
      return new Problem('frameExceeded', detail, errors, { violations });
    }
    case RejectionType.phase:
      return new Problem('wrongPhase', detail);
    case RejectionType.forbidden:
      return new Problem('forbidden', detail);
    case RejectionType.notFound:
      return new Problem('notFound', detail);
    case RejectionType.conflict:
    case RejectionType.movingOn:
      return new Problem('conflict', detail);
    case COST_SHARING_FAILURE:
      // Not one of the workflow's typed refusals: domain/cost-sharing.ts throws it from inside a
      // validator (a pro-rata rule with every frame of a year at zero has nothing to split by), and
      // Temporal names the failure after the error class. The input is what cannot be split, so
      // it is the client's to change: 422, never 500.
      return new Problem(
        'invalidInput',
        `the partnership's cost-sharing rule cannot split this: ${detail}${/pro-rata/.test(detail) ? `; ${COST_SHARING_HINT}` : ''}`,
      );
    default:
      return null;
  }
}

/**
 * The problem a Temporal client error stands for, or null when it is not a refusal the client
 * caused (then it is a server fault and the caller reports 500).
 */
export function problemFromTemporal(err: unknown): Problem | null {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    return fromRejection(err.cause);
  }
  if (err instanceof WorkflowNotFoundError) {
    return new Problem('notFound', `no cycle ${err.workflowId}`);
  }
  if (err instanceof WorkflowExecutionAlreadyStartedError) {
    return new Problem('conflict', `cycle ${err.workflowId} already exists`);
  }
  return null;
}
