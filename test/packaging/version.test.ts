// Keeps src/version.ts, which the build inlines from package.json, equal to package.json.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { versionModule } from '../../scripts/build.js';

describe('src/version.ts', () => {
  it('states the version and the minimum Node.js of package.json (npm run build rewrites it)', () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(readFileSync(new URL('../../src/version.ts', import.meta.url), 'utf8')).toBe(versionModule(manifest));
  });
});
