import { describe, expect, it } from 'vitest';
import { LineFramer } from '../../../src/client/rest/line-framer.js';

/** Pushes each chunk and collects every record, then the unterminated rest. */
function frame(chunks: readonly Uint8Array[], maxFrameBytes?: number): string[] {
  const framer = new LineFramer(maxFrameBytes === undefined ? {} : { maxFrameBytes });
  const records: string[] = [];
  for (const chunk of chunks) {
    framer.push(chunk);
    for (let record = framer.next(); record !== undefined; record = framer.next()) records.push(record);
  }
  const rest = framer.rest();
  if (rest !== undefined) records.push(rest);
  return records;
}

const bytes = (text: string): Uint8Array => Buffer.from(text, 'utf8');

describe('LineFramer', () => {
  it('returns every record of a chunk, in order, and a record spanning chunks once whole', () => {
    expect(frame([bytes('{"a":1}\n{"b":'), bytes('2}\n{"c"'), bytes(':3}\n')])).toEqual([
      '{"a":1}',
      '{"b":2}',
      '{"c":3}',
    ]);
  });

  it('decodes a character whose bytes are split between chunks, at every cut', () => {
    const wire = bytes('"é-ü-😀-中"\n"ok"\n');
    for (let cut = 1; cut < wire.length; cut++) {
      expect(frame([wire.subarray(0, cut), wire.subarray(cut)])).toEqual(['"é-ü-😀-中"', '"ok"']);
    }
  });

  it('skips empty and lone carriage-return lines and returns an unterminated last record at the end', () => {
    expect(frame([bytes('\n\r\n"a"\r\n\n'), bytes('"tail"')])).toEqual(['"a"\r', '"tail"']);
    expect(frame([bytes('"a"\n')])).toEqual(['"a"']);
  });

  it('counts the cap in UTF-8 bytes, not characters: a record of exactly the cap passes, one byte more fails', () => {
    const record = 'é'.repeat(10); // 10 characters, 20 bytes
    expect(frame([bytes(`${record}\n`)], 20)).toEqual([record]);
    expect(() => frame([bytes(`${record}\n`)], 19)).toThrow(RangeError);
  });

  it('fails as soon as the held part of an unterminated record passes the cap, before its newline arrives', () => {
    const framer = new LineFramer({ maxFrameBytes: 10 });
    framer.push(bytes('"a"\n123456'));
    expect(framer.next()).toBe('"a"');
    expect(framer.next()).toBeUndefined();
    expect(() => framer.push(bytes('78901'))).toThrow(RangeError);
  });

  it('counts the held start of a record against the cap when its newline arrives', () => {
    expect(frame([bytes('12345'), bytes('67890\n')], 10)).toEqual(['1234567890']);
    expect(() => frame([bytes('12345'), bytes('678901\n')], 10)).toThrow(RangeError);
  });

  it('calls onOverflow with the cap, and holds nothing afterwards', () => {
    const framer = new LineFramer({
      maxFrameBytes: 4,
      onOverflow: (max) => {
        throw new Error(`over ${max}`);
      },
    });
    expect(() => framer.push(bytes('123456'))).toThrow('over 4');
    expect(framer.rest()).toBeUndefined();
  });
});
