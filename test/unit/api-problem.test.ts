/** The workflow's typed refusals and Temporal's client errors as problem details. */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  ApplicationFailure,
  ensureTemporalFailure,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
} from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { Problem, problemFromTemporal } from '../../core/problem.js';
import { CostSharingError, shareMeasure } from '../../domain/cost-sharing.js';
import { referencePartnership } from '../../schema/reference/load.js';
import { RejectionType } from '../../workflows/messages.js';

const rejected = (type: string, details: unknown[] = []) =>
  new WorkflowUpdateFailedError(
    'update failed',
    ApplicationFailure.create({ type, message: `refused: ${type}`, details, nonRetryable: true }),
  );

describe('problems from the workflow', () => {
  it.each([
    [RejectionType.invalid, 422],
    [RejectionType.phase, 409],
    [RejectionType.forbidden, 403],
    [RejectionType.notFound, 404],
    [RejectionType.frame, 422],
    [RejectionType.conflict, 409],
  ])('maps a %s refusal to %i with the refusal as detail', (type, status) => {
    const problem = problemFromTemporal(rejected(type))!;
    expect(problem.status).toBe(status);
    expect(problem.detail).toBe(`refused: ${type}`);
  });

  it('carries the field errors of an invalid input', () => {
    const errors = [
      { path: 'amounts.2027', message: 'bad' },
      { path: 'title', message: 'required' },
    ];
    expect(problemFromTemporal(rejected(RejectionType.invalid, [errors]))!.errors).toEqual(errors);
  });

  it('names each funder and year a list breaks', () => {
    const violations = [
      { funderId: 'county', year: 2027, frame: '2500000.00', allocated: '2600000.00', excess: '100000.00' },
    ];
    const problem = problemFromTemporal(rejected(RejectionType.frame, [violations]))!;
    expect(problem.errors).toEqual([
      { path: 'frames.county.2027', message: 'allocated 2600000.00 exceeds the frame 2500000.00' },
    ]);
    expect(problem.toJSON()).toMatchObject({ violations });
  });

  it('maps an unknown workflow to 404 and a second start to 409', () => {
    expect(problemFromTemporal(new WorkflowNotFoundError('gone', 'x-2027', undefined))!.status).toBe(404);
    expect(
      problemFromTemporal(new WorkflowExecutionAlreadyStartedError('started', 'x-2027', 'cycleWorkflow'))!.status,
    ).toBe(409);
  });

  it('maps a cost-sharing rule that cannot split a list to 422, saying why', () => {
    // What a validator throws for a list granting money in a year a pro-rata partnership has no frames for,
    // turned into a failure the way the workflow SDK turns any error a validator throws.
    const hamar = referencePartnership('hamarregionen');
    const members = { county: hamar.county.id, municipalities: hamar.municipalities.map((m) => m.id) };
    const zero = { 2028: '0.00' };
    let thrown: unknown;
    try {
      shareMeasure(
        { 2028: '1000.00' },
        hamar.sharing,
        members,
        Object.fromEntries([hamar.county.id, ...members.municipalities].map((id) => [id, zero])),
      );
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CostSharingError);
    const failure = ensureTemporalFailure(thrown) as ApplicationFailure;
    const problem = problemFromTemporal(new WorkflowUpdateFailedError('update failed', failure))!;
    expect(problem.status).toBe(422);
    expect(problem.detail).toMatch(/cost-sharing rule cannot split .*pro-rata.*every funder's frame is zero/);
  });

  it('leaves everything else to be a 500', () => {
    expect(problemFromTemporal(rejected('TypeError'))).toBeNull();
    expect(problemFromTemporal(new WorkflowUpdateFailedError('failed', undefined))).toBeNull();
    expect(problemFromTemporal(new Error('boom'))).toBeNull();
  });
});

describe('problem details', () => {
  it('have type, title, status and detail, and errors when fields are at fault', () => {
    expect(new Problem('invalidInput', 'bad body', [{ path: 'year', message: 'must be a number' }]).toJSON()).toEqual({
      type: 'urn:hoep:problem:invalid-input',
      title: 'Invalid input',
      status: 422,
      detail: 'bad body',
      errors: [{ path: 'year', message: 'must be a number' }],
    });
    expect(new Problem('wrongPhase', 'too late').toJSON()).toEqual({
      type: 'urn:hoep:problem:wrong-phase',
      title: 'Not allowed in this phase',
      status: 409,
      detail: 'too late',
    });
  });

  it('never let an extension overwrite the standard members', () => {
    expect(new Problem('conflict', 'twice', undefined, { status: 200, title: 'x' }).toJSON()).toMatchObject({
      status: 409,
      title: 'Conflict',
    });
  });
});
