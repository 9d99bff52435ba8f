/**
 * The form toolkit every action page uses, so that forms behave alike and can be trusted:
 *
 * - every field has a label; a field in error has its message beside it (Designsystemet's
 *   ds-validation-message, tied to the input by aria-describedby, aria-invalid on the input) and
 *   a line in the error summary at the top (ds-error-summary) that links to it;
 * - what was typed comes back in the fields on error;
 * - every form carries the session's CSRF token (`_csrf`, web/csrf.ts) and a one-time form key
 *   (`_key`): the key, with the person's id, becomes the Temporal Update id (updateIdFor), so the
 *   same form sent twice records once;
 * - refusals of the workflow (its typed refusals, as problems) become a reason in Norwegian;
 *   a done action shows a receipt of what was recorded.
 *
 * Server-rendered, no script: it all works without JavaScript and under the strict CSP.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { z } from 'zod';
import type { Html } from './layout.js';
import { CSRF_FIELD } from './csrf.js';
import type { WebEnv } from './env.js';
import { Problem, type FieldError, type ProblemKind } from './core.js';

export const KEY_FIELD = '_key';

/** What a form posted: each field's text, or texts for fields that repeat (checkboxes). */
export type FormValues = Record<string, string | string[]>;

/** A field in error: the form's field name and the Norwegian message. */
export interface FormError {
  field: string;
  message: string;
}

export async function readForm(c: Context<WebEnv>): Promise<FormValues> {
  const body = await c.req.parseBody({ all: true });
  const out: FormValues = {};
  for (const [k, v] of Object.entries(body)) {
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v)) out[k] = v.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

/** One text of a field ('' when absent; the first when it repeats). */
export const text = (values: FormValues, name: string): string => {
  const v = values[name];
  return typeof v === 'string' ? v : (v?.[0] ?? '');
};

/** Every text of a repeating field (checkboxes). */
export const texts = (values: FormValues, name: string): string[] => {
  const v = values[name];
  return v === undefined ? [] : typeof v === 'string' ? [v] : v;
};

/** The id of a field's input, for labels and the summary's links: "amount-2027" → "f-amount-2027". */
export const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

const messageOf = (errors: FormError[], name: string) => errors.find((e) => e.field === name)?.message;

// ── the one-time key ──────────────────────────────────────────────────────────

const KEY_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A new form's key; a form shown again after an error keeps the key it came with. */
export function formKey(values?: FormValues): string {
  const posted = values ? text(values, KEY_FIELD) : '';
  return KEY_PATTERN.test(posted) ? posted : randomUUID();
}

/** The posted key, or null when the post has none (then it cannot be recorded safely). */
export function postedKey(values: FormValues): string | null {
  const posted = text(values, KEY_FIELD);
  return KEY_PATTERN.test(posted) ? posted : null;
}

/**
 * The Temporal Update id of a form's action: the action's name, the person and the form's key,
 * hashed so that it says nothing and two people's keys never meet. The same form posted again by
 * the same person is the same Update, which the server applies once.
 */
export function updateIdFor(personSub: string, action: string, key: string): string {
  return `web-${action}-${createHash('sha256').update(`${personSub}\n${key}`).digest('hex').slice(0, 40)}`;
}

/** The hidden fields every action form carries. */
export function hiddenFields(csrfToken: string, key: string, extra: Record<string, string> = {}): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${csrfToken}"><input type="hidden" name="${KEY_FIELD}" value="${key}">${Object.entries(
    extra,
  ).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}`;
}

// ── fields ───────────────────────────────────────────────────────────────────

export interface FieldOptions {
  name: string;
  label: string;
  values: FormValues;
  errors: FormError[];
  description?: string;
  /** textarea for long text */
  multiline?: boolean;
  /** "decimal" for money: the phone's keyboard with comma */
  inputmode?: 'decimal' | 'numeric' | 'text';
  autocomplete?: string;
  required?: boolean;
  /** a narrower input, for amounts and dates */
  short?: boolean;
}

function describedBy(id: string, hasDescription: boolean, error: string | undefined): string | undefined {
  const ids = [error ? `${id}-feil` : '', hasDescription ? `${id}-beskrivelse` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** A labelled text field with its description and, on error, its message beside it. */
export function textField(o: FieldOptions): Html {
  const id = fieldId(o.name);
  const error = messageOf(o.errors, o.name);
  const value = text(o.values, o.name);
  const described = describedBy(id, Boolean(o.description), error);
  const attrs = html`id="${id}" name="${o.name}" class="ds-input"${described ? html` aria-describedby="${described}"` : ''}${error ? html` aria-invalid="true"` : ''}${o.required ? html` required` : ''}${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}`;
  return html`<div class="ds-field${o.short ? ' field-short' : ''}">
  <label class="ds-label" for="${id}">${o.label}</label>
  ${o.description ? html`<div data-field="description" id="${id}-beskrivelse">${o.description}</div>` : ''}
  ${
    o.multiline
      ? html`<textarea ${attrs} rows="5">${value}</textarea>`
      : html`<input type="text" ${attrs} value="${value}"${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}>`
  }
  ${error ? html`<div class="ds-validation-message" data-color="danger" id="${id}-feil">${error}</div>` : ''}
</div>`;
}

export interface Choice {
  value: string;
  label: string;
  description?: string;
}

/**
 * Radio buttons or checkboxes in a fieldset with its legend; the summary links to the first.
 * `groups` splits the choices under sub-headings (a goal, then its strategies).
 */
export function choiceField(o: {
  name: string;
  legend: string;
  type: 'radio' | 'checkbox';
  values: FormValues;
  errors: FormError[];
  description?: string;
  groups: { heading?: string; choices: Choice[] }[];
}): Html {
  const id = fieldId(o.name);
  const error = messageOf(o.errors, o.name);
  const chosen = new Set(texts(o.values, o.name));
  let first = true;
  const described = (inputId: string, ch: Choice) => {
    const ids = [error ? `${id}-feil` : '', ch.description ? `${inputId}-beskrivelse` : ''].filter(Boolean).join(' ');
    return ids ? html` aria-describedby="${ids}"` : '';
  };
  const input = (ch: Choice, i: string) => {
    const inputId = first ? id : `${id}-${i}`;
    first = false;
    return html`<div class="ds-field">
    <input class="ds-input" type="${o.type}" id="${inputId}" name="${o.name}" value="${ch.value}"${chosen.has(ch.value) ? html` checked` : ''}${error ? html` aria-invalid="true"` : ''}${described(inputId, ch)}>
    <label class="ds-label" data-weight="regular" for="${inputId}">${ch.label}</label>
    ${ch.description ? html`<div data-field="description" id="${inputId}-beskrivelse">${ch.description}</div>` : ''}
  </div>`;
  };
  return html`<fieldset class="ds-fieldset"${error ? html` aria-describedby="${id}-feil"` : ''}>
  <legend class="ds-label">${o.legend}</legend>
  ${o.description ? html`<p class="ds-paragraph" data-field="description">${o.description}</p>` : ''}
  ${o.groups.map(
    (g, gi) =>
      html`${g.heading ? html`<p class="ds-paragraph choice-group"><strong>${g.heading}</strong></p>` : ''}${g.choices.map((ch, ci) => input(ch, `${gi}-${ci}`))}`,
  )}
  ${error ? html`<div class="ds-validation-message" data-color="danger" id="${id}-feil">${error}</div>` : ''}
</fieldset>`;
}

/** The error summary at the top of a form: a heading and a link to each field in error. */
export function errorSummary(errors: FormError[]): Html {
  if (errors.length === 0) return html``;
  return html`<div class="ds-error-summary" id="feiloppsummering" tabindex="-1" autofocus>
  <h2 class="ds-heading" data-size="xs">For å gå videre må du rette opp dette:</h2>
  <ul class="ds-list">
    ${errors.map((e) => html`<li><a class="ds-link" href="#${fieldId(e.field)}">${e.message}</a></li>`)}
  </ul>
</div>`;
}

// ── from schema and workflow errors to the form's fields ─────────────────────

/**
 * The form's errors from errors with API paths ("amounts.2027", "cofunding.0.amount"), from the
 * zod schemas or the workflow's own validation: `fieldOf` names the form field of a path (null: the
 * form has no such field, then the message goes on `fallbackField`), `messageFor` the Norwegian
 * message for that field. One message per field, in the order of the form.
 */
export function formErrors(
  errors: FieldError[],
  fieldOf: (path: string) => string | null,
  messageFor: (field: string, path: string) => string,
  order: string[],
  fallbackField: string,
): FormError[] {
  const byField = new Map<string, string>();
  for (const e of errors) {
    const field = fieldOf(e.path) ?? fallbackField;
    if (!byField.has(field)) byField.set(field, messageFor(field, e.path));
  }
  const rank = (f: string) => {
    const i = order.indexOf(f);
    return i === -1 ? order.length : i;
  };
  return [...byField].map(([field, message]) => ({ field, message })).sort((a, b) => rank(a.field) - rank(b.field));
}

/** zod's issues as API paths, as the API reports them (services/api/endpoint.ts fieldErrors). */
export function zodPaths(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** What a refused action says in Norwegian by the kind of refusal, where the page says nothing more particular. */
const REFUSALS: Partial<Record<ProblemKind, string>> = {
  wrongPhase: 'Det er ikke mulig i fasen syklusen er i nå.',
  forbidden: 'Du har ikke lov til å gjøre dette.',
  notFound: 'Det du prøvde å endre, finnes ikke (lenger).',
  conflict: 'Det er allerede gjort, eller noe annet kom i forkjøpet.',
  invalidInput: 'Noe i skjemaet kan ikke registreres.',
  frameExceeded: 'Det går ut over en finansiørs ramme.',
};

/** The reason shown for a refused action: the page's own words for the kind, else the general one. */
export function refusalReason(problem: Problem, own: Partial<Record<ProblemKind, string>> = {}): string {
  return own[problem.kind] ?? REFUSALS[problem.kind] ?? 'Handlingen ble avvist.';
}

/** A refused action: why, and that nothing was changed. */
export function refusalBox(reason: string): Html {
  return html`<div class="ds-alert" data-color="danger" role="alert">
  <h2 class="ds-heading" data-size="xs">Ikke registrert</h2>
  <p class="ds-paragraph">${reason} Ingenting er endret.</p>
</div>`;
}

/** A done action: what was recorded, line by line. */
export function receipt(heading: string, lines: [string, Html | string][], next?: Html): Html {
  return html`<div class="ds-alert" data-color="success" role="status">
  <h2 class="ds-heading" data-size="xs">${heading}</h2>
</div>
<dl class="facts receipt">
  ${lines.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}
</dl>
${next ?? ''}`;
}

/** A submit button; `secondary` for "Avbryt"-like choices. */
export function submitButton(
  label: string,
  variant: 'primary' | 'secondary' = 'primary',
  extra?: { name: string; value: string },
): Html {
  return html`<button class="ds-button" data-variant="${variant}" type="submit"${extra ? html` name="${extra.name}" value="${extra.value}"` : ''}>${label}</button>`;
}

/** Problems the action pages turn into a refusal on the page; anything else (an outage) goes on to the page's 503. */
export function isRefusal(err: unknown): err is Problem {
  return err instanceof Problem && err.status < 500;
}
