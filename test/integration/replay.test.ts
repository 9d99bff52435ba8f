/**
 * Recorded histories must stay replayable: the histories of real cycles under test/histories (the
 * sets docs/versioning.md lists, recorded by scripts/capture-histories.ts) are replayed against
 * today's workflow code with the SDK's replayer. A change that would break cycles already running
 * (a nondeterminism error) fails here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';

const require = createRequire(import.meta.url);
const dir = fileURLToPath(new URL('../histories/', import.meta.url));
const files = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

type History = Parameters<typeof Worker.runReplayHistory>[1];
type HistoryJSON = { events: Record<string, unknown>[] };

/**
 * Proto3 JSON (as `temporal workflow show --output json` writes it) to a History. historyFromJSON
 * (@temporalio/common) does this, but fails here ("type must be a Type") because common and proto
 * each install their own protobufjs; so protojson is taken from the copy proto loads itself.
 */
function historyFromJSON(json: HistoryJSON): History {
  const fromProto = createRequire(require.resolve('@temporalio/proto'));
  const { fromJson } = fromProto('protobufjs/ext/protojson') as { fromJson(type: unknown, json: unknown): History };
  return fromJson(
    (fromProto('./root.js') as { lookupType(name: string): unknown }).lookupType('temporal.api.history.v1.History'),
    json,
  );
}

const read = (file: string): HistoryJSON => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as HistoryJSON;

/** Replays each history and returns "<name>: <error>" for each that fails. */
async function replayFailures(histories: { name: string; json: HistoryJSON }[]): Promise<string[]> {
  const failures: string[] = [];
  let replayed = 0;
  const results = Worker.runReplayHistories(
    { workflowBundle: { codePath: inject('hoep').workflowBundlePath } },
    histories.map(({ name, json }) => ({ workflowId: name, history: historyFromJSON(json) })),
  );
  for await (const { workflowId, error } of results) {
    replayed += 1;
    if (error) failures.push(`${workflowId}: ${error.name}: ${error.message}`);
  }
  expect(replayed).toBe(histories.length);
  return failures;
}

beforeAll(() => {
  // The replay worker logs every start and stop at INFO; only warnings here. Each test file is its own process.
  Runtime.install({ logger: new DefaultLogger('WARN') });
});

describe('recorded histories', () => {
  it('cover the three reference cycles of the baseline set', () => {
    expect(files.filter((f) => f.startsWith('2026-12-01.'))).toEqual([
      '2026-12-01.full-cycle.json',
      '2026-12-01.next-year.json',
      '2026-12-01.overdue-cancel.json',
    ]);
  });

  it('replay against the current workflow code without a nondeterminism error', async () => {
    const failures = await replayFailures(files.map((f) => ({ name: path.basename(f, '.json'), json: read(f) })));
    expect(failures).toEqual([]);
  }, 120_000);

  it('would catch a change: a history whose allocation activity the code does not schedule fails to replay', async () => {
    const json = read('2026-12-01.full-cycle.json');
    type Scheduled = { activityTaskScheduledEventAttributes?: { activityType: { name: string } } };
    const scheduled = (json.events as Scheduled[]).find(
      (e) => e.activityTaskScheduledEventAttributes?.activityType.name === 'recordAllocations',
    );
    expect(scheduled).toBeDefined();
    scheduled!.activityTaskScheduledEventAttributes!.activityType.name = 'recordAllocationsRenamed';
    const failures = await replayFailures([{ name: 'full-cycle-altered', json }]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/nondetermin/i);
  }, 120_000);
});
