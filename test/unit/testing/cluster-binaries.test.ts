import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveClusterBinaries } from '../../../src/testing/binaries.js';

describe('resolveClusterBinaries', () => {
  let dir = '';
  const path = (name: string): string => join(dir, name);
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kubeloop-binaries-'));
    for (const name of ['kcm', 'scheduler', 'kwok', 'lonely-kwok']) {
      await writeFile(path(name), '#!/bin/sh\n');
      await chmod(path(name), 0o755);
    }
    await writeFile(path('kwok-stages.yaml'), 'kind: Stage\n');
    await writeFile(path('other-stages.yaml'), 'kind: Stage\n');
    await writeFile(path('not-executable'), '');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const assets = () => ({
    TEST_ASSET_KUBE_CONTROLLER_MANAGER: path('kcm'),
    TEST_ASSET_KUBE_SCHEDULER: path('scheduler'),
    TEST_ASSET_KWOK: path('kwok'),
  });

  it("takes each binary from its TEST_ASSET_* variable and kwok's stages from beside kwok, building nothing", async () => {
    expect(await resolveClusterBinaries(assets())).toEqual({
      kubeControllerManager: path('kcm'),
      kubeScheduler: path('scheduler'),
      kwok: path('kwok'),
      kwokStages: path('kwok-stages.yaml'),
    });
  });

  it('prefers TEST_ASSET_KWOK_STAGES to the stages beside kwok', async () => {
    const binaries = await resolveClusterBinaries({ ...assets(), TEST_ASSET_KWOK_STAGES: path('other-stages.yaml') });

    expect(binaries.kwokStages).toBe(path('other-stages.yaml'));
  });

  it('rejects a kwok without stages, naming the variable that supplies them', async () => {
    await expect(resolveClusterBinaries({ ...assets(), TEST_ASSET_KWOK: path('lonely-kwok') })).rejects.toThrow(
      /lonely-kwok-stages\.yaml are missing \(set TEST_ASSET_KWOK_STAGES/,
    );
  });

  it('rejects a variable that points at no executable, naming it', async () => {
    await expect(
      resolveClusterBinaries({ ...assets(), TEST_ASSET_KUBE_SCHEDULER: path('not-executable') }),
    ).rejects.toThrow(/TEST_ASSET_KUBE_SCHEDULER points at .*not-executable/);
  });
});
