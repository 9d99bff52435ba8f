/**
 * One whole year of Lillehammer-regionen through the HTTP API, the same script with or without
 * faults: 20 measures, proposals closed, the recommended list put to the vote and adopted, three
 * council decisions of which one lowers its share (the loop back to the IPR), a new recommended
 * list adopted, three adoptions, adopted. Returns what the API answered with success, for the
 * checks (./check.ts), and the allocations with ids and years replaced by stable names, so an
 * undisturbed run of the same variant compares equal to the øre.
 */
import type postgres from 'postgres';
import { signLocalToken, type TokenClaims } from '../../services/api/auth.js';
import { recordsBeyondWorkflow, type WorkflowView } from './check.js';
import { GaveUp, type Answer, type ApiClient } from './http.js';

export const PID = 'lillehammer-regionen';
export const MUNICIPALITIES = ['3405', '3440', '3441'] as const;
const VOTERS = ['mayor-3405', 'mayor-3440', 'mayor-3441', 'opposition-3405', 'opposition-3440'];
const STRATEGIES = ['1.1', '2.1', '3.3', '4.1', '5.4'];
export const MEASURES = 20;

/** What a variant changes: the amounts asked, and which council lowers its share. */
export const VARIANTS = 3;

export interface Succeeded {
  measures: { id: string; title: string }[];
  lists: number[];
  votes: { version: number; member: string }[];
  adoptions: { round: number; municipality: string }[];
}

export interface CycleResult {
  cycleId: string;
  year: number;
  variant: number;
  startedAt: number;
  endedAt: number;
  /** undefined: it ran to 'adopted' */
  failure?: string;
  succeeded: Succeeded;
  /** the allocations once adopted, normalised (see normalise) */
  allocations?: string;
  /** records in Postgres the workflow did not have, seen after a failed attempt or at the end (check.ts) */
  divergences: string[];
}

export interface CycleContext {
  client: ApiClient;
  secret: Uint8Array;
  year: number;
  variant: number;
  /** how long a phase change may take (it waits out a fault) */
  phaseTimeoutMs: number;
  /** Straight to the engine's database: compare its records with the workflow after a failed attempt. */
  sql?: postgres.Sql;
  /** Told of each step of the script as it begins, so that a run that stalls shows where. */
  log?: (line: string) => void;
}

/** Today in Norway: meetings and council decisions are dated today, never in the future. */
const today = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Oslo' }).format(new Date());

class ScriptError extends Error {}

export async function runCycle(ctx: CycleContext): Promise<CycleResult> {
  const { client, year, variant } = ctx;
  const cycleId = `${PID}-${year}`;
  const years = [0, 1, 2, 3].map((i) => String(year + i));
  const [y0, y1] = years as [string, string];
  const succeeded: Succeeded = { measures: [], lists: [], votes: [], adoptions: [] };
  const result: CycleResult = { cycleId, year, variant, startedAt: Date.now(), endedAt: 0, succeeded, divergences: [] };
  const step = (what: string) =>
    ctx.log?.(`${cycleId} +${((Date.now() - result.startedAt) / 1000).toFixed(0)} s: ${what}`);
  const tokens = new Map<string, Promise<string>>();
  const token = (claims: Partial<TokenClaims> & { roles: TokenClaims['roles'] }) => {
    const sub = claims.sub ?? claims.roles[0]!;
    const key = `${sub}:${claims.roles.join(',')}`;
    if (!tokens.has(key))
      tokens.set(key, signLocalToken(ctx.secret, { sub, name: sub, partnership: PID, ...claims }, '4h'));
    return tokens.get(key)!;
  };
  const admin = () => token({ sub: 'faults-admin', roles: ['admin'] });

  /** 2xx, or a refusal to a retried POST that says it was carried out before (the contract returns the first outcome instead). */
  const expect = <T>(
    what: string,
    answer: Answer<T>,
    ok: number,
    alreadyDone: number[] = [],
  ): Answer<T> | undefined => {
    if (answer.status === ok) return answer;
    if (answer.retried && alreadyDone.includes(answer.status)) return undefined;
    throw new ScriptError(`${what}: ${answer.status} ${answer.text.slice(0, 300)}`);
  };
  type Status = {
    phase: string;
    adoptions: { round: number; municipality: string; requested: Record<string, string>; decision: string | null }[];
  };
  const status = async () => (await client.call<Status>('GET', `/cycles/${cycleId}`, await admin())).body;
  /** Polls the status until the cycle is in one of the phases `wanted`. */
  const phase = async (...wanted: string[]) => {
    const until = Date.now() + ctx.phaseTimeoutMs;
    let last = '';
    while (Date.now() < until) {
      const s = await status();
      last = typeof s === 'object' ? s.phase : String(s);
      if (wanted.includes(last)) return s;
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new ScriptError(
      `${cycleId} not in ${wanted.join(' or ')} after ${ctx.phaseTimeoutMs / 1000} s (still ${last})`,
    );
  };
  const putListToVote = async (round: number) => {
    step(`round ${round}: the recommended list put to the vote`);
    const rec = await client.call<{ items: unknown[] }>('GET', `/cycles/${cycleId}/recommendation`, await admin());
    expect('recommendation', rec, 200);
    const list = expect(
      'priority list',
      await client.call<{ version: number }>('POST', `/cycles/${cycleId}/priority-lists`, await admin(), {
        items: rec.body.items,
        meeting: { date: today(), caseNumber: `IPR ${round}/${year}` },
      }),
      201,
    )!;
    succeeded.lists.push(list.body.version);
    for (const member of VOTERS) {
      const voted = expect(
        `vote of ${member}`,
        await client.call(
          'POST',
          `/cycles/${cycleId}/priority-lists/${list.body.version}/votes`,
          await token({ sub: member, roles: ['ipr_member'] }),
          { vote: 'approve' },
        ),
        201,
        [409],
      );
      if (voted) succeeded.votes.push({ version: list.body.version, member });
    }
    step(`round ${round}: voted; waiting for adoption`);
    // In a later round only the councils whose share rose adopt again; when none did, the cycle
    // passes through adoption to adopted at once, quicker than a poll can see it.
    return round === 1 ? phase('adoption') : phase('adoption', 'adopted');
  };
  const decide = async (round: number, municipality: string, body: Record<string, unknown>) => {
    step(`round ${round}: the council of ${municipality} decides ${String(body.decision)}`);
    const clerk = await token({ sub: `clerk-${municipality}`, roles: ['municipal_clerk'], municipality });
    const done = expect(
      `adoption of ${municipality}`,
      await client.call('POST', `/cycles/${cycleId}/adoptions/${municipality}`, clerk, {
        caseNumber: `K ${round}/${municipality}`,
        decidedOn: today(),
        ...body,
      }),
      201,
      [409],
    );
    if (done) succeeded.adoptions.push({ round, municipality });
  };

  /**
   * Records beyond what the workflow holds, once the workflow answers again, given 15 s to agree
   * (an Update still running may have written its record a moment before its state shows it).
   */
  const compareRecords = async (when: string) => {
    const { sql } = ctx;
    if (!sql) return;
    let beyond: string[] = [];
    step(`comparing the records with the workflow (${when})`);
    const until = Date.now() + 15_000;
    for (let waited = 0; ; waited++) {
      const view = await client
        .call<WorkflowView & { phase?: string }>('GET', `/cycles/${cycleId}`, await admin())
        .catch((e: unknown) => {
          if (e instanceof GaveUp) throw e;
          return undefined;
        });
      if (view?.status === 200 && view.body.source !== 'records') {
        beyond = await recordsBeyondWorkflow(sql, cycleId, view.body);
        if (beyond.length === 0 || Date.now() > until) break;
      } else if (waited > 120) {
        step(`the workflow did not answer for a minute (${when}): nothing to compare with`);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    for (const b of beyond)
      if (!result.divergences.some((d) => d.startsWith(b)))
        result.divergences.push(`${b} is in Postgres but not in the workflow (${when})`);
  };
  client.onFailedPost = (path) => compareRecords(`after a failed attempt of POST ${path}`);

  try {
    const byYear = (amount: string) => Object.fromEntries(years.map((y) => [y, amount]));
    const frames = {
      county: byYear('3000000.00'),
      ...Object.fromEntries(MUNICIPALITIES.map((m) => [m, byYear('600000.00')])),
    };
    const deadlines = {
      proposals: '2099-01-01T00:00:00Z',
      ipr: '2099-02-01T00:00:00Z',
      adoption: '2099-03-01T00:00:00Z',
    };
    step('start');
    expect(
      'start',
      await client.call('POST', `/partnerships/${PID}/cycles`, await admin(), { year, frames, deadlines }),
      201,
      [409],
    );

    const proposer = await token({ sub: 'faults-proposer', roles: ['proposer'] });
    for (let i = 0; i < MEASURES; i++) {
      const title = `Tiltak ${variant}-${i}`;
      const amounts: Record<string, string> = { [y0]: `${100_000 + ((i * 37 + variant * 11) % 20) * 25_000}.00` };
      if (i % 2 === 0) amounts[y1] = `${50_000 + ((i * 13 + variant) % 10) * 10_000}.00`;
      const measure = {
        title,
        description: `Tiltak ${i} i feilprøven`,
        strategies: [STRATEGIES[i % STRATEGIES.length]!],
        responsible: 'LRV',
        amounts,
        cofunding: [],
      };
      const answer = expect(
        `measure ${i}`,
        await client.call<{ id: string }>('POST', `/cycles/${cycleId}/measures`, proposer, measure),
        201,
      )!;
      succeeded.measures.push({ id: answer.body.id, title });
    }
    step(`${MEASURES} measures submitted; closing proposals`);
    expect(
      'close proposals',
      await client.call('POST', `/cycles/${cycleId}/proposals/close`, await admin(), {}),
      200,
      [409],
    );
    await phase('prioritisation');

    // Round 1: one council lowers its share of the first year: back to the IPR.
    const adoption = await putListToVote(1);
    const reducer = MUNICIPALITIES[variant % MUNICIPALITIES.length]!;
    const requested = adoption.adoptions.find((a) => a.municipality === reducer)?.requested[y0] ?? '0.00';
    const lowered = `${Math.floor((Number(requested) * 0.6) / 1000) * 1000}.00`;
    for (const m of MUNICIPALITIES)
      await decide(1, m, m === reducer ? { decision: 'reduced', amounts: { [y0]: lowered } } : { decision: 'adopted' });
    await phase('prioritisation');

    // Round 2: the recommendation within the lowered frame, adopted by all.
    // Only the councils whose share rose adopt again.
    const second = await putListToVote(2);
    const again =
      second.phase === 'adopted'
        ? []
        : second.adoptions.filter((a) => a.round === 2 && a.decision === null).map((a) => a.municipality);
    for (const m of again) await decide(2, m, { decision: 'adopted' });
    await phase('adopted');

    step('adopted; reading the allocations');
    const finance = await token({ sub: 'faults-finance', roles: ['finance'] });
    const allocations = await client.call('GET', `/cycles/${cycleId}/allocations`, finance);
    expect('allocations', allocations, 200);
    result.allocations = normalise(allocations.text, cycleId, years, succeeded.measures);
    await compareRecords('at the end');
  } catch (e) {
    if (!(e instanceof ScriptError || e instanceof GaveUp)) throw e;
    result.failure = e.message;
    step(`FAILED: ${e.message}`);
  }
  result.endedAt = Date.now();
  return result;
}

/** The allocations with what differs between two runs of one script named alike: cycle id, years, measure ids (by title). */
export function normalise(
  json: string,
  cycleId: string,
  years: string[],
  measures: { id: string; title: string }[],
): string {
  // Pretty first, so that a difference can be shown line by line.
  let text = JSON.stringify(JSON.parse(json), null, 1).split(cycleId).join('<cycle>');
  for (const { id, title } of measures) text = text.split(`"${id}"`).join(`"<${title}>"`);
  // A year stands alone (a key, a number, a date's start), never inside an amount such as 421013.33.
  years.forEach((y, i) => (text = text.replace(new RegExp(`(?<![\\d.])${y}(?![\\d.])`, 'g'), `<Y${i}>`)));
  return text;
}
