/**
 * What a disturbed cycle is held to, against the undisturbed run of the same variant:
 * - it ends adopted, with allocations identical to the øre (the normalised JSON is equal);
 * - every table with a cycle_id holds as many rows for it as for the undisturbed cycle: each
 *   row more is counted duplicated (a measure submitted twice, a second list, an audit entry
 *   twice), each row fewer lost;
 * - every request answered with success is in the records exactly once (a measure by its id, a
 *   list by its version, a vote by list and member, a council decision by round and municipality):
 *   missing is lost, more than once duplicated.
 */
import type postgres from 'postgres';

/** The parts of GET /cycles/{cid} (answered by the workflow) that the records must not go beyond. */
export interface WorkflowView {
  source?: string;
  measures: { id: string }[];
  priorityLists: { version: number; voters: Record<string, string> }[];
  adoptions: { round: number; municipality: string; decision: string | null }[];
}

/**
 * Records in Postgres that the workflow does not have: a decision written inside an Update the
 * server never took (issue 12: the vote in the votes table, not in the cycle). The workflow is
 * the cycle's truth, so every record must be in it; the reverse lag (workflow first, record a
 * moment later) is allowed.
 */
export async function recordsBeyondWorkflow(sql: postgres.Sql, cycleId: string, view: WorkflowView): Promise<string[]> {
  const out: string[] = [];
  const measures = new Set(view.measures.map((m) => m.id));
  for (const { id } of await sql<{ id: string }[]>`select id from measures where cycle_id = ${cycleId}`) {
    if (!measures.has(id)) out.push(`measure ${id}`);
  }
  const lists = new Map(view.priorityLists.map((l) => [l.version, l]));
  for (const { version } of await sql<
    { version: number }[]
  >`select version from priority_lists where cycle_id = ${cycleId}`) {
    if (!lists.has(version)) out.push(`priority list ${version}`);
  }
  for (const v of await sql<
    { version: number; member: string }[]
  >`select version, member_id as member from votes where cycle_id = ${cycleId}`) {
    if (!lists.get(v.version)?.voters[v.member]) out.push(`vote of ${v.member} on list ${v.version}`);
  }
  const decided = new Set(view.adoptions.filter((a) => a.decision !== null).map((a) => `${a.round}:${a.municipality}`));
  const rounds = new Set(view.adoptions.map((a) => a.round));
  for (const a of await sql<
    { round: number; municipality: string }[]
  >`select round, municipality from adoptions where cycle_id = ${cycleId}`) {
    if (rounds.has(a.round) && !decided.has(`${a.round}:${a.municipality}`))
      out.push(`decision of ${a.municipality} in round ${a.round}`);
  }
  return out;
}
import type { CycleResult } from './cycle.js';

export interface Verdict {
  lost: number;
  duplicated: number;
  /** why, one line each */
  findings: string[];
}

export async function cycleTables(sql: postgres.Sql): Promise<string[]> {
  const rows = await sql<{ table: string }[]>`
    select c.table_name as table from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = current_schema() and c.column_name = 'cycle_id' order by 1`;
  return rows.map((r) => r.table);
}

export async function rowCounts(sql: postgres.Sql, tables: string[], cycleId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await sql<{ n: number }[]>`select count(*)::int as n from ${sql(table)} where cycle_id = ${cycleId}`;
    counts[table] = row!.n;
  }
  return counts;
}

export async function checkCycle(
  sql: postgres.Sql,
  tables: string[],
  run: CycleResult,
  reference: CycleResult,
  referenceCounts: Record<string, number>,
): Promise<Verdict> {
  const v: Verdict = { lost: 0, duplicated: 0, findings: [] };
  const { cycleId, succeeded } = run;
  if (run.failure) {
    v.lost += 1;
    v.findings.push(`did not run to the end: ${run.failure}`);
  } else if (run.allocations !== reference.allocations) {
    v.lost += 1;
    v.findings.push(
      `allocations differ from the undisturbed run:\n${firstDifference(reference.allocations ?? '', run.allocations ?? '')}`,
    );
  }

  for (const d of run.divergences) {
    v.lost += 1;
    v.findings.push(d);
  }

  const counts = await rowCounts(sql, tables, cycleId);
  // Compared only when the cycle ran to the end: a cycle that stopped half-way has fewer rows by itself.
  if (!run.failure) {
    for (const table of tables) {
      const diff = counts[table]! - (referenceCounts[table] ?? 0);
      if (diff > 0) v.duplicated += diff;
      if (diff < 0) v.lost += -diff;
      if (diff !== 0)
        v.findings.push(`${table}: ${counts[table]} rows, the undisturbed run has ${referenceCounts[table]}`);
    }
  }

  const once = (what: string, n: number) => {
    if (n === 1) return;
    if (n === 0) v.lost += 1;
    else v.duplicated += n - 1;
    v.findings.push(`${what} answered with success is in the records ${n} times`);
  };
  const n = (rows: { n: number }[]) => rows[0]!.n;
  for (const m of succeeded.measures) {
    once(
      `measure ${m.id} (${m.title})`,
      n(
        await sql<
          { n: number }[]
        >`select count(*)::int as n from measures where cycle_id = ${cycleId} and id = ${m.id}`,
      ),
    );
  }
  for (const version of succeeded.lists) {
    once(
      `priority list ${version}`,
      n(
        await sql<
          { n: number }[]
        >`select count(*)::int as n from priority_lists where cycle_id = ${cycleId} and version = ${version}`,
      ),
    );
  }
  for (const vote of succeeded.votes) {
    once(
      `vote of ${vote.member} on list ${vote.version}`,
      n(
        await sql<
          { n: number }[]
        >`select count(*)::int as n from votes where cycle_id = ${cycleId} and version = ${vote.version} and member_id = ${vote.member}`,
      ),
    );
  }
  for (const a of succeeded.adoptions) {
    once(
      `decision of ${a.municipality} in round ${a.round}`,
      n(
        await sql<
          { n: number }[]
        >`select count(*)::int as n from adoptions where cycle_id = ${cycleId} and round = ${a.round} and municipality = ${a.municipality}`,
      ),
    );
  }
  return v;
}

function firstDifference(a: string, b: string): string {
  const [x, y] = [a.split('\n'), b.split('\n')];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i])
      return `  line ${i + 1}: undisturbed ${JSON.stringify(x[i] ?? '(end)')}, this run ${JSON.stringify(y[i] ?? '(end)')}`;
  }
  return '  (same lines)';
}
