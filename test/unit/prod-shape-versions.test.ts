/**
 * docker-compose.yml and `npm run prod-shape` run the same Temporal server version (one place:
 * TEMPORAL_SERVER_VERSION) with the same server settings as the dev server (one file:
 * services/stack/temporal-dynamicconfig.yaml).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEMPORAL_SERVER_VERSION } from '../../services/stack/temporal-full-server.js';
import { TEMPORAL_DYNAMIC_CONFIG } from '../../services/stack/temporal-server.js';

describe('the production shape', () => {
  it('names the Temporal version of services/stack/temporal-full-server.ts in every Temporal image of docker-compose.yml', () => {
    const compose = fs.readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
    const images = [...compose.matchAll(/image: temporalio\/(server|admin-tools):(\S+)/g)].map((m) => [
      m[1],
      m[2]!.split('-')[0],
    ]);
    expect(images.length).toBeGreaterThanOrEqual(3);
    for (const [, version] of images) expect(version).toBe(TEMPORAL_SERVER_VERSION);
  });

  it("runs every Temporal server with the dev server's settings: compose mounts the file prod-shape copies", () => {
    const file = fs.readFileSync(new URL('../../services/stack/temporal-dynamicconfig.yaml', import.meta.url), 'utf8');
    // The file's form: `key:` then `  - value: <JSON scalar>`, one value per key.
    const settings = Object.fromEntries(
      [...file.matchAll(/^(\S+):\n\s+- value: (.+)$/gm)].map((m) => [m[1], JSON.parse(m[2]!) as unknown]),
    );
    expect(settings).toEqual(TEMPORAL_DYNAMIC_CONFIG);
    const compose = fs.readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');
    const mounted = /- \.\/services\/stack\/temporal-dynamicconfig\.yaml:(\S+):ro/.exec(compose)?.[1];
    expect(mounted).toBeDefined();
    expect(compose).toContain(`DYNAMIC_CONFIG_FILE_PATH: ${mounted}`);
  });
});
