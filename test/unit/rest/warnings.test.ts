import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createDedupingWarningLogger, parseWarningHeaders } from '../../../src/client/rest/warnings.js';
import { createLogger } from '../../../src/logger.js';

describe('parseWarningHeaders', () => {
  it.each([
    ['one warning', '299 - "a deprecated API"', [{ code: 299, agent: '-', text: 'a deprecated API' }]],
    [
      'several in one value, with a date and escapes',
      '299 - "one, with comma" "Sat, 25 Aug 2012 23:34:45 GMT", 199 agent "two \\"q\\" \\\\"',
      [
        { code: 299, agent: '-', text: 'one, with comma' },
        { code: 199, agent: 'agent', text: 'two "q" \\' },
      ],
    ],
    [
      'several values',
      ['299 - "x"', '299 - "y"'],
      [
        { code: 299, agent: '-', text: 'x' },
        { code: 299, agent: '-', text: 'y' },
      ],
    ],
    ['a malformed tail after a good entry', '299 - "good", garbage', [{ code: 299, agent: '-', text: 'good' }]],
    ['an unterminated quote', '299 - "open', []],
    ['no header', undefined, []],
  ] as const)('parses %s', (_, header, expected) => {
    expect(parseWarningHeaders(header)).toEqual(expected);
  });
});

describe('the default warning handler', () => {
  it('logs each distinct 299 warning once and ignores other codes', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(String(chunk));
        callback();
      },
    });
    const handler = createDedupingWarningLogger(createLogger({ destination }));
    handler({ code: 299, agent: '-', text: 'deprecated' });
    handler({ code: 299, agent: '-', text: 'deprecated' });
    handler({ code: 299, agent: '-', text: 'other' });
    handler({ code: 199, agent: '-', text: 'not a 299' });
    expect(lines.map((line) => JSON.parse(line).warning)).toEqual(['deprecated', 'other']);
  });
});
