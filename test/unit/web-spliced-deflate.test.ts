/**
 * The kept page compressed once with per-request texts put in (web/spliced-deflate.ts): what
 * zlib's own inflate (which checks the Adler-32) reads back is the page with its holes filled,
 * for holes empty, short and longer than one stored block, at the start, between and at the end.
 */
import { randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { adler32, adler32Combine, SplicedPage } from '../../web/spliced-deflate.js';

type Hole = 'name' | 'token';
const isHole = (p: Buffer | Hole): p is Hole => typeof p === 'string';

describe('a page compressed once, with holes filled per request', () => {
  it('inflates to the page with each hole filled, its checksum right', () => {
    const page = Buffer.from('<p>Ørjan & co</p>'.repeat(20_000));
    const parts: (Buffer | Hole)[] = ['token', page, 'name', Buffer.from('<footer>slutt</footer>'), 'token'];
    const spliced = new SplicedPage(parts, isHole);
    for (const fill of [
      { name: Buffer.from(''), token: Buffer.from('abc') },
      { name: Buffer.from('Ordfører i Øyer'), token: randomBytes(70_000) },
    ]) {
      const expected = Buffer.concat(parts.map((p) => (isHole(p) ? fill[p] : p)));
      expect(inflateSync(spliced.deflate(fill)).equals(expected)).toBe(true);
    }
    expect(spliced.deflate({ name: Buffer.from('x'), token: Buffer.from('y') }).length).toBeLessThan(page.length / 20);
  });

  it('computes and combines Adler-32 as zlib does', () => {
    const a = randomBytes(100_003);
    const b = randomBytes(7);
    // zlib's own: the last four bytes of its zlib stream.
    expect(adler32(a)).toBe(deflateSync(a).readUInt32BE(deflateSync(a).length - 4));
    expect(adler32Combine(adler32(a), adler32(b), b.length)).toBe(adler32(Buffer.concat([a, b])));
  });
});
