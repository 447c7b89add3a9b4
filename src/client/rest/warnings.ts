/** Parses the apiserver's Warning headers (RFC 7234 format) and delivers them to a warning handler. */
import type { Logger } from 'pino';

/** One warning the server attached to a response, e.g. a deprecated API version. */
export interface Warning {
  /** The warn-code; the apiserver uses 299 ("miscellaneous persistent warning"). */
  readonly code: number;
  /** The warn-agent, `-` from the apiserver. */
  readonly agent: string;
  readonly text: string;
}

/** Receives each warning of each response (watch responses too). Must not throw. */
export type WarningHandler = (warning: Warning) => void;

const headerStart = /\s*(\d{3}) (\S+) "/y;

/** Reads a quoted-string starting after its opening quote; returns the text and the index after the closing quote. */
function readQuoted(value: string, start: number): { text: string; end: number } | undefined {
  let text = '';
  for (let i = start; i < value.length; i++) {
    const char = value[i];
    if (char === '\\') {
      text += value[i + 1] ?? '';
      i++;
    } else if (char === '"') {
      return { text, end: i + 1 };
    } else {
      text += char;
    }
  }
  return undefined;
}

/**
 * Parses Warning header values (`299 - "text" ["date"]`, several per value separated by commas). Malformed entries
 * end the parse of that value; what was parsed before them is kept.
 */
export function parseWarningHeaders(values: string | readonly string[] | undefined): Warning[] {
  if (values === undefined) return [];
  const warnings: Warning[] = [];
  for (const value of typeof values === 'string' ? [values] : values) {
    let index = 0;
    while (index < value.length) {
      headerStart.lastIndex = index;
      const match = headerStart.exec(value);
      if (!match?.[1] || !match[2]) break;
      const quoted = readQuoted(value, headerStart.lastIndex);
      if (!quoted) break;
      warnings.push({ code: Number(match[1]), agent: match[2], text: quoted.text });
      index = quoted.end;
      // An optional warn-date, then the comma before the next warning.
      const rest = /\s*(?:"(?:[^"\\]|\\.)*")?\s*,?/y;
      rest.lastIndex = index;
      if (rest.exec(value)) index = rest.lastIndex;
    }
  }
  return warnings;
}

/**
 * Returns the default warning handler: logs each distinct 299 warning once (at warn level), ignores other codes,
 * as client-go's default handler logs code 299.
 *
 * Guarantees: the set of seen texts belongs to the returned handler alone.
 */
export function createDedupingWarningLogger(logger: Logger): WarningHandler {
  const seen = new Set<string>();
  return (warning) => {
    if (warning.code !== 299 || seen.has(warning.text)) return;
    seen.add(warning.text);
    logger.warn({ warning: warning.text }, 'the server sent a warning');
  };
}
