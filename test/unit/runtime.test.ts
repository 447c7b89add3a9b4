import { describe, expect, it } from 'vitest';

describe('the test runtime', () => {
  it('is Node 24, installed by the repository itself whatever the machine has', () => {
    expect(Number(process.versions.node.split('.')[0])).toBe(24);
  });
});
