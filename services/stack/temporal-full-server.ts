/**
 * The full Temporal server (`go.temporal.io/server`, not the CLI's dev server) and its SQL tool,
 * for the production shape without Docker (scripts/prod-shape.ts). Found in the cache or built
 * once from the Go module proxy, like the CLI (./temporal-cli.ts):
 *   ${XDG_CACHE_HOME:-~/.cache}/hoep/temporal-server/v<version>/temporal-server
 *                                                          .../temporal-sql-tool
 *                                                          .../schema/postgresql/v12/{temporal,visibility}/versioned
 * The schema folders are the ones shipped in the server's Go module (`go mod download`), copied
 * beside the binaries so that a later run needs no Go.
 *
 * TEMPORAL_SERVER_VERSION is the one place for the version: docker-compose.yml's temporal and
 * admin-tools images name the same one (a comment there points here).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, goInstall, isExecutable, onPath } from './go-install.js';

export const TEMPORAL_SERVER_VERSION = '1.29.1';
const MODULE = 'go.temporal.io/server';

export interface TemporalServerTools {
  server: string;
  sqlTool: string;
  /** schema/postgresql/v12: temporal/versioned and visibility/versioned inside */
  postgresSchemaDir: string;
}

export function cachedServerDir(env: NodeJS.ProcessEnv = process.env): string {
  return cacheDir(env, 'temporal-server', `v${TEMPORAL_SERVER_VERSION}`);
}

export async function findOrBuildTemporalServer(
  options: { log?: (line: string) => void; env?: NodeJS.ProcessEnv } = {},
): Promise<TemporalServerTools> {
  const { log = console.log, env = process.env } = options;
  const dir = cachedServerDir(env);
  const tools: TemporalServerTools = {
    server: path.join(dir, 'temporal-server'),
    sqlTool: path.join(dir, 'temporal-sql-tool'),
    postgresSchemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
  };
  const haveBinaries = isExecutable(tools.server) && isExecutable(tools.sqlTool);
  const haveSchema = fs.existsSync(path.join(tools.postgresSchemaDir, 'temporal', 'versioned'));
  if (haveBinaries && haveSchema) return tools;
  const go = onPath('go', env);
  if (!go) {
    throw new Error(
      `The full Temporal server v${TEMPORAL_SERVER_VERSION} is not in ${dir}, and Go is not installed to build it. ` +
        `Install Go (https://go.dev/dl/) and run again: it is built once (about 5-10 minutes on 2 cores).`,
    );
  }
  fs.mkdirSync(dir, { recursive: true });
  if (!haveBinaries)
    // Both binaries in one `go install`.
    await goInstall({
      go,
      args: [`${MODULE}/cmd/server@v${TEMPORAL_SERVER_VERSION}`, `${MODULE}/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`],
      dir,
      binaries: { server: 'temporal-server', sql: 'temporal-sql-tool' },
      what: `the Temporal server (${MODULE} v${TEMPORAL_SERVER_VERSION}) and its SQL tool`,
      takes: '5-10 minutes on 2 cores',
      log,
      env,
    });
  if (!haveSchema) await copySchema(go, dir, env);
  return tools;
}

async function copySchema(go: string, dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  const { stdout } = await promisify(execFile)(
    go,
    ['mod', 'download', '-json', `${MODULE}@v${TEMPORAL_SERVER_VERSION}`],
    { env, cwd: os.tmpdir(), maxBuffer: 1 << 20 },
  );
  const moduleDir = (JSON.parse(stdout) as { Dir: string }).Dir;
  const staging = fs.mkdtempSync(path.join(dir, '.schema-'));
  fs.cpSync(path.join(moduleDir, 'schema', 'postgresql'), path.join(staging, 'postgresql'), { recursive: true });
  // The module cache is read-only; the copy should be removable.
  fs.chmodSync(staging, 0o755);
  for (const entry of fs.readdirSync(staging, { recursive: true, withFileTypes: true })) {
    fs.chmodSync(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
  }
  fs.rmSync(path.join(dir, 'schema'), { recursive: true, force: true });
  fs.renameSync(staging, path.join(dir, 'schema'));
}
