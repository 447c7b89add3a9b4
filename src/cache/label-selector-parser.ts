/** Parses label selector strings into requirements, token for token as apimachinery v0.37's labels.Parse does. */
import {
  type LabelSelector,
  newRequirement,
  type Requirement,
  SelectorError,
  type SelectorOperator,
  selectorFromRequirements,
} from './label-selector.js';

type TokenKind = 'id' | '!' | '!=' | '=' | '==' | '>' | '<' | '(' | ')' | ',' | 'in' | 'notin' | 'end';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
}

const specials = new Set(['=', '!', '(', ')', ',', '>', '<']);
const symbols = ['!=', '==', '!', '=', '(', ')', ',', '>', '<'] as const;
const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';

/** Splits a selector into tokens; `in` and `notin` are keywords only where an operator may stand. */
function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input.charAt(i);
    if (isSpace(ch)) {
      i++;
    } else if (specials.has(ch)) {
      const symbol = symbols.find((s) => input.startsWith(s, i)) ?? ch;
      tokens.push({ kind: symbol as TokenKind, text: symbol });
      i += symbol.length;
    } else {
      const start = i;
      while (i < input.length && !isSpace(input.charAt(i)) && !specials.has(input.charAt(i))) i++;
      const text = input.slice(start, i);
      tokens.push({ kind: text === 'in' || text === 'notin' ? text : 'id', text });
    }
  }
  tokens.push({ kind: 'end', text: 'end of string' });
  return tokens;
}

class Parser {
  #at = 0;

  constructor(private readonly tokens: readonly Token[]) {}

  /** The next token; outside operator position the keywords are plain identifiers (e.g. a label named `in`). */
  peek(asOperator = false): Token {
    const token = this.tokens[this.#at] ?? { kind: 'end', text: 'end of string' };
    return !asOperator && (token.kind === 'in' || token.kind === 'notin') ? { kind: 'id', text: token.text } : token;
  }

  next(asOperator = false): Token {
    const token = this.peek(asOperator);
    this.#at++;
    return token;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const token = this.peek();
      if (token.kind === 'end') return requirements;
      if (token.kind !== 'id' && token.kind !== '!') fail(token, "!, identifier, or 'end of string'");
      requirements.push(this.requirement());
      const after = this.next();
      if (after.kind === 'end') return requirements;
      if (after.kind !== ',') fail(after, "',' or 'end of string'");
      const following = this.peek();
      if (following.kind !== 'id' && following.kind !== '!') fail(following, "identifier after ','");
    }
  }

  requirement(): Requirement {
    let token = this.next();
    const negated = token.kind === '!';
    if (negated) token = this.next();
    if (token.kind !== 'id') fail(token, 'identifier');
    const key = token.text;
    const lookahead = this.peek().kind;
    if (negated) return newRequirement(key, '!', []);
    if (lookahead === 'end' || lookahead === ',') return newRequirement(key, 'exists', []);
    const operator = this.operator();
    const values = operator === 'in' || operator === 'notin' ? this.valueSet() : this.exactValue();
    return newRequirement(key, operator, values);
  }

  operator(): SelectorOperator {
    const token = this.next(true);
    const operators: Partial<Record<TokenKind, SelectorOperator>> = {
      in: 'in',
      notin: 'notin',
      '=': '=',
      '==': '==',
      '!=': '!=',
      '>': 'gt',
      '<': 'lt',
    };
    const operator = operators[token.kind];
    if (!operator) fail(token, '=, ==, !=, in, notin, >, <');
    return operator;
  }

  exactValue(): string[] {
    const token = this.peek();
    if (token.kind === 'end' || token.kind === ',') return [''];
    this.next();
    if (token.kind !== 'id') fail(token, 'identifier');
    return [token.text];
  }

  /** `(a, b)`; empty members count as the empty value: `()`, `(,a)` and `(a,)` all contain `''`. */
  valueSet(): string[] {
    const open = this.next();
    if (open.kind !== '(') fail(open, "'('");
    const values: string[] = [];
    if (this.peek().kind === ')') {
      this.next();
      return [''];
    }
    for (;;) {
      const token = this.next();
      if (token.kind === 'id') {
        values.push(token.text);
        const after = this.peek();
        if (after.kind === ')') break;
        if (after.kind !== ',') fail(after, "',' or ')'");
      } else if (token.kind === ',') {
        if (values.length === 0) values.push('');
        const after = this.peek();
        if (after.kind === ')') {
          values.push('');
          break;
        }
        // The next comma is left for the loop: `(a,,b)` holds '' once, as in apimachinery v0.37.
        if (after.kind === ',') values.push('');
      } else {
        fail(token, "',', or identifier");
      }
    }
    this.next();
    return values;
  }
}

function fail(token: Token, expected: string): never {
  throw new SelectorError(`unable to parse requirement: found '${token.text}', expected: ${expected}`);
}

/**
 * Parses a label selector string (`a=b,c!=d,e in (f,g),h notin (i),j,!k,n>3`). The empty string selects
 * everything. Throws {@link SelectorError} naming the offending token or key.
 */
export function parseSelector(selector: string): LabelSelector {
  return selectorFromRequirements(new Parser(tokenize(selector)).parse());
}
