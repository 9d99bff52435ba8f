import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  choiceField,
  errorSummary,
  fieldId,
  formErrors,
  formKey,
  hiddenFields,
  postedKey,
  receipt,
  refusalReason,
  textField,
  updateIdFor,
  zodPaths,
} from '../../web/forms.js';
import { MeasureInputSchema, Problem } from '../../web/core.js';
import { decisionFromForm } from '../../web/pages/adoption.js';
import { measureFromForm } from '../../web/pages/measure-form.js';

const str = async (h: unknown) => String(await h);

describe('form fields', () => {
  it('labels every field and keeps what was typed, escaped', async () => {
    const out = await str(
      textField({ name: 'title', label: 'Tittel', values: { title: '<b>"Ny" & bedre</b>' }, errors: [] }),
    );
    expect(out).toContain('<label class="ds-label" for="f-title">Tittel</label>');
    expect(out).toContain('id="f-title" name="title"');
    expect(out).toContain('value="&lt;b&gt;&quot;Ny&quot; &amp; bedre&lt;/b&gt;"');
    expect(out).not.toContain('aria-invalid');
  });

  it('puts the message beside a field in error and ties it to the input', async () => {
    const out = await str(
      textField({
        name: 'amount-2027',
        label: '2027',
        values: { 'amount-2027': '1.250' },
        errors: [{ field: 'amount-2027', message: 'Skriv 1 250 eller 1,25.' }],
        description: 'I kroner',
      }),
    );
    expect(out).toContain('aria-invalid="true"');
    expect(out).toContain('aria-describedby="f-amount-2027-feil f-amount-2027-beskrivelse"');
    expect(out).toContain(
      '<div class="ds-validation-message" data-color="danger" id="f-amount-2027-feil">Skriv 1 250 eller 1,25.</div>',
    );
    expect(out).toContain('value="1.250"');
  });

  it('checks the choices that were posted, and the first choice carries the id the summary links to', async () => {
    const out = await str(
      choiceField({
        name: 'strategies',
        legend: 'Strategier',
        type: 'checkbox',
        values: { strategies: ['1.2'] },
        errors: [],
        groups: [
          {
            heading: 'Mål 1',
            choices: [
              { value: '1.1', label: '1.1 A' },
              { value: '1.2', label: '1.2 B' },
            ],
          },
        ],
      }),
    );
    expect(out).toContain('<legend class="ds-label">Strategier</legend>');
    expect(out).toMatch(/id="f-strategies" name="strategies" value="1.1">/);
    expect(out).toMatch(/value="1.2" checked/);
  });

  it('the error summary links to each field in error', async () => {
    const out = await str(
      errorSummary([
        { field: 'title', message: 'Skriv en tittel.' },
        { field: 'amount-2027', message: 'Feil beløp.' },
      ]),
    );
    expect(out).toContain('class="ds-error-summary"');
    expect(out).toContain('<a class="ds-link" href="#f-title">Skriv en tittel.</a>');
    expect(out).toContain(`href="#${fieldId('amount-2027')}"`);
    expect(await str(errorSummary([]))).toBe('');
  });

  it('every form carries the CSRF token and its one-time key', async () => {
    const key = formKey();
    const out = await str(hiddenFields('csrf-token', key));
    expect(out).toContain('name="_csrf" value="csrf-token"');
    expect(out).toContain(`name="_key" value="${key}"`);
  });
});

describe('the one-time key', () => {
  it('a form shown again keeps its key; a made-up key is replaced', () => {
    const key = formKey();
    expect(formKey({ _key: key })).toBe(key);
    expect(formKey({ _key: 'not-a-key' })).not.toBe('not-a-key');
    expect(postedKey({ _key: 'x' })).toBeNull();
    expect(postedKey({ _key: key })).toBe(key);
  });

  it('the same person and key is the same Update; another person or key is another', () => {
    const key = formKey();
    const id = updateIdFor('proposer-a', 'submitMeasure', key);
    expect(updateIdFor('proposer-a', 'submitMeasure', key)).toBe(id);
    expect(updateIdFor('proposer-b', 'submitMeasure', key)).not.toBe(id);
    expect(updateIdFor('proposer-a', 'submitMeasure', formKey())).not.toBe(id);
    expect(id).not.toContain('proposer-a');
  });
});

describe('errors from the API schemas and the workflow', () => {
  it('the API schema refuses what the form maps to its fields, one Norwegian message each, in form order', () => {
    const parsed = MeasureInputSchema.safeParse({
      title: ' ',
      description: 'x',
      strategies: [],
      responsible: 'y',
      amounts: { 2027: '1.5' },
      cofunding: [],
    });
    expect(parsed.success).toBe(false);
    const errors = formErrors(
      zodPaths((parsed as { error: z.ZodError }).error),
      (p) => (p.startsWith('amounts.') ? `amount-${p.split('.')[1]}` : (p.split('.')[0] ?? null)),
      (f) => `feil i ${f}`,
      ['title', 'strategies', 'amount-2027'],
      'title',
    );
    expect(errors).toEqual([
      { field: 'title', message: 'feil i title' },
      { field: 'strategies', message: 'feil i strategies' },
      { field: 'amount-2027', message: 'feil i amount-2027' },
    ]);
  });

  it('a refusal is said in Norwegian, the page’s own words first', () => {
    const conflict = new Problem('conflict', 'mayor-3405 has already voted on priority list 1');
    expect(refusalReason(conflict, { conflict: 'Du har allerede stemt over denne listen.' })).toBe(
      'Du har allerede stemt over denne listen.',
    );
    expect(refusalReason(new Problem('wrongPhase', 'x'))).toMatch(/fasen/);
  });

  it('a receipt lists what was recorded', async () => {
    const out = await str(receipt('Tiltaket er sendt inn', [['Tittel', 'Besøkssenter']]));
    expect(out).toContain('data-color="success"');
    expect(out).toContain('<dt>Tittel</dt><dd>Besøkssenter</dd>');
  });
});

const YEARS = ['2027', '2028', '2029', '2030'];

describe('the measure form read as the API reads a measure', () => {
  const filled = {
    title: 'Næringshage',
    description: 'Kontorer',
    strategies: ['1.2', '2.1'],
    responsible: 'Gausdal kommune',
    'amount-2027': '1 250 000,50',
    'amount-2028': '',
    'cofunding-source-0': 'Stiftelsen',
    'cofunding-amount-0': '50 000 kr',
    'cofunding-source-1': '',
    'cofunding-amount-1': '',
  };

  it('gives the decimal strings the API takes; empty years and rows are left out', () => {
    expect(measureFromForm(filled, YEARS)).toEqual({
      measure: {
        title: 'Næringshage',
        description: 'Kontorer',
        strategies: ['1.2', '2.1'],
        responsible: 'Gausdal kommune',
        amounts: { 2027: '1250000.50' },
        cofunding: [{ source: 'Stiftelsen', amount: '50000.00' }],
      },
    });
  });

  it('names each field in error in Norwegian, in the order of the form, with the typed amount’s own reason', () => {
    const read = measureFromForm(
      { ...filled, title: '  ', strategies: [], 'amount-2027': '1.250', 'cofunding-source-0': '' },
      YEARS,
    );
    expect('errors' in read && read.errors.map((e) => e.field)).toEqual([
      'title',
      'strategies',
      'amount-2027',
      'cofunding-source-0',
    ]);
    expect('errors' in read && read.errors[2]?.message).toMatch(/^2027: Punktum med tre sifre/);
  });
});

describe('the council decision read as the API reads it', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');

  it('a lower amount names only the years typed; the date is the calendar date typed', () => {
    expect(
      decisionFromForm(
        { decision: 'reduced', 'amount-2027': '100 000', caseNumber: 'PS 41/26', decidedOn: '01.12.2026' },
        YEARS,
        now,
      ),
    ).toEqual({
      decision: {
        decision: 'reduced',
        amounts: { 2027: '100000.00' },
        caseNumber: 'PS 41/26',
        decidedOn: '2026-12-01',
      },
    });
  });

  it('amounts typed with another decision are not sent', () => {
    expect(
      decisionFromForm(
        { decision: 'adopted', 'amount-2027': '5', caseNumber: 'PS 1/26', decidedOn: '2026-11-30' },
        YEARS,
        now,
      ),
    ).toEqual({
      decision: { decision: 'adopted', caseNumber: 'PS 1/26', decidedOn: '2026-11-30' },
    });
  });

  it('refuses no decision, no amount for a lower one, no case number and a date in the future', () => {
    const read = decisionFromForm({ decision: 'reduced', caseNumber: '', decidedOn: '02.12.2026' }, YEARS, now);
    expect('errors' in read && read.errors.map((e) => e.field)).toEqual(['amount-2027', 'caseNumber', 'decidedOn']);
    const none = decisionFromForm({ caseNumber: 'x', decidedOn: '01.12.2026' }, YEARS, now);
    expect('errors' in none && none.errors.map((e) => e.message)).toEqual(['Velg hva kommunestyret vedtok.']);
  });
});
