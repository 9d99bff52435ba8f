/**
 * The Excel workbooks are written off the event loop, in worker threads: exceljs takes the best
 * part of a second (and more) for a 500-measure cycle, all of it on the thread that calls it, and
 * every other request of the API process (other people's pages, the API, /readyz) would wait.
 *
 * A writer is an exported async function of a module that returns a file's bytes; its arguments
 * cross to the thread by structured clone (plain data, Maps and Dates: no functions). The module is
 * imported in the thread, so it should import little beyond exceljs: web/allocation-workbook.ts and
 * core/export-xlsx.ts are such modules, where web/allocation-export.ts, which pulls in the whole
 * engine through web/core.ts, is not.
 *
 * - At most MAX_THREADS threads, each started when a build finds none idle, and ended when idle
 *   for IDLE_MS. A thread holds the process open only while it builds (ref'd then, unref'd when
 *   idle), so an idle one ends with the process and never delays its exit: SIGTERM's process.exit
 *   in services/api/main.ts, or a test run's end.
 * - The thread loads TypeScript itself (workbook-thread.mjs registers tsx, a runtime dependency),
 *   so it works however the API runs: under tsx (npm start, `npm run api`, the Docker image,
 *   prod-shape) and inside vitest. It takes no node flags of the parent's: tsx's own loader flag,
 *   which a tsx parent has, does not load a worker's TypeScript entry on Node 20 anyway.
 * - A build that throws rejects with its error; a thread that dies (an uncaught error, out of
 *   memory) rejects the build it had, and the next build gets a new thread; either way the request
 *   answers as a failed build did on the event loop (500), never hangs. A request waits for a build
 *   no longer than its own budget (services/api/endpoint.ts READ_TIMEOUT_MS, web/pages/render.ts
 *   PAGE_DEADLINE_MS: then 503); a build still running at BUILD_TIMEOUT_MS is stuck, not slow, and
 *   its thread is ended so that the builds after it are not held up.
 *
 * The thread entry is found beside this file (new URL(..., import.meta.url)): a bundle of the API
 * (as services/worker/build.ts makes of the worker) would need workbook-thread.mjs and the writer
 * modules beside it.
 */
import { Worker } from 'node:worker_threads';

const MAX_THREADS = 2;
/** Far past every request's budget (4.5 s and 8 s) and any real build (a 500-measure cycle's: about 0.5-1.6 s). */
const BUILD_TIMEOUT_MS = 60_000;
/**
 * An idle thread is ended after this long: it holds 100-180 MB (exceljs, tsx, the last build's
 * heap) for downloads that come a few a day; a new one starts in about half a second.
 */
const IDLE_MS = 5 * 60_000;

const ENTRY = new URL('./workbook-thread.mjs', import.meta.url);

type Bytes = Uint8Array<ArrayBuffer>;
/** A writer: an export of `module` (by its name) that makes a file's bytes of structured-clonable arguments. */
export type Writer<A extends unknown[]> = (...args: A) => Promise<Uint8Array>;

interface Build {
  id: number;
  module: string;
  name: string;
  args: unknown[];
  timeoutMs: number;
  resolve: (bytes: Buffer) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  build: Build | null;
  /** the build's bound while it builds, the idle end while it waits */
  timer?: NodeJS.Timeout;
}

type Answer = { id: number; bytes: Bytes } | { id: number; error: string; stack?: string };

const threads: Thread[] = [];
const queue: Build[] = [];
let nextId = 1;

/** What the pool has done, for tests and diagnostics. */
export const workbookThreadStats = { started: 0, built: 0, died: 0, timedOut: 0 };

/**
 * The bytes `writer` (an export of the module at `module`, e.g. the writer's own import.meta.url)
 * makes of `args`, written in a workbook thread.
 */
export function inWorkbookThread<A extends unknown[]>(
  module: string | URL,
  writer: Writer<A>,
  args: A,
  timeoutMs = BUILD_TIMEOUT_MS,
): Promise<Buffer> {
  if (!writer.name) return Promise.reject(new Error('a workbook writer is a named export of its module'));
  return new Promise<Buffer>((resolve, reject) => {
    queue.push({ id: nextId++, module: String(module), name: writer.name, args, timeoutMs, resolve, reject });
    dispatch();
  });
}

/** Hands waiting builds to idle threads, starting threads up to MAX_THREADS. */
function dispatch(): void {
  while (queue.length > 0) {
    const thread = threads.find((t) => t.build === null) ?? (threads.length < MAX_THREADS ? start() : null);
    if (!thread) return;
    const build = queue.shift()!;
    clearTimeout(thread.timer);
    thread.build = build;
    thread.worker.ref();
    thread.timer = setTimeout(() => {
      workbookThreadStats.timedOut += 1;
      // Out of the pool at once, and ended: the only way to stop a build.
      leave(thread);
      void thread.worker.terminate();
      settle(thread, () => build.reject(new Error(`the workbook was not built within ${build.timeoutMs / 1000} s`)));
      dispatch();
    }, build.timeoutMs);
    try {
      thread.worker.postMessage({ id: build.id, module: build.module, name: build.name, args: build.args });
    } catch (err) {
      // Arguments that structured clone cannot carry (a function, a class instance's methods).
      settle(thread, () => build.reject(err as Error));
    }
  }
}

function leave(thread: Thread): void {
  const i = threads.indexOf(thread);
  if (i >= 0) threads.splice(i, 1);
}

/** Ends the thread's build (its outcome given by `outcome`) and frees the thread for the next. */
function settle(thread: Thread, outcome: () => void): void {
  clearTimeout(thread.timer);
  thread.build = null;
  thread.worker.unref();
  if (threads.includes(thread))
    thread.timer = setTimeout(() => {
      leave(thread);
      void thread.worker.terminate();
    }, IDLE_MS).unref();
  outcome();
}

function start(): Thread {
  workbookThreadStats.started += 1;
  const worker = new Worker(ENTRY, { execArgv: [] });
  const thread: Thread = { worker, build: null };
  threads.push(thread);
  let failure: Error | undefined;
  worker.on('message', (answer: Answer) => {
    const build = thread.build;
    if (!build || build.id !== answer.id) return; // a build that timed out meanwhile
    settle(thread, () => {
      if ('bytes' in answer) {
        workbookThreadStats.built += 1;
        build.resolve(Buffer.from(answer.bytes.buffer, answer.bytes.byteOffset, answer.bytes.byteLength));
      } else build.reject(Object.assign(new Error(answer.error), answer.stack ? { stack: answer.stack } : {}));
    });
    dispatch();
  });
  worker.on('error', (err) => (failure = err));
  // An answer that cannot be read here fails its build at once, rather than at BUILD_TIMEOUT_MS.
  worker.on('messageerror', (err) => {
    const build = thread.build;
    if (!build) return;
    settle(thread, () => build.reject(new Error(`the workbook thread's answer could not be read: ${err.message}`)));
    dispatch();
  });
  worker.on('exit', (code) => {
    leave(thread);
    const build = thread.build;
    if (build) {
      workbookThreadStats.died += 1;
      const why = failure ? `: ${failure.message}` : ` with exit code ${code}`;
      settle(thread, () => build.reject(new Error(`the workbook thread stopped${why}`, { cause: failure })));
    }
    dispatch();
  });
  return thread;
}
