import { html } from 'hono/html';
import { describe, expect, it } from 'vitest';
import type { Person } from '../../web/env.js';
import { layout } from '../../web/layout.js';

const mayor: Person = {
  sub: 'mayor-3405',
  name: 'Ordfører i Lillehammer',
  roles: ['ipr_member'],
  partnership: 'lillehammer-regionen',
};
const page = async (
  person: Person | null,
  crumbs = [{ label: 'Mine oppgaver', href: '/' }, { label: 'Lillehammer-regionen 2027' }],
) =>
  String(
    await layout({
      title: 'Lillehammer-regionen 2027',
      person,
      csrfToken: 'tok-123',
      breadcrumbs: crumbs,
      body: html`<p>${'<b>innhold</b>'}</p>`,
    }),
  );

describe('the page frame', () => {
  it('has a skip link to main, the landmarks, one h1 and the statement in the footer', async () => {
    const p = await page(null);
    expect(p).toMatch(/^<!doctype html>\n<html lang="nb"/);
    expect(p).toContain('<a class="ds-skip-link" href="#hovedinnhold">');
    expect(p).toContain('<main id="hovedinnhold"');
    for (const landmark of ['<header', '<nav class="page-nav" aria-label="Hovedmeny">', '<footer'])
      expect(p).toContain(landmark);
    expect(p.match(/<h1[\s>]/g)).toHaveLength(1);
    expect(p).toMatch(/<footer[\s\S]*href="\/tilgjengelighet"/);
    expect(p).toMatch(/<link rel="stylesheet" href="\/assets\/hoep\.[A-Za-z0-9_-]{16}\.css">/);
    expect(p).not.toMatch(/<script|style=/);
  });

  it('marks the current page in the breadcrumbs and offers the parent below 650 px', async () => {
    const p = await page(null);
    expect(p).toContain('<nav class="ds-breadcrumbs" aria-label="Du er her:">');
    expect(p).toContain('aria-current="page">Lillehammer-regionen 2027</a>');
    expect(p).toContain('aria-label="Tilbake til Mine oppgaver"');
  });

  it('offers "Logg inn" signed out, and the name with a "Logg ut" form carrying the CSRF token signed in', async () => {
    const out = await page(null);
    expect(out).toContain('href="/logg-inn">Logg inn</a>');
    expect(out).not.toContain('Logg ut');
    const signed = await page(mayor);
    expect(signed).toContain('<strong>Ordfører i Lillehammer</strong>');
    expect(signed).toMatch(
      /<form method="post" action="\/logg-ut">\s*<input type="hidden" name="_csrf" value="tok-123">\s*<button[^>]*type="submit">Logg ut<\/button>/,
    );
  });

  it('escapes what it is given', async () => {
    expect(await page(null)).toContain('<p>&lt;b&gt;innhold&lt;/b&gt;</p>');
    expect(await page({ ...mayor, name: '<img src=x>' })).toContain('&lt;img src=x&gt;');
  });
});
