import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESERVED_PLATFORM_SLUGS } from './platform-limits';

describe('reserved platform slugs', () => {
  it('cover every literal route segment directly under /v1/platforms/ in openapi/openapi.json', () => {
    const openapi = JSON.parse(readFileSync(join(__dirname, '..', '..', 'openapi', 'openapi.json'), 'utf8'));
    const segments = Object.keys(openapi.paths as Record<string, unknown>)
      .map((path) => /^\/v1\/platforms\/([^/{]+)(\/|$)/.exec(path)?.[1])
      .filter((segment): segment is string => segment !== undefined);
    expect(segments).toContain('host');
    for (const segment of segments) expect(RESERVED_PLATFORM_SLUGS).toContain(segment);
  });
});
