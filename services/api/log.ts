/** JSON log lines, one object per line, so a log shipper needs no parser of its own. */
export type Level = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

const rank: Record<Level, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function jsonLogger(
  min: Level = 'info',
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Logger {
  // The time as text, made once per millisecond: a busy API logs several requests in one.
  let lastMs = -1;
  let lastTime = '';
  const time = () => {
    const ms = Date.now();
    if (ms !== lastMs) {
      lastMs = ms;
      lastTime = new Date(ms).toISOString();
    }
    return lastTime;
  };
  return {
    log(level, msg, fields = {}) {
      if (rank[level] < rank[min]) return;
      write(JSON.stringify({ time: time(), level, msg, ...fields }));
    },
  };
}

export const silentLogger: Logger = { log: () => {} };
