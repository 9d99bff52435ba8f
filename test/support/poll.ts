/**
 * Waiting for something another process does (a workflow reaching a phase, a row appearing): read
 * until `done`, or fail after `timeoutMs` saying what was awaited and what was seen last. Tests and
 * scripts wait with a bound, never a sleep of a guessed length.
 */
export async function poll<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const giveUp = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > giveUp)
      throw new Error(
        `gave up after ${timeoutMs / 1000} s waiting for ${what}; last seen: ${JSON.stringify(value)?.slice(0, 500)}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
