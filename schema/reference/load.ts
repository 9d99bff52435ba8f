/**
 * Loads the reference partnerships and their plans into `partnerships`, in one transaction.
 * Idempotent: a second load updates the rows in place.
 */
import type { JSONValue, Sql } from 'postgres';
import type { PartnershipConfig, Plan } from '../partnership.js';
import { referencePartnerships } from './partnerships.js';
import { referencePlans } from './plans.js';

export function referencePartnership(id: string): PartnershipConfig {
  const found = referencePartnerships.find((p) => p.id === id);
  if (!found) throw new Error(`no reference partnership ${JSON.stringify(id)}`);
  return found;
}

export function referencePlan(id: string): Plan {
  const found = referencePlans.find((p) => p.partnership === id);
  if (!found) throw new Error(`no reference plan for partnership ${JSON.stringify(id)}`);
  return found;
}

export async function loadReferenceData(sql: Sql): Promise<{ partnerships: number }> {
  const rows = referencePartnerships.map((config) => ({ config, plan: referencePlan(config.id) }));
  await sql.begin(async (tx) => {
    for (const { config, plan } of rows) {
      await tx`
        INSERT INTO partnerships (id, name, config, plan)
        VALUES (${config.id}, ${config.name}, ${tx.json(config as unknown as JSONValue)}, ${tx.json(plan as unknown as JSONValue)})
        ON CONFLICT (id) DO UPDATE
          SET name = EXCLUDED.name, config = EXCLUDED.config, plan = EXCLUDED.plan, loaded_at = now()`;
    }
  });
  return { partnerships: rows.length };
}
