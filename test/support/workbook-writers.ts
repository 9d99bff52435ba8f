/**
 * Writers that misbehave, for test/unit/workbook-threads.test.ts: the workbook threads import this
 * module as they import the real writers (core/workbook-threads.ts).
 */
export const WRITERS_MODULE = import.meta.url;

/** Holds its thread until `flag` is set (or 10 s pass); says which. */
export async function heldUntilReleased(flag: SharedArrayBuffer): Promise<Uint8Array> {
  const outcome = Atomics.wait(new Int32Array(flag), 0, 0, 10_000);
  return new TextEncoder().encode(outcome === 'timed-out' ? 'timed out' : 'released');
}

export async function fails(): Promise<Uint8Array> {
  throw new Error('no workbook today');
}

/** Ends its thread, as a crash would. */
export async function dies(): Promise<Uint8Array> {
  process.exit(7);
}

/** Never returns, and never lets its thread do anything else. */
export async function spins(): Promise<Uint8Array> {
  for (;;);
}

export async function echoes(text: string): Promise<Uint8Array> {
  return new TextEncoder().encode(text);
}
