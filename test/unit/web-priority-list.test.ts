/**
 * The priority-list editor's pure parts (web/priority-list.ts) and the kept first page (two
 * readers get their own name, token and key, nothing else).
 */
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { allocatedShares, membersOf, remaining } from '../../domain/cost-sharing.js';
import { grantUnitOf, recommend, type Recommendation } from '../../domain/recommendation.js';
import { referencePartnerships } from '../../schema/reference/partnerships.js';
import type { CycleRecord, MeasureRecord } from '../../web/core.js';
import type { WebEnv } from '../../web/env.js';
import { firstEditorPage } from '../../web/pages/priority-list.js';
import type { PrioritisationView } from '../../web/pages/prioritisation-data.js';
import {
  actionOf,
  compute,
  field,
  initialState,
  meetingOf,
  moved,
  placed,
  stateFromForm,
  type EditorState,
} from '../../web/priority-list.js';

const config = referencePartnerships.find((p) => p.id === 'lillehammer-regionen')!;
const years = ['2027', '2028', '2029', '2030'];
const FUNDERS = ['county', '3405', '3440', '3441'];

function framesOf(county: string, municipal: string) {
  return Object.fromEntries(
    FUNDERS.map((f) => [f, Object.fromEntries(years.map((y) => [y, f === 'county' ? county : municipal]))]),
  );
}

function measure(id: string, amounts: Record<string, string>): MeasureRecord {
  return {
    id,
    title: `Tiltak ${id}`,
    description: '',
    strategies: ['1.1'],
    responsible: 'LRV',
    amounts,
    cofunding: [],
    status: 'proposed',
    proposedBy: 'p',
    proposedAt: '',
    updatedAt: '',
  } as unknown as MeasureRecord;
}

function recommended(measures: MeasureRecord[], frames: Record<string, Record<string, string>>): Recommendation {
  return recommend({
    measures: measures.map((m) => ({ id: m.id, amounts: m.amounts })),
    frames,
    sharing: config.sharing,
    members: membersOf(config),
    years,
    grantUnit: grantUnitOf(config),
  });
}

const frames = framesOf('2000000.00', '100000.00');
const measures = [
  measure('m0001', { 2027: '600000.00' }),
  measure('m0002', { 2027: '300000.00', 2028: '100000.00' }),
  measure('m0003', { 2027: '90000.00' }),
];
const byId = new Map(measures.map((m) => [m.id, m]));
const cycle = { config, frames } as unknown as CycleRecord;
const money = { cycle, outOfSplit: {} };
const title = (mid: string) => byId.get(mid)?.title ?? mid;

describe('the editor state', () => {
  it('starts from the recommendation: full, part and none, then the measures it left out', () => {
    const rec = recommended(measures, frames);
    const state = initialState(measures, rec, years);
    expect(state.rows.map((r) => [r.measureId, r.choice])).toEqual([
      ['m0001', 'full'],
      ['m0002', 'part'],
      ['m0003', 'none'],
    ]);
    // 299 000 of 300 000 in 2027, as a person would type it.
    expect(state.rows[1]!.typed['2027']).toBe('299\u00a0000,00');
  });

  it('travels in the form and back, moves a row, and reads the button pressed', () => {
    const values = {
      [field.order]: ['m0003', 'm0001', 'm0003', 'nope'],
      [field.choice('m0003')]: 'part',
      [field.amount('m0003', '2027')]: '50 000',
      [field.choice('m0001')]: 'bogus',
      [field.action]: 'opp:m0001',
    };
    const state = stateFromForm(values, measures, years);
    // Each open measure once, the unknown dropped, one the form forgot added at the end with nothing.
    expect(state.rows.map((r) => [r.measureId, r.choice])).toEqual([
      ['m0003', 'part'],
      ['m0001', 'none'],
      ['m0002', 'none'],
    ]);
    expect(actionOf(values)).toEqual({ kind: 'move', measureId: 'm0001', by: -1 });
    expect(moved(state, 'm0001', -1).rows.map((r) => r.measureId)).toEqual(['m0001', 'm0003', 'm0002']);
    expect(moved(state, 'm0003', -1), 'the first row does not move up').toBe(state);
    expect(actionOf({ [field.action]: 'legg-fram' })).toEqual({ kind: 'propose' });
    expect(actionOf({}), 'Enter in a field recomputes').toEqual({ kind: 'compute' });
  });
});

describe('rows moved to the places typed', () => {
  const row = (measureId: string, moveTo?: string): EditorState['rows'][number] => ({
    measureId,
    choice: 'none',
    typed: {},
    ...(moveTo === undefined ? {} : { moveTo }),
  });
  const ids = (s: EditorState) => s.rows.map((r) => r.measureId);
  const of = (rows: EditorState['rows']) => placed({ rows, meetingDate: '', caseNumber: '' });

  it('moves each row to its place, the others keeping their order around it', () => {
    expect(ids(of([row('a'), row('b'), row('c'), row('d', '1')]).state)).toEqual(['d', 'a', 'b', 'c']);
    expect(ids(of([row('a', '4'), row('b'), row('c'), row('d')]).state)).toEqual(['b', 'c', 'd', 'a']);
    expect(ids(of([row('a', '3'), row('b'), row('c', '1'), row('d')]).state)).toEqual(['c', 'b', 'a', 'd']);
    // Two typed the same place keep their order, the second just after the first.
    expect(ids(of([row('a'), row('b', '1'), row('c', '1'), row('d')]).state)).toEqual(['b', 'c', 'a', 'd']);
    expect(of([row('a'), row('b', '1')]).state.rows.every((r) => r.moveTo === undefined)).toBe(true);
  });

  it('says a place that is no whole number from 1 to the number of rows, and leaves that row where it is', () => {
    for (const bad of ['0', '5', '1,5', '-1', 'først']) {
      const { state, errors } = of([row('a'), row('b', bad), row('c'), row('d')]);
      expect(ids(state), bad).toEqual(['a', 'b', 'c', 'd']);
      expect(errors).toEqual([{ field: field.moveTo('b'), message: 'Skriv plassen som et helt tall fra 1 til 4.' }]);
      expect(state.rows[1]!.moveTo, 'what was typed is kept').toBe(bad);
    }
    const { state } = of([row('a'), row('b', 'x'), row('c', '1')]);
    expect(ids(state), 'a good place is applied beside a bad one').toEqual(['c', 'a', 'b']);
  });

  it('reads the places from the form, and none from an empty field', () => {
    const values = { [field.order]: ['m0001', 'm0002'], [field.moveTo('m0002')]: ' 1 ', [field.moveTo('m0001')]: '' };
    const s = stateFromForm(values, measures, years);
    expect(s.rows.map((r) => [r.measureId, r.moveTo])).toEqual([
      ['m0001', undefined],
      ['m0002', '1'],
      ['m0003', undefined],
    ]);
  });
});

describe('the editor arithmetic', () => {
  const state = (rows: EditorState['rows']): EditorState => ({ rows, meetingDate: '', caseNumber: '' });
  const none = { 2027: '', 2028: '', 2029: '', 2030: '' };

  it("gives each funder's remaining frame as the domain does, to the øre, and ranks only rows with a grant", () => {
    const s = state([
      { measureId: 'm0003', choice: 'none', typed: none },
      { measureId: 'm0001', choice: 'full', typed: none },
      { measureId: 'm0002', choice: 'part', typed: { ...none, 2027: '1 000,01', 2028: '99 999' } },
    ]);
    const c = compute(s, byId, years, money, title);
    expect(c.items).toEqual([
      { measureId: 'm0001', rank: 1, grants: { 2027: '600000.00', 2028: '0.00', 2029: '0.00', 2030: '0.00' } },
      { measureId: 'm0002', rank: 2, grants: { 2027: '1000.01', 2028: '99999.00', 2029: '0.00', 2030: '0.00' } },
    ]);
    const left = remaining(
      frames,
      allocatedShares(
        c.items.map((i) => i.grants),
        config.sharing,
        membersOf(config),
      ),
    );
    for (const f of c.funders) expect(f.remaining).toEqual(left[f.funderId]);
    expect(c.violations).toEqual([]);
    expect(c.errors).toEqual([]);
  });

  it('names every funder and year a list breaks, by the øre of rounding too', () => {
    const c = compute(
      state([
        { measureId: 'm0001', choice: 'full', typed: none },
        { measureId: 'm0002', choice: 'part', typed: { ...none, 2027: '300 000' } },
      ]),
      byId,
      years,
      money,
      title,
    );
    // 900 000 is 100 000 for the municipalities together, but Lillehammer carries one øre more of each split.
    expect(c.violations).toEqual([
      { funderId: '3405', year: 2027, frame: '100000.00', allocated: '100000.01', excess: '0.01' },
    ]);
    expect(c.funders.find((f) => f.funderId === '3405')!.remaining['2027']).toBe('-0.01');
  });

  it('refuses a part amount that is no amount or more than was asked, naming the field', () => {
    const c = compute(
      state([{ measureId: 'm0003', choice: 'part', typed: { ...none, 2027: '1.250', 2028: '5' } }]),
      byId,
      years,
      money,
      title,
    );
    expect(c.errors.map((e) => e.field)).toEqual([field.amount('m0003', '2027'), field.amount('m0003', '2028')]);
    expect(c.errors[1]!.message).toContain('større enn det som er søkt (0,00 kr)');
  });

  it('reads the meeting as a date and a case number', () => {
    expect(meetingOf({ rows: [], meetingDate: '20.11.2026', caseNumber: ' 12/27 ' })).toEqual({
      date: '2026-11-20',
      caseNumber: '12/27',
    });
    const bad = meetingOf({ rows: [], meetingDate: '31.02.2026', caseNumber: '' });
    expect('errors' in bad && bad.errors.map((e) => e.field)).toEqual([field.meetingDate, field.caseNumber]);
  });
});

describe('the kept first page', () => {
  it("differs between two readers only in the name, the session's token and the form's key", async () => {
    const view = {
      version: 'v1',
      cycle: { ...cycle, id: 'lillehammer-regionen-2027', year: 2027, phase: 'prioritisation' },
      years,
      measures,
      byId,
      title,
      recommendation: recommended(measures, frames),
      money,
      kept: new Map(),
    } as unknown as PrioritisationView;
    const app = new Hono<WebEnv>();
    app.get('/:who', (c) => {
      const who = c.req.param('who');
      const person = {
        sub: who,
        name: `<${who}>`,
        roles: ['ipr_member' as const],
        partnership: 'lillehammer-regionen',
      };
      c.set('person', person);
      c.set('csrfToken', `token-${who}`);
      return firstEditorPage(c, view, person);
    });
    const a = await (await app.request('/anne')).text();
    const b = await (await app.request('/bo')).text();
    expect(a).toContain('&lt;anne&gt;');
    expect(a).not.toContain('<anne>');
    expect(a.match(/token-anne/g)).toHaveLength(2); // the form's, and "Logg ut"'s
    const keyOf = (page: string) => /name="_key" value="([^"]+)"/.exec(page)?.[1];
    expect(keyOf(a)).not.toBe(keyOf(b));
    const neutral = (page: string, who: string) =>
      page.replaceAll(`&lt;${who}&gt;`, 'NAME').replaceAll(`token-${who}`, 'TOKEN').replace(keyOf(page)!, 'KEY');
    expect(neutral(a, 'anne')).toBe(neutral(b, 'bo'));
    expect(a).not.toContain('\u0001');

    // Compressed for a reader that takes gzip: the same page.
    const res = await app.request('/anne', { headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(res.headers.get('content-encoding')).toBe('gzip');
    const inflated = gunzipSync(Buffer.from(await res.arrayBuffer())).toString();
    expect(neutral(inflated, 'anne')).toBe(neutral(a, 'anne'));
  });
});
