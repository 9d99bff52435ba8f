/**
 * A kept page compressed once, with a few small texts that differ per request (the reader's name,
 * the session's CSRF token, a form's one-time key) put in without compressing the page again.
 *
 * HTTP's "deflate" coding is the zlib format (RFC 1950): a two-byte header, deflate blocks
 * (RFC 1951) and the Adler-32 of the whole text. Each kept piece is deflated once on its own and
 * ended with a full flush, which leaves the stream on a byte boundary with no reference back into
 * the piece, and marks no block as the last; a per-request text goes in as a stored (uncompressed)
 * block; an empty stored block ends the stream. The checksum of the whole is the pieces' checksums
 * combined (Adler-32 combines by arithmetic, as zlib's adler32_combine does), so a request costs a
 * few small buffers and a copy, not a megabyte of deflate. (Several gzip members one after the
 * other would be simpler, but Chromium reads only the first.)
 */
import { constants, deflateRawSync } from 'node:zlib';

const BASE = 65521;

/** Adler-32 of some bytes (RFC 1950, section 9). */
export function adler32(bytes: Uint8Array, start = 1): number {
  let a = start & 0xffff;
  let b = start >>> 16;
  for (let i = 0; i < bytes.length;) {
    // At most 5552 bytes before the sums can overflow 2^32 (zlib's NMAX).
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= BASE;
    b %= BASE;
  }
  return ((b << 16) | a) >>> 0;
}

/** The Adler-32 of two texts one after the other, from theirs and the second's length (zlib's adler32_combine). */
export function adler32Combine(first: number, second: number, secondLength: number): number {
  const rem = secondLength % BASE;
  let sum1 = first & 0xffff;
  let sum2 = (rem * sum1) % BASE;
  sum1 += (second & 0xffff) + BASE - 1;
  sum2 += (first >>> 16) + (second >>> 16) + BASE - rem;
  if (sum1 >= BASE) sum1 -= BASE;
  if (sum1 >= BASE) sum1 -= BASE;
  if (sum2 >= BASE << 1) sum2 -= BASE << 1;
  if (sum2 >= BASE) sum2 -= BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}

interface Piece {
  deflated: Buffer;
  adler: number;
  length: number;
}

/** A kept piece: deflated, ended by a full flush (byte-aligned, not the last block). */
function keptPiece(text: Buffer): Piece {
  return {
    deflated: deflateRawSync(text, { finishFlush: constants.Z_FULL_FLUSH }),
    adler: adler32(text),
    length: text.length,
  };
}

/** A text as stored deflate blocks (each at most 65 535 bytes), none of them the last. */
function storedBlocks(text: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let at = 0; at < text.length; at += 0xffff) {
    const chunk = text.subarray(at, at + 0xffff);
    const header = Buffer.from([
      0x00,
      chunk.length & 0xff,
      chunk.length >>> 8,
      ~chunk.length & 0xff,
      (~chunk.length >>> 8) & 0xff,
    ]);
    out.push(header, chunk);
  }
  return Buffer.concat(out);
}

const ZLIB_HEADER = Buffer.from([0x78, 0x9c]);
/** An empty stored block marked as the last. */
const LAST_BLOCK = Buffer.from([0x01, 0x00, 0x00, 0xff, 0xff]);

/** A text cut at its marks (hole name -> the mark standing for it): the bytes between them, and which hole stands where. */
export function cutAt<Hole extends string>(text: string, marks: Record<Hole, string>): (Buffer | Hole)[] {
  const out: (Buffer | Hole)[] = [];
  let rest = text;
  for (;;) {
    let next: { at: number; hole: Hole } | null = null;
    for (const hole of Object.keys(marks) as Hole[]) {
      const at = rest.indexOf(marks[hole]);
      if (at >= 0 && (next === null || at < next.at)) next = { at, hole };
    }
    if (next === null) return [...out, Buffer.from(rest)];
    out.push(Buffer.from(rest.slice(0, next.at)), next.hole);
    rest = rest.slice(next.at + marks[next.hole].length);
  }
}

/** A page of kept pieces with named holes between them, to be filled per request. */
export class SplicedPage<Hole extends string> {
  private readonly pieces: (Piece | Hole)[];

  /** `parts`: the page's text, cut where a hole goes (a string that is a hole's name marks it). */
  constructor(
    parts: readonly (Buffer | Hole)[],
    private readonly isHole: (p: Buffer | Hole) => p is Hole,
  ) {
    this.pieces = parts.map((p) => (this.isHole(p) ? p : keptPiece(p)));
  }

  /** The page, its holes filled, in HTTP's deflate coding (the zlib format), in one allocation. */
  deflate(fill: Record<Hole, Buffer>): Uint8Array<ArrayBuffer> {
    const chunks: Uint8Array[] = [ZLIB_HEADER];
    let adler = 1;
    for (const p of this.pieces) {
      if (typeof p === 'string') {
        const text = fill[p];
        chunks.push(storedBlocks(text));
        adler = adler32Combine(adler, adler32(text), text.length);
      } else {
        chunks.push(p.deflated);
        adler = adler32Combine(adler, p.adler, p.length);
      }
    }
    const trailer = Buffer.alloc(4);
    trailer.writeUInt32BE(adler);
    chunks.push(LAST_BLOCK, trailer);
    const out = new Uint8Array(chunks.reduce((n, ch) => n + ch.length, 0));
    let at = 0;
    for (const ch of chunks) {
      out.set(ch, at);
      at += ch.length;
    }
    return out;
  }
}
