/**
 * `npm run bench`: the benchmarks, one after the other on this machine (never timed assertions
 * in tests). Each prints its own figures and a JSON line; the last line here merges them.
 *   - bench-cycles: 60 partnerships' cycles carried to adoption concurrently (issue 3)
 *   - bench-api: submission latency against a no-op Update, allocations throughput against a no-op route (issue 4)
 *   - bench-web: the public page of an adopted 500-measure cycle (issue 9) and, signed in, the cycle page,
 *     the priority-list editor and the allocations page (issue 10), against a no-op route
 *   - bench-xlsx: the no-op route's latency while the Excel workbooks of a 500-measure cycle are built
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const only = process.argv.slice(2);
const benches = ['bench-cycles', 'bench-api', 'bench-web', 'bench-xlsx'].filter(
  (b) => only.length === 0 || only.includes(b),
);

function run(name: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    console.log(`\n=== ${name} ===`);
    const child = spawn(tsx, [path.join(root, 'scripts', `${name}.ts`)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: process.env,
    });
    let last = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      const lines = chunk.toString().trim().split('\n');
      last = lines[lines.length - 1] ?? last;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${name} exited with ${code}`));
      try {
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`${name} did not end with a JSON line`));
      }
    });
  });
}

const results: Record<string, unknown> = {};
for (const name of benches) Object.assign(results, await run(name));
console.log(JSON.stringify(results));
