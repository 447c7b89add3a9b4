/** Parses kubeconfig YAML the way kubectl's YAML 1.1 decoder does (`yes`/`on`/`n` are booleans, `0755` is octal). */
import yaml from 'js-yaml';

// kubectl reads YAML with go-yaml v2, which follows YAML 1.1: these plain scalars are booleans, not strings.
const yaml11True = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const yaml11False = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);

const bool11 = new yaml.Type('tag:yaml.org,2002:bool', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && (yaml11True.has(data) || yaml11False.has(data)),
  construct: (data: string) => yaml11True.has(data),
});

// Go's strconv.ParseInt(s, 0, 64) after go-yaml drops underscores: 0x hex, 0o / leading-0 octal, 0b binary.
const int11Pattern = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]+|0[bB][01]+|[0-9]+)$/;

const int11 = new yaml.Type('tag:yaml.org,2002:int', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string' && int11Pattern.test(data.replaceAll('_', '')),
  construct: (data: string) => parseGoInt(data.replaceAll('_', '')),
});

function parseGoInt(text: string): number {
  const negative = text.startsWith('-');
  const digits = text.replace(/^[-+]/, '');
  let value: number;
  if (/^0[xX]/.test(digits)) value = Number.parseInt(digits.slice(2), 16);
  else if (/^0[bB]/.test(digits)) value = Number.parseInt(digits.slice(2), 2);
  else if (/^0[oO]/.test(digits)) value = Number.parseInt(digits.slice(2), 8);
  else if (digits.length > 1 && digits.startsWith('0')) value = Number.parseInt(digits.slice(1), 8);
  else value = Number.parseInt(digits, 10);
  return negative ? -value : value;
}

// `<<: *anchor` merge keys, which go-yaml honours; js-yaml keys merging off this tag.
const merge = new yaml.Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<' || data === null,
});

// `!!binary` decodes to the bytes read as a string, as go-yaml does for an untyped value.
const binary = new yaml.Type('tag:yaml.org,2002:binary', {
  kind: 'scalar',
  resolve: (data: unknown) => typeof data === 'string',
  construct: (data: string) => Buffer.from(data.replace(/\s/g, ''), 'base64').toString('utf8'),
});

const kubeconfigSchema = yaml.CORE_SCHEMA.extend({ implicit: [bool11, int11, merge], explicit: [binary] });

// Some js-yaml reasons quote a tag or alias name; an unquoted value such as `password: !Secret` becomes one.
const quotedNames: readonly [RegExp, string][] = [
  [/!<[^>]*>/g, 'a tag'],
  [/"[^"]*"/g, 'a name'],
  [/: .*$/, ''],
];

/** Keeps js-yaml's reason but drops any text it quoted from the file. */
function redact(reason: string): string {
  return quotedNames.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), reason);
}

/** Where and why YAML failed to parse; `line` is 1-based. Never carries the offending text. */
export interface YamlProblem {
  readonly reason: string;
  readonly line: number | undefined;
}

/**
 * Parses a kubeconfig file's first YAML document (kubectl ignores the rest); duplicate keys keep the last value,
 * as go-yaml does.
 *
 * @returns the parsed value, or a problem whose reason and line are safe to show (no source snippet).
 */
export function parseKubeConfigYaml(text: string): { value: unknown } | { problem: YamlProblem } {
  try {
    const documents = yaml.loadAll(text, null, { schema: kubeconfigSchema, json: true });
    return { value: documents[0] ?? null };
  } catch (error) {
    if (error instanceof yaml.YAMLException) {
      const line = typeof error.mark?.line === 'number' ? error.mark.line + 1 : undefined;
      return { problem: { reason: redact(error.reason), line } };
    }
    return { problem: { reason: 'unparseable YAML', line: undefined } };
  }
}
