/**
 * A Lillehammer-regionen cycle of 2027 as the rules and ledger tests take it (test/unit/rules.test.ts,
 * ledger.test.ts): its configuration, a state over it, and hours from a fixed now.
 */
import { initialState, type CycleConfig, type CycleState } from '../../domain/cycle-state.js';
import { framesWithCarryOver } from '../../domain/ledger.js';
import { admin, frames, lillehammer } from './cycles.js';

export const Y = 2027;
export const y = String(Y);
export const NOW = Date.parse('2026-10-01T12:00:00Z');
export const hours = (h: number) => new Date(NOW + h * 3_600_000).toISOString();

export function config(over: Partial<CycleConfig> = {}): CycleConfig {
  const partnership = lillehammer();
  return {
    cycleId: `${partnership.id}-${Y}`,
    partnership,
    strategyCodes: ['2.1', '5.1.3'],
    indicatorIds: ['1', '6'],
    year: Y,
    frames: frames(partnership, Y, '2000000.00', '400000.00'),
    deadlines: { proposals: hours(1), ipr: hours(2), adoption: hours(3) },
    carryOver: {},
    startedBy: admin,
    ...over,
  };
}

export const stateOf = (cfg: CycleConfig, over: Partial<CycleState> = {}): CycleState => ({
  ...initialState(cfg, framesWithCarryOver(cfg)),
  ...over,
});
