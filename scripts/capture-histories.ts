/**
 * Records the event histories of real cycles into test/histories/, where
 * test/integration/replay.test.ts replays them against the workflow code of the day: a change that
 * would break cycles already running fails there. Each set is named by HISTORY_SET (the files are
 * `<set>.<cycle>.json`); a new set is recorded beside the old ones, never over them
 * (docs/versioning.md says when a set may go).
 *
 *   TEMPORAL_ADDRESS=127.0.0.1:7233 DATABASE_URL=postgres://… HISTORY_SET=2027-01-15 npx tsx scripts/capture-histories.ts
 *
 * Migrates the database and loads the reference data, runs its own worker on a fresh task queue,
 * and drives three cycles of the reference partnership through the workflow's Updates:
 *   full-cycle       edits and a withdrawal, a list replaced by an amended one, a council that
 *                    lowers its share and the loop back to IPR, progress, indicators, close with carry-over
 *   next-year        carry-over brought in, a list voted down, a council that rejects (so nothing
 *                    can be granted), close with release
 *   overdue-cancel   deadlines passing: proposals closed by the deadline, IPR flagged overdue, the
 *                    common adoption deadline moved, then one council's, another's passing (overdue),
 *                    then the cycle cancelled
 * Each cycle's history is written to <set>.<name>.json.
 * Over 300 lines: the three cycles' scripted steps are the file's content.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createActivities } from '../activities/index.js';
import { migrate } from '../schema/migrate.js';
import { loadReferenceData } from '../schema/reference/load.js';
import { formatMoney, fromOre, parseMoney, toOre } from '../domain/money.js';
import { createSql } from '../services/db.js';
import type { cycleWorkflow } from '../workflows/cycle.js';
import * as m from '../workflows/messages.js';
import {
  admin,
  clerk,
  frames,
  inSeconds,
  lillehammer,
  proposer,
  startCycle,
  voters,
  workflowExists,
} from '../test/support/cycles.js';
import { poll } from '../test/support/poll.js';

type Cycle = WorkflowHandle<typeof cycleWorkflow>;
type History = Awaited<ReturnType<Cycle['fetchHistory']>>;
const require = createRequire(import.meta.url);
const outDir = fileURLToPath(new URL('../test/histories/', import.meta.url));
const p = lillehammer();
const ipr = voters(p); // the eight voting members, in roster order
/** As the API starts cycles (REMINDER_DAYS_BEFORE's default), so the histories hold the reminders' timers and sends. */
const reminders = { daysBefore: 3 };

function env(name: string): string {
  const value = process.env[name];
  if (!value) {
    console.error(`capture-histories needs ${name} (a running Temporal dev server and Postgres).`);
    process.exit(2);
  }
  return value;
}

const status = (cycle: Cycle) => cycle.query(m.getStatus);
const inPhase = (cycle: Cycle, phase: m.Phase) =>
  poll(
    () => status(cycle),
    (s) => s.phase === phase,
    `${cycle.workflowId} in ${phase}`,
    60_000,
  );
const measure = (amounts: m.YearMap, title = 'Tiltak'): m.MeasureInput => ({
  title,
  description: 'Beskrivelse',
  strategies: ['2.1', '4.2.3'],
  responsible: 'LRV',
  amounts,
  cofunding: [{ source: 'Innovasjon Norge', amount: '50000' }],
});
const submit = async (cycle: Cycle, amounts: m.YearMap, by = proposer()) =>
  (await cycle.executeUpdate(m.submitMeasure, { args: [{ actor: by, measure: measure(amounts) }] })).id;
const putToVote = (cycle: Cycle, items: m.PriorityItem[], caseNumber: string, date: string) =>
  cycle.executeUpdate(m.proposePriorityList, { args: [{ actor: admin, items, meeting: { date, caseNumber } }] });
const vote = (cycle: Cycle, list: m.PriorityListState, voter: m.Actor, vote: 'approve' | 'reject') =>
  cycle.executeUpdate(m.castVote, { args: [{ actor: voter, version: list.version, vote }] });
const recommended = async (cycle: Cycle) => (await cycle.query(m.getRecommendation))!.items;
const adopt = (
  cycle: Cycle,
  municipality: string,
  decision: m.AdoptionDecision,
  decidedOn: string,
  amounts?: m.YearMap,
) =>
  cycle.executeUpdate(m.recordAdoption, {
    args: [
      {
        actor: clerk(municipality),
        adoption: { municipality, decision, amounts, caseNumber: `PS ${decidedOn.slice(0, 4)}/17`, decidedOn },
      },
    ],
  });

async function fullCycle(client: Client, taskQueue: string, year: number): Promise<Cycle> {
  const cycle = await startCycle(client, taskQueue, {
    year,
    frames: frames(p, year, '2000000.00', '400000.00'),
    reminders,
  });
  const y = (i: number) => String(year + i);
  const tech = await submit(cycle, { [y(0)]: '900000', [y(1)]: '600000' });
  const bio = await submit(cycle, { [y(0)]: '450000.50' }, proposer('ivar'));
  const housing = await submit(cycle, { [y(0)]: '700000', [y(2)]: '200000' });
  const dropped = await submit(cycle, { [y(0)]: '100000' });
  await cycle.executeUpdate(m.editMeasure, {
    args: [{ actor: proposer('ivar'), measureId: bio, measure: { amounts: { [y(0)]: '400000' } } }],
  });
  await cycle.executeUpdate(m.withdrawMeasure, { args: [{ actor: proposer(), measureId: dropped }] });
  await cycle.executeUpdate(m.moveDeadline, { args: [{ actor: admin, deadline: 'proposals', to: inSeconds(3000) }] });
  await cycle.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });

  const first = await putToVote(cycle, await recommended(cycle), `12/${year - 1}`, `${year - 1}-11-01`);
  await vote(cycle, first, ipr[0]!, 'approve');
  await vote(cycle, first, ipr[1]!, 'reject');
  // An amended list (housing before bio) replaces it and restarts the vote.
  const amended = (await recommended(cycle)).map((i) => ({
    ...i,
    rank: i.measureId === housing ? 2 : i.measureId === bio ? 3 : i.rank,
  }));
  const second = await putToVote(cycle, amended, `13/${year - 1}`, `${year - 1}-11-01`);
  for (const voter of ipr.slice(0, 5)) await vote(cycle, second, voter, 'approve');

  const round1 = await inPhase(cycle, 'adoption');
  const half = (a: string) => formatMoney(fromOre(toOre(parseMoney(a)) / 2n));
  const reduced = Object.fromEntries(
    Object.entries(round1.adoptions.find((a) => a.municipality === '3440')!.requested).map(([yy, a]) => [yy, half(a)]),
  );
  await adopt(cycle, '3405', 'adopted', '2026-11-10');
  await adopt(cycle, '3440', 'reduced', '2026-11-12', reduced);
  await adopt(cycle, '3441', 'adopted', '2026-11-14');

  // Øyer lowered its share: back to IPR within the lowered frames.
  await inPhase(cycle, 'prioritisation');
  const third = await putToVote(cycle, await recommended(cycle), `2/${year}`, `${year}-01-20`);
  for (const voter of ipr.slice(2, 7)) await vote(cycle, third, voter, 'approve');
  await inPhase(cycle, 'adopted');

  await cycle.executeUpdate(m.reportProgress, {
    args: [
      { actor: proposer(), report: { measureId: tech, progress: 'Forprosjekt ferdig', spent: { [y(0)]: '650000' } } },
    ],
  });
  await cycle.executeUpdate(m.reportIndicators, {
    args: [{ actor: admin, indicators: { year, values: [{ indicator: '4', value: '3.1', note: 'SSB' }] } }],
  });
  await cycle.executeUpdate(m.closeCycle, { args: [{ actor: admin, carryOver: true }] });
  return cycle;
}

async function nextYear(
  client: Client,
  taskQueue: string,
  year: number,
  carryOver: Record<string, string>,
): Promise<Cycle> {
  const cycle = await startCycle(client, taskQueue, {
    year,
    frames: frames(p, year, '2500000.00', '350000.00'),
    carryOver,
    reminders,
  });
  await submit(cycle, { [year]: '800000' });
  await submit(cycle, { [year]: '600000', [year + 1]: '300000' }, proposer('ivar'));
  await cycle.executeUpdate(m.closeProposals, { args: [{ actor: admin }] });
  const rejected = await putToVote(cycle, await recommended(cycle), `30/${year - 1}`, `${year - 1}-11-02`);
  for (const voter of ipr.slice(0, 5)) await vote(cycle, rejected, voter, 'reject');
  const list = await putToVote(cycle, await recommended(cycle), `31/${year - 1}`, `${year - 1}-11-20`);
  for (const voter of [...ipr.slice(5), ...ipr.slice(0, 2)]) await vote(cycle, list, voter, 'approve');
  await inPhase(cycle, 'adoption');
  await adopt(cycle, '3405', 'adopted', '2026-11-09');
  await adopt(cycle, '3441', 'rejected', '2026-11-11');
  await adopt(cycle, '3440', 'adopted', '2026-11-15');
  await inPhase(cycle, 'prioritisation');
  const again = await putToVote(cycle, await recommended(cycle), `3/${year}`, `${year}-01-25`);
  for (const voter of ipr.slice(3, 8)) await vote(cycle, again, voter, 'approve');
  // Gausdal rejected, so it takes no part in the split: Lillehammer and Øyer share the municipal
  // part between them, and their shares rose, so they adopt again.
  await inPhase(cycle, 'adoption');
  await adopt(cycle, '3405', 'adopted', '2026-11-16');
  await adopt(cycle, '3440', 'adopted', '2026-11-17');
  await inPhase(cycle, 'adopted');
  await cycle.executeUpdate(m.closeCycle, { args: [{ actor: admin, carryOver: false }] });
  return cycle;
}

async function overdueThenCancelled(client: Client, taskQueue: string, year: number): Promise<Cycle> {
  const cycle = await startCycle(client, taskQueue, {
    year,
    frames: frames(p, year, '2000000.00', '400000.00'),
    deadlines: { proposals: inSeconds(4), ipr: inSeconds(10), adoption: inSeconds(16) },
    reminders,
  });
  await submit(cycle, { [year]: '600000' });
  await submit(cycle, { [year]: '450000', [year + 1]: '150000' });
  await inPhase(cycle, 'prioritisation'); // closed by the deadline, not by an administrator
  const list = await putToVote(cycle, await recommended(cycle), `40/${year - 1}`, `${year - 1}-11-03`);
  await vote(cycle, list, ipr[0]!, 'approve');
  await poll(
    () => status(cycle),
    (s) => s.overdue.includes('ipr'),
    'IPR overdue',
    60_000,
  );
  for (const voter of ipr.slice(1, 5)) await vote(cycle, list, voter, 'approve');
  await inPhase(cycle, 'adoption');
  await adopt(cycle, '3405', 'adopted', '2026-11-01');
  // The common deadline moves the councils still on it; then Øyer gets an hour of its own.
  await cycle.executeUpdate(m.moveDeadline, { args: [{ actor: admin, deadline: 'adoption', to: inSeconds(3) }] });
  await cycle.executeUpdate(m.moveDeadline, {
    args: [{ actor: admin, deadline: 'adoption:3440', to: inSeconds(3600) }],
  });
  await poll(
    () => status(cycle),
    (s) => s.overdue.includes('adoption:3441'),
    'Gausdal overdue',
    60_000,
  );
  await cycle.executeUpdate(m.cancelCycle, { args: [{ actor: admin, reason: 'Partnerskapet er oppløst' }] });
  return cycle;
}

/** The cycle's whole history, once it has ended. */
async function save(name: string, cycle: Cycle): Promise<string> {
  await cycle.result();
  return write(name, await cycle.fetchHistory());
}

/**
 * The history as proto3 JSON, the format `temporal workflow show --output json` writes. This is what
 * historyToJSON (@temporalio/common) does; it fails here ("type must be a Type") because common and
 * proto each install their own protobufjs, so protojson is taken from the copy proto loads itself.
 */
function historyJSON(history: History): unknown {
  const fromProto = createRequire(require.resolve('@temporalio/proto'));
  const { toJson } = fromProto('protobufjs/ext/protojson') as { toJson(type: unknown, message: unknown): unknown };
  const type = (fromProto('./root.js') as { lookupType(name: string): { fromObject(o: unknown): unknown } }).lookupType(
    'temporal.api.history.v1.History',
  );
  return toJson(type, type.fromObject(history));
}

function write(name: string, history: History): string {
  const file = path.join(outDir, `${env('HISTORY_SET')}.${name}.json`);
  if (fs.existsSync(file))
    throw new Error(`${file} exists: a set is recorded beside the others under a name of its own (HISTORY_SET)`);
  fs.writeFileSync(file, `${JSON.stringify(historyJSON(history), null, 1)}\n`);
  return file;
}

/** The first year from 2031 on whose cycle, and the next two, exist neither in Postgres nor in Temporal. */
async function freeYears(client: Client, taken: Set<number>): Promise<number> {
  const exists = async (year: number) => taken.has(year) || workflowExists(client, `${p.id}-${year}`);
  for (let year = 2031; year < 2190; year++) {
    if (!(await exists(year)) && !(await exists(year + 1)) && !(await exists(year + 2))) return year;
  }
  throw new Error('no three free years for the reference partnership');
}

async function main(): Promise<void> {
  const temporalAddress = env('TEMPORAL_ADDRESS');
  env('HISTORY_SET');
  const sql = createSql(env('DATABASE_URL'), { applicationName: 'hoep-capture-histories' });
  Runtime.install({ logger: new DefaultLogger('WARN') });
  await migrate(sql);
  await loadReferenceData(sql);
  const taskQueue = `capture-${randomUUID()}`;
  const worker = await Worker.create({
    connection: await NativeConnection.connect({ address: temporalAddress }),
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    workflowsPath: require.resolve('../workflows/index.ts'),
    activities: createActivities(sql),
  });
  const client = new Client({
    connection: await Connection.connect({ address: temporalAddress }),
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
  });
  const written = await worker.runUntil(async () => {
    const taken = new Set(
      (await sql<{ year: number }[]>`select year from cycles where partnership_id = ${p.id}`).map((r) => r.year),
    );
    const year = await freeYears(client, taken);
    fs.mkdirSync(outDir, { recursive: true });
    const [full, cancelled] = await Promise.all([
      fullCycle(client, taskQueue, year),
      overdueThenCancelled(client, taskQueue, year + 2),
    ]);
    const closed = await full.result();
    const carryOver = Object.fromEntries(
      (closed.yearEnd ?? [])
        .filter((r) => r.disposition === 'carry_over' && r.carriedOver !== '0.00')
        .map((r) => [r.funderId, r.carriedOver]),
    );
    const next = await nextYear(client, taskQueue, year + 1, carryOver);
    return [await save('full-cycle', full), await save('next-year', next), await save('overdue-cancel', cancelled)];
  });
  for (const file of written)
    console.log(`${path.relative(process.cwd(), file)}  ${(fs.statSync(file).size / 1024).toFixed(1)} KB`);
  await client.connection.close();
  await sql.end();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
