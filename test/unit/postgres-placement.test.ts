/** Removing a cluster folder that is a link (a cluster relocated under /var/tmp when root): only our own relocations are followed. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeCluster } from '../../services/stack/postgres-placement.js';

const dirs: string[] = [];
const temp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'hoep-placement-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('removeCluster', () => {
  it('removes a link to a folder that is not one of its relocations, and leaves that folder alone', () => {
    const elsewhere = temp();
    fs.writeFileSync(path.join(elsewhere, 'PG_VERSION'), '17\n');
    const data = temp();
    fs.symlinkSync(elsewhere, path.join(data, 'pg'));
    removeCluster(path.join(data, 'pg'));
    expect(fs.existsSync(path.join(data, 'pg'))).toBe(false);
    expect(fs.readFileSync(path.join(elsewhere, 'PG_VERSION'), 'utf8')).toBe('17\n');
  });

  it('removes a cluster folder in place, and does nothing when there is none', () => {
    const data = temp();
    fs.mkdirSync(path.join(data, 'pg'));
    fs.writeFileSync(path.join(data, 'pg', 'PG_VERSION'), '17\n');
    removeCluster(path.join(data, 'pg'));
    expect(fs.existsSync(path.join(data, 'pg'))).toBe(false);
    expect(() => removeCluster(path.join(data, 'pg'))).not.toThrow();
  });
});
