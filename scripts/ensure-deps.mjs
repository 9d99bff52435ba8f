// Installs the dependencies when node_modules is missing or older than package.json or
// package-lock.json, so `npm start` and `npm test` work on a fresh clone. Plain Node, no deps.
/* global process, console */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// npm rewrites this hidden lockfile on every install; its age is the age of node_modules.
const installed = path.join(root, 'node_modules', '.package-lock.json');
const mtime = (file) => (fs.existsSync(file) ? fs.statSync(file).mtimeMs : undefined);

const installedAt = mtime(installed);
const newest = Math.max(...['package.json', 'package-lock.json'].map((f) => mtime(path.join(root, f)) ?? 0));
if (installedAt !== undefined && installedAt >= newest) process.exit(0);

const reason =
  installedAt === undefined
    ? 'node_modules is missing or incomplete'
    : 'package.json or package-lock.json changed since the last install';
const args = ['install', '--no-audit', '--no-fund'];
console.log(`${reason}: running npm ${args.join(' ')}`);
const started = Date.now();
const result = spawnSync('npm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.status !== 0) {
  console.error(`npm install failed (${result.error?.message ?? `exit code ${result.status}`}).`);
  process.exit(result.status || 1);
}
// npm may write package-lock.json after its hidden lockfile; mark this install as the newest.
const now = new Date();
fs.utimesSync(installed, now, now);
console.log(`Dependencies installed in ${Math.round((Date.now() - started) / 1000)} s.`);
