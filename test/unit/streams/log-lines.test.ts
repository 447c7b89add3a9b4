import { describe, expect, it } from 'vitest';
import { LineSplitter, ResumePoint, splitTimestamp, timestampKey } from '../../../src/client/streams/log-lines.js';

describe('timestampKey', () => {
  it('orders timestamps whose fractions Go trimmed, and honours offsets', () => {
    const keys = [
      '2026-01-01T10:00:00Z',
      '2026-01-01T10:00:00.1Z',
      '2026-01-01T10:00:00.12Z',
      '2026-01-01T12:00:01+02:00',
    ];

    const values = keys.map((key) => timestampKey(key) as bigint);

    expect(values).toEqual([...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect((values[3] as bigint) - (values[0] as bigint)).toBe(1_000_000_000n);
    expect(timestampKey('not a time')).toBeUndefined();
  });
});

describe('splitTimestamp', () => {
  it('separates a leading timestamp and leaves other lines whole', () => {
    expect(splitTimestamp('2026-01-01T10:00:00.5Z hello there')).toEqual({
      timestamp: '2026-01-01T10:00:00.5Z',
      text: 'hello there',
    });
    expect(splitTimestamp('hello there')).toEqual({ timestamp: undefined, text: 'hello there' });
  });
});

describe('LineSplitter', () => {
  it('joins lines and multi-byte characters split across chunks', () => {
    const splitter = new LineSplitter();
    const euro = Buffer.from('€');

    const first = splitter.push(Buffer.concat([Buffer.from('a\n'), euro.subarray(0, 1)]));
    const second = splitter.push(Buffer.concat([euro.subarray(1), Buffer.from('\n\nend')]));

    expect([...first, ...second, splitter.end()]).toEqual(['a', '€', '', 'end']);
  });
});

describe('ResumePoint', () => {
  it('skips replayed lines, counting those that share the last instant', () => {
    const resume = new ResumePoint();
    const t1 = '2026-01-01T10:00:01.2Z';
    expect([resume.seen('2026-01-01T10:00:00.9Z'), resume.seen(t1), resume.seen(t1)]).toEqual([false, false, false]);
    expect(resume.sinceTime).toBe('2026-01-01T10:00:01Z');

    resume.rewind();

    const replay = ['2026-01-01T10:00:01.1Z', t1, t1, t1, '2026-01-01T10:00:02Z'].map((t) => resume.seen(t));
    expect(replay).toEqual([true, true, true, false, false]);
  });

  it('never skips a line without a timestamp', () => {
    const resume = new ResumePoint();
    resume.seen('2026-01-01T10:00:01Z');
    resume.rewind();

    expect(resume.seen(undefined)).toBe(false);
  });
});
