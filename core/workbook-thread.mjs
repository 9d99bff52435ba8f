// A workbook thread (core/workbook-threads.ts): writes the files it is asked for, one at a time.
// Plain JavaScript, so that it starts on node alone, whatever the parent runs under (tsx, vitest);
// it registers tsx (a runtime dependency) itself to import the TypeScript writers.
import { parentPort } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();

parentPort.on('message', async ({ id, module, name, args }) => {
  try {
    const writer = (await import(module))[name];
    if (typeof writer !== 'function') throw new Error(`${module} exports no writer ${name}`);
    const made = await writer(...args);
    // Bytes of their own to hand over without a copy: a Buffer may be a view of a shared pool.
    const bytes = new Uint8Array(made.byteLength);
    bytes.set(made);
    parentPort.postMessage({ id, bytes }, [bytes.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err), stack: err?.stack });
  }
});
