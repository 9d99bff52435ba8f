/**
 * A cycle that is continuing as new refuses Updates for a moment (RejectionType.movingOn;
 * workflows/cycle/run-control.ts says why). Whoever sends Updates to cycles sends a refused one
 * again after a short pause; a refused Update was never applied, so sending it again cannot apply
 * it twice.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { RejectionType } from '../workflows/messages.js';

/** The pauses, in ms, before each new try: 2.5 s in all, then the refusal stands. */
const PAUSES_MS = [10, 20, 40, 80, 160, 320, 640, 1280];

const isMovingOn = (err: unknown): boolean =>
  err instanceof WorkflowUpdateFailedError &&
  err.cause instanceof ApplicationFailure &&
  err.cause.type === RejectionType.movingOn;

export async function sendWhileMovingOn<T>(send: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const pause = PAUSES_MS[attempt];
      if (pause === undefined || !isMovingOn(err)) throw err;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
