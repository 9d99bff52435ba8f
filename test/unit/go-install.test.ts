/**
 * The one go-install builder of the Temporal CLI and the full Temporal server
 * (services/stack/go-install.ts), run with a stand-in `go` that writes its binaries into $GOBIN:
 * the binaries land in the cache under their names, nothing half-built stays behind, and a failed
 * build says why and leaves no binary.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cachedCliPath } from '../../services/stack/temporal-cli.js';
import { cachedServerDir } from '../../services/stack/temporal-full-server.js';
import { goInstall } from '../../services/stack/go-install.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A `go` that names two packages on stderr, then writes each name in $BUILT into $GOBIN, or exits $FAIL. */
function fakeGo(root: string): string {
  const go = path.join(root, 'go');
  fs.writeFileSync(
    go,
    '#!/bin/sh\necho "pkg/a" >&2\necho "pkg/b" >&2\n[ -n "$FAIL" ] && { echo "compile error" >&2; exit "$FAIL"; }\n' +
      'for b in $BUILT; do echo "#!/bin/sh" > "$GOBIN/$b"; chmod +x "$GOBIN/$b"; done\n',
    { mode: 0o755 },
  );
  return go;
}

describe('goInstall', () => {
  const setUp = () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'go-install-'));
    dirs.push(root);
    const env = { ...process.env, XDG_CACHE_HOME: path.join(root, 'cache') };
    return { root, env, go: fakeGo(root) };
  };

  it("puts the full server's two binaries into its cache folder under their names, and leaves no build folder", async () => {
    const { env, go } = setUp();
    const dir = cachedServerDir(env);
    const lines: string[] = [];
    await goInstall({
      go,
      args: ['x/cmd/server@v1', 'x/cmd/tools/sql@v1'],
      dir,
      binaries: { server: 'temporal-server', sql: 'temporal-sql-tool' },
      what: 'the server',
      takes: 'a moment',
      log: (l) => lines.push(l),
      env: { ...env, BUILT: 'server sql' },
    });
    expect(fs.readdirSync(dir).sort()).toEqual(['temporal-server', 'temporal-sql-tool']);
    expect(fs.readdirSync(path.dirname(dir))).toEqual([path.basename(dir)]);
    expect(lines[0]).toMatch(/^The server not found: building it with .*go/);
    expect(lines.at(-1)).toMatch(/^Built the server in \d+ s/);
  });

  it('a failed build of the CLI says why, with the help, and leaves no binary in the cache', async () => {
    const { env, go } = setUp();
    const target = cachedCliPath(env);
    const build = goInstall({
      go,
      args: ['x/cmd/temporal@v1'],
      dir: path.dirname(target),
      binaries: { temporal: 'temporal' },
      what: 'the Temporal CLI',
      takes: 'a moment',
      help: 'Install it another way.',
      log: () => undefined,
      env: { ...env, BUILT: 'temporal', FAIL: '2' },
    });
    await expect(build).rejects.toThrow(
      /Building the Temporal CLI failed \(go exit code 2\)[\s\S]*compile error[\s\S]*Install it another way\./,
    );
    expect(fs.existsSync(target)).toBe(false);
    expect(fs.readdirSync(path.dirname(path.dirname(target)))).toEqual([path.basename(path.dirname(target))]);
  });
});
