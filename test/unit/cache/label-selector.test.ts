import { describe, expect, it } from 'vitest';
import { everything, SelectorError, selectorFromSet } from '../../../src/cache/label-selector.js';
import { parseSelector } from '../../../src/cache/label-selector-parser.js';

describe('parseSelector', () => {
  it.each([
    ['', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    [' x = a , y != b ', 'x=a,y!=b'],
    ['z=c,y=b,x=a', 'x=a,y=b,z=c'],
    ['x in (b, a, a)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x in ()', 'x in ()'],
    ['x in (,a)', 'x in (,a)'],
    ['x in (a,)', 'x in (,a)'],
    ['x in (a,,b)', 'x in (,a,b)'],
    ['x', 'x'],
    ['!x', '!x'],
    ['x>1,y<2', 'x>1,y<2'],
    ['x in (a,,)', 'x in (,a)'],
    ['x in (,,)', 'x in ()'],
    ['x=', 'x='],
    ['x=,y=b', 'x=,y=b'],
    ['example.com/app=web', 'example.com/app=web'],
    ['in=notin', 'in=notin'],
    ['x in (in,notin)', 'x in (in,notin)'],
  ])('parses %j as %j', (input, canonical) => {
    const selector = parseSelector(input);
    expect(selector.toString()).toBe(canonical);
    expect(parseSelector(selector.toString()).toString()).toBe(canonical);
  });

  it.each([
    ['x=a,', "expected: identifier after ','"],
    [',x', "expected: !, identifier, or 'end of string'"],
    ['x y', '=, ==, !=, in, notin, >, <'],
    ['x=a=b', "expected: ',' or 'end of string'"],
    ['!x=a', "expected: ',' or 'end of string'"],
    ['x in a', "expected: '('"],
    ['x in (a b)', "expected: ',' or ')'"],
    ['x in (a', "expected: ',' or ')'"],
    ['x>a', 'must be an integer'],
    ['x<-2', 'invalid value "-2"'],
    ['x>9223372036854775808', 'must be an integer'],
    ['-x=a', 'invalid label key "-x"'],
    ['Example.com/x=a', 'prefix must be a DNS subdomain'],
    ['/x=a', 'prefix must be a DNS subdomain'],
    [`x=${'v'.repeat(64)}`, 'invalid value'],
    ['x=a.', 'invalid value "a."'],
    ['x in (a,-b)', 'invalid value "-b"'],
  ])('rejects %j, saying %j', (input, message) => {
    expect(() => parseSelector(input)).toThrow(SelectorError);
    expect(() => parseSelector(input)).toThrow(message);
  });
});

describe('a selector', () => {
  const labels = { app: 'web', tier: 'front', replicas: '3', empty: '' };

  it.each([
    ['', true],
    ['app=web', true],
    ['app==db', false],
    ['app!=db', true],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['missing in (a)', false],
    ['app notin (web)', false],
    ['missing notin (a)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['replicas>2,replicas<4', true],
    ['replicas>3', false],
    ['app>1', false],
    ['missing<5', false],
    ['empty=', true],
    ['empty in ()', true],
    ['app=web,tier=back', false],
  ])('%j matching the labels is %s', (selector, expected) => {
    expect(parseSelector(selector).matches(labels)).toBe(expected);
  });

  it('matches objects without labels as having none', () => {
    expect(parseSelector('!app').matches(undefined)).toBe(true);
    expect(parseSelector('app').matches(undefined)).toBe(false);
    expect(everything.matches(undefined)).toBe(true);
  });

  it('is built from a label set as equality requirements', () => {
    const selector = selectorFromSet({ tier: 'front', app: 'web' });
    expect(selector.toString()).toBe('app=web,tier=front');
    expect(selector.matches(labels)).toBe(true);
    expect(selector.isEmpty()).toBe(false);
    expect(everything.isEmpty()).toBe(true);
  });
});
