/**
 * Writes to the system of record. Each write runs in one transaction together with its audit
 * entry. The entry is identified by the workflow's key and a digest of what is written, so a
 * retried activity finds its entry and changes nothing (no duplicate rows, whatever was retried),
 * while a different write that comes to the same key after a lost step is still made
 * (schema/migrations/003_write_order.sql). Every write sets state rather than adding to it, so
 * such a write replaces what the lost step left.
 */
import { createHash } from 'node:crypto';
import type postgres from 'postgres';
import type {
  AdoptionWrite,
  AllocationsWrite,
  AuditEntry,
  CycleWrite,
  IndicatorsWrite,
  MeasureWrite,
  PhaseWrite,
  PriorityListWrite,
  ProgressWrite,
  RecordActivities,
  VoteWrite,
  YearEndWrite,
} from '../domain/records.js';

export type { AuditEntry, MeasureWrite } from '../domain/records.js';

type Tx = postgres.TransactionSql;
type Json = postgres.JSONValue;
const json = (v: unknown) => v as Json;

/**
 * What a write is, apart from when it ran: its input without the audit entry's time (a retry
 * after a lost workflow task runs at another workflow time, but writes the same).
 */
export function contentDigest(input: { audit: AuditEntry }): string {
  const { at: _at, ...audit } = input.audit;
  return createHash('sha256')
    .update(JSON.stringify({ ...input, audit }))
    .digest('hex')
    .slice(0, 32);
}

/**
 * The audit entry's insert, as a query that runs when awaited or, embedded in another query,
 * as part of it; it returns the entry's seq, or no row when the entry exists already.
 */
function enter<A extends { audit: AuditEntry }>(
  sql: postgres.Sql | Tx,
  input: A,
): postgres.PendingQuery<postgres.Row[]> {
  const { audit } = input;
  return sql`
    INSERT INTO audit_log (key, content_digest, at, cycle_id, actor, action, ref, detail)
    VALUES (${audit.key}, ${contentDigest(input)}, ${audit.at}, ${audit.cycleId}, ${audit.actor}, ${audit.action}, ${audit.ref}, ${sql.json(json(audit.detail ?? {}))})
    ON CONFLICT (key, content_digest) DO NOTHING RETURNING seq`;
}

/**
 * Run `write` and the audit insert in one transaction, once per audit key and content. Returns
 * false when already done.
 */
export async function once<A extends { audit: AuditEntry }>(
  sql: postgres.Sql,
  input: A,
  write: (tx: Tx) => Promise<unknown>,
): Promise<boolean> {
  return sql.begin(async (tx) => {
    const inserted = await enter(tx, input);
    if (inserted.length === 0) return false;
    await write(tx);
    return true;
  }) as Promise<boolean>;
}

/**
 * `once` in one statement, and so in one round trip to Postgres instead of four (BEGIN, the audit
 * entry, the write, COMMIT): the audit entry is a data-modifying CTE named `entered`, and `write`
 * is the statement's main part, which must act only on the rows it selects FROM entered (none when
 * the entry existed already). For the writes an Update waits for while a user waits.
 */
async function onceInOneStatement<A extends { audit: AuditEntry }>(
  sql: postgres.Sql,
  input: A,
  write: postgres.PendingQuery<postgres.Row[]>,
): Promise<void> {
  await sql`WITH entered AS (${enter(sql, input)}) ${write}`;
}

/**
 * Insert a new measure or apply an edit/withdrawal: only the fields given change, and only if
 * no later write of the workflow's (a higher seq) got there first.
 */
export async function writeMeasure(sql: postgres.Sql, a: MeasureWrite): Promise<void> {
  const f = a.fields;
  await onceInOneStatement(
    sql,
    a,
    sql`
    INSERT INTO measures (cycle_id, id, title, description, strategies, responsible, amounts, cofunding, status, proposed_by, proposed_at, updated_at, record_seq)
    SELECT ${a.cycleId}::text, ${a.id}::text, ${f.title ?? ''}::text, ${f.description ?? ''}::text, ${f.strategies ?? []}::text[], ${f.responsible ?? ''}::text,
           ${sql.json(json(f.amounts ?? {}))}::jsonb, ${sql.json(json(f.cofunding ?? []))}::jsonb, ${a.status}::text, ${a.proposedBy}::text,
           ${a.audit.at}::timestamptz, ${a.audit.at}::timestamptz, ${a.audit.seq}::integer
    FROM entered
    ON CONFLICT (cycle_id, id) DO UPDATE SET
      title = COALESCE(${f.title ?? null}, measures.title),
      description = COALESCE(${f.description ?? null}, measures.description),
      strategies = COALESCE(${f.strategies ?? null}::text[], measures.strategies),
      responsible = COALESCE(${f.responsible ?? null}, measures.responsible),
      amounts = COALESCE(${f.amounts ? sql.json(json(f.amounts)) : null}::jsonb, measures.amounts),
      cofunding = COALESCE(${f.cofunding ? sql.json(json(f.cofunding)) : null}::jsonb, measures.cofunding),
      proposed_by = ${a.proposedBy},
      status = ${a.status},
      updated_at = ${a.audit.at},
      record_seq = ${a.audit.seq}
    WHERE measures.record_seq <= ${a.audit.seq}`,
  );
}

export function createRecords(sql: postgres.Sql): RecordActivities {
  return {
    async recordCycle(a: CycleWrite) {
      await once(sql, a, async (tx) => {
        await tx`
          INSERT INTO cycles (id, partnership_id, year, phase, config, frames, deadlines, carry_over, started_by, started_at, record_seq)
          VALUES (${a.cycleId}, ${a.partnershipId}, ${a.year}, 'proposals', ${tx.json(json(a.config))}, ${tx.json(json(a.frames))},
                  ${tx.json(json(a.deadlines))}, ${tx.json(json(a.carryOver))}, ${a.startedBy}, ${a.audit.at}, ${a.audit.seq})`;
        if (Object.keys(a.carryOver).length) {
          await tx`UPDATE year_end SET carried_to = ${a.cycleId}
                   WHERE cycle_id = ${`${a.partnershipId}-${a.year - 1}`} AND disposition = 'carry_over' AND carried_to IS NULL`;
        }
      });
    },

    async recordPhase(a: PhaseWrite) {
      await once(
        sql,
        a,
        (tx) => tx`
        UPDATE cycles SET phase = ${a.phase}, frames = ${tx.json(json(a.frames))}, deadlines = ${tx.json(json(a.deadlines))},
          closed_at = ${a.phase === 'closed' || a.phase === 'cancelled' ? a.audit.at : null}, record_seq = ${a.audit.seq}
        WHERE id = ${a.cycleId} AND record_seq <= ${a.audit.seq}`,
      );
    },

    recordMeasure: (a: MeasureWrite) => writeMeasure(sql, a),

    /**
     * A list put to the vote, and the list it replaces marked replaced. The workflow writes a
     * cycle's lists one after another, and Postgres keeps them in order too: the cycle's row is
     * locked for the write, and a list whose successor is already there is inserted as replaced.
     */
    async recordPriorityList(a: PriorityListWrite) {
      await once(sql, a, async (tx) => {
        await tx`SELECT 1 FROM cycles WHERE id = ${a.cycleId} FOR UPDATE`;
        if (a.replacedVersion !== null) {
          await tx`UPDATE priority_lists SET status = 'replaced', decided_at = ${a.audit.at} WHERE cycle_id = ${a.cycleId} AND version = ${a.replacedVersion}`;
        }
        await tx`
          INSERT INTO priority_lists (cycle_id, version, items, meeting_date, case_number, status, proposed_by, proposed_at)
          VALUES (${a.cycleId}, ${a.version}, ${tx.json(json(a.items))}, ${a.meeting.date}, ${a.meeting.caseNumber},
                  CASE WHEN EXISTS (SELECT 1 FROM priority_lists WHERE cycle_id = ${a.cycleId} AND version > ${a.version}) THEN 'replaced' ELSE 'voting' END,
                  ${a.proposedBy}, ${a.audit.at})
          ON CONFLICT (cycle_id, version) DO UPDATE SET items = EXCLUDED.items, meeting_date = EXCLUDED.meeting_date,
            case_number = EXCLUDED.case_number, proposed_by = EXCLUDED.proposed_by, proposed_at = EXCLUDED.proposed_at`;
      });
    },

    async recordVote(a: VoteWrite) {
      await once(sql, a, async (tx) => {
        await tx`INSERT INTO votes (cycle_id, version, member_id, vote, cast_at) VALUES (${a.cycleId}, ${a.version}, ${a.memberId}, ${a.vote}, ${a.audit.at})
                 ON CONFLICT (cycle_id, version, member_id) DO UPDATE SET vote = EXCLUDED.vote, cast_at = EXCLUDED.cast_at`;
        if (a.listStatus !== 'voting') {
          await tx`UPDATE priority_lists SET status = ${a.listStatus}, decided_at = ${a.audit.at} WHERE cycle_id = ${a.cycleId} AND version = ${a.version}`;
        }
      });
    },

    async recordAdoption(a: AdoptionWrite) {
      await once(
        sql,
        a,
        (tx) => tx`
        INSERT INTO adoptions (cycle_id, round, municipality, decision, requested, amounts, case_number, decided_on, recorded_by, recorded_at)
        VALUES (${a.cycleId}, ${a.round}, ${a.municipality}, ${a.decision}, ${tx.json(json(a.requested))}, ${tx.json(json(a.amounts))},
                ${a.caseNumber}, ${a.decidedOn}, ${a.recordedBy}, ${a.audit.at})
        ON CONFLICT (cycle_id, round, municipality) DO UPDATE SET decision = EXCLUDED.decision, requested = EXCLUDED.requested,
          amounts = EXCLUDED.amounts, case_number = EXCLUDED.case_number, decided_on = EXCLUDED.decided_on,
          recorded_by = EXCLUDED.recorded_by, recorded_at = EXCLUDED.recorded_at`,
      );
    },

    /** The binding plan: one row per measure, year and funder, each pointing at its decisions. */
    async recordAllocations(a: AllocationsWrite) {
      const rows = Object.entries(a.shares).flatMap(([measureId, byFunder]) =>
        Object.entries(byFunder).flatMap(([funderId, byYear]) =>
          Object.entries(byYear).map(([year, amount]) => ({
            cycle_id: a.cycleId,
            measure_id: measureId,
            year: Number(year),
            funder_id: funderId,
            amount,
            priority_list_version: a.version,
            adoption_refs: json(a.adoptionRefs),
          })),
        ),
      );
      await once(sql, a, async (tx) => {
        // One binding plan per cycle: a write after a lost step replaces the rows of the lost one.
        await tx`DELETE FROM allocations WHERE cycle_id = ${a.cycleId}`;
        for (let i = 0; i < rows.length; i += 2000) {
          await tx`INSERT INTO allocations ${tx(rows.slice(i, i + 2000).map((r) => ({ ...r, adoption_refs: tx.json(r.adoption_refs) })))}`;
        }
        const statuses = Object.entries(a.statuses);
        for (let i = 0; i < statuses.length; i += 2000) {
          const chunk = statuses.slice(i, i + 2000);
          await tx`
            UPDATE measures SET status = s.status, updated_at = ${a.audit.at}
            FROM (SELECT unnest(${chunk.map(([id]) => id)}::text[]) AS id, unnest(${chunk.map(([, st]) => st)}::text[]) AS status) s
            WHERE measures.cycle_id = ${a.cycleId} AND measures.id = s.id`;
        }
      });
      return { rows: rows.length };
    },

    async recordProgress(a: ProgressWrite) {
      await once(
        sql,
        a,
        (tx) => tx`
        INSERT INTO progress_reports (cycle_id, id, measure_id, progress, spent, reported_by, reported_at)
        VALUES (${a.cycleId}, ${a.id}, ${a.measureId}, ${a.progress}, ${tx.json(json(a.spent))}, ${a.reportedBy}, ${a.audit.at})
        ON CONFLICT (cycle_id, id) DO UPDATE SET measure_id = EXCLUDED.measure_id, progress = EXCLUDED.progress, spent = EXCLUDED.spent,
          reported_by = EXCLUDED.reported_by, reported_at = EXCLUDED.reported_at`,
      );
    },

    async recordIndicators(a: IndicatorsWrite) {
      await once(sql, a, async (tx) => {
        for (const v of a.values) {
          await tx`
            INSERT INTO indicator_values (cycle_id, indicator, year, value, note, reported_by, reported_at)
            VALUES (${a.cycleId}, ${v.indicator}, ${a.year}, ${v.value}, ${v.note ?? null}, ${a.reportedBy}, ${a.audit.at})
            ON CONFLICT (cycle_id, indicator, year) DO UPDATE SET value = EXCLUDED.value, note = EXCLUDED.note,
              reported_by = EXCLUDED.reported_by, reported_at = EXCLUDED.reported_at`;
        }
      });
    },

    async recordYearEnd(a: YearEndWrite) {
      await once(sql, a, async (tx) => {
        for (const r of a.rows) {
          await tx`
            INSERT INTO year_end (cycle_id, funder_id, frame, allocated, spent, never_allocated, granted_unspent, unspent, carried_over, disposition)
            VALUES (${a.cycleId}, ${r.funderId}, ${r.frame}, ${r.allocated}, ${r.spent}, ${r.neverAllocated}, ${r.grantedUnspent}, ${r.unspent},
                    ${r.carriedOver}, ${r.disposition})
            ON CONFLICT (cycle_id, funder_id) DO UPDATE SET frame = EXCLUDED.frame, allocated = EXCLUDED.allocated, spent = EXCLUDED.spent,
              never_allocated = EXCLUDED.never_allocated, granted_unspent = EXCLUDED.granted_unspent, unspent = EXCLUDED.unspent,
              carried_over = EXCLUDED.carried_over, disposition = EXCLUDED.disposition`;
        }
      });
    },
  };
}
