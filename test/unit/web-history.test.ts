import { describe, expect, it } from 'vitest';
import { referencePartnership } from '../../schema/reference/load.js';
import { historyLines } from '../../web/history.js';
import { actorNames } from '../../web/names.js';

const config = referencePartnership('lillehammer-regionen');
const names = actorNames(config, new Map([['admin-lillehammer-regionen', 'Sekretariatsleder, Lillehammer-regionen']]));
const line = (actor: string, action: string, ref: string | null = null) =>
  historyLines(config, [{ at: '2027-03-01T09:00:00Z', actor, action, ref }], names)[0]!;

describe('the decision history in Norwegian', () => {
  it("writes the workflow's entries as Norwegian sentences with names, not ids", () => {
    expect(line('admin-lillehammer-regionen', 'cycle started for 2027')).toMatchObject({
      actor: 'Sekretariatsleder, Lillehammer-regionen',
      text: 'Syklusen for 2027 ble startet.',
      untranslated: null,
    });
    expect(line('system', 'phase prioritisation: proposal deadline passed').text).toBe(
      'Forslagsfristen gikk ut, og prioriteringen i IPR begynte.',
    );
    expect(line('ipr', 'priority list 2 adopted (5 for, 1 against)', '12/27')).toMatchObject({
      text: 'IPR vedtok prioriteringsliste 2 (5 for, 1 mot).',
      basis: 'Sak 12/27',
    });
    expect(line('municipality:3440', 'council reduced', 'PS 44/27')).toMatchObject({
      actor: 'Øyer kommune',
      text: 'Kommunestyret vedtok et lavere beløp.',
      basis: 'Sak PS 44/27',
    });
    expect(line('mayor-3405', 'deadline adoption:3441 moved to 2027-05-15T21:59:00.000Z').text).toBe(
      'Fristen for vedtaket i Gausdal kommune ble flyttet til 15. mai 2027 kl. 23:59.',
    );
    expect(line('mayor-3405', 'priority list 3 put to the vote, replacing 2', '15/27')).toMatchObject({
      actor: 'Ordfører i Lillehammer',
      text: 'Prioriteringsliste 3 ble lagt fram til avstemning i IPR og erstatter liste 2.',
    });
    expect(line('system', 'overdue: adoption:3405').text).toBe(
      'Fristen for vedtaket i Lillehammer kommune gikk ut uten vedtak.',
    );
    expect(
      line('system', 'phase prioritisation: 3441 reduced, 3440 rejected: re-prioritise within the lowered frames').text,
    ).toBe(
      'Gausdal kommune vedtok et lavere beløp, og Øyer kommune avviste sin andel. Saken gikk tilbake til IPR for ny prioritering innenfor de lavere rammene.',
    );
    expect(line('system', 'phase closed: year closed; unspent money carried over to the next year').text).toBe(
      'Året ble avsluttet. Ubrukte midler ble overført til neste år.',
    );
  });

  it("keeps an administrator's own reason for cancelling in their words", () => {
    expect(line('admin-lillehammer-regionen', 'phase cancelled: Vedtatt på nytt i februar').text).toBe(
      'Syklusen ble avbrutt. Begrunnelse: «Vedtatt på nytt i februar»',
    );
  });

  it("writes the records' action codes when the workflow is gone", () => {
    expect(line('system', 'phase:closed').text).toBe('Syklusen gikk over til fasen «Avsluttet».');
    expect(line('clerk-3405', 'adoption:rejected', 'PS 9/27')).toMatchObject({
      text: 'Kommunestyret avviste sin andel.',
      basis: 'Sak PS 9/27',
    });
    expect(line('system', 'allocations:lock', 'v2')).toMatchObject({
      text: 'Tildelingene ble låst som årets bindende plan.',
      basis: 'Prioriteringsliste 2',
    });
  });

  it('says what it could not translate, and keeps the original text', () => {
    expect(line('system', 'something new happened')).toMatchObject({
      text: 'Hendelsen kunne ikke oversettes.',
      untranslated: 'something new happened',
    });
    expect(line('system', 'phase adoption: a reason nobody wrote a template for')).toMatchObject({
      text: 'Syklusen gikk over til fasen «Vedtak». Begrunnelsen kunne ikke oversettes.',
      untranslated: 'a reason nobody wrote a template for',
    });
  });
});
