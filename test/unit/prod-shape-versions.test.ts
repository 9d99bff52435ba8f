/** docker-compose.yml and `npm run prod-shape` run the same Temporal server version (one place: TEMPORAL_SERVER_VERSION). */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TEMPORAL_SERVER_VERSION } from '../../services/stack/temporal-full-server.js';

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
});
