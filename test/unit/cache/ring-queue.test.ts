import { describe, expect, it } from 'vitest';
import { RingQueue } from '../../../src/cache/ring-queue.js';

describe('RingQueue', () => {
  it('keeps FIFO order across wrap-around and growth', () => {
    const queue = new RingQueue<number>();
    const expected: number[] = [];
    let next = 0;
    // Interleave pushes and shifts so the head wraps before the buffer has to grow twice.
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 3; i++) {
        queue.push(next);
        expected.push(next++);
      }
      expect(queue.shift()).toBe(expected.shift());
    }
    expect(queue.length).toBe(expected.length);
    expect([...queue]).toEqual(expected);
    while (expected.length > 0) expect(queue.shift()).toBe(expected.shift());
    expect(queue.shift()).toBeUndefined();
    expect(queue.length).toBe(0);
  });
});
