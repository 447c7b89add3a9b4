// Type-checks every TypeScript snippet of the README and docs/ against the built package, as a reader would paste it.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'test-results', 'snippets');

/** One fenced ```ts block: where it stands and its text. */
interface Snippet {
  readonly doc: string;
  readonly line: number;
  readonly code: string;
}

async function markdownFiles(): Promise<string[]> {
  const docs = await readdir(join(root, 'docs'), { recursive: true });
  // docs/api is generated from the sources, which are type-checked on their own.
  const pages = docs.filter((f) => f.endsWith('.md') && !f.startsWith('api')).map((f) => join(root, 'docs', f));
  return [join(root, 'README.md'), ...pages];
}

/** The ```ts blocks of a markdown text, with the 1-based line of each block's first code line. */
function extractSnippets(doc: string, text: string): Snippet[] {
  const snippets: Snippet[] = [];
  const lines = text.split('\n');
  let start = -1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (start < 0 && /^```(ts|typescript)\s*$/.test(line)) start = i + 1;
    else if (start >= 0 && line.startsWith('```')) {
      snippets.push({ doc, line: start + 1, code: lines.slice(start, i).join('\n') });
      start = -1;
    }
  }
  return snippets;
}

describe('the TypeScript snippets of the docs', () => {
  it('extracts fenced ts blocks with their line numbers', () => {
    const text = ['# t', '```ts', 'const a = 1;', '```', 'text', '```sh', 'ls', '```', '```ts', 'b;', '```'].join('\n');
    expect(extractSnippets('x.md', text)).toEqual([
      { doc: 'x.md', line: 3, code: 'const a = 1;' },
      { doc: 'x.md', line: 10, code: 'b;' },
    ]);
  });

  it('all compile against the built package under the repository settings', { timeout: 180_000 }, async () => {
    const snippets: Snippet[] = [];
    for (const file of await markdownFiles()) {
      snippets.push(...extractSnippets(relative(root, file), await readFile(file, 'utf8')));
    }
    expect(snippets.length).toBeGreaterThan(0);
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const names = new Map<string, Snippet>();
    for (const [i, snippet] of snippets.entries()) {
      const name = `${snippet.doc.replace(/[^a-z0-9]+/gi, '-')}-${i}.ts`;
      names.set(name, snippet);
      // Each snippet is a module of its own (top-level await, no globals shared between snippets).
      await writeFile(join(out, name), `${snippet.code}\nexport {};\n`);
    }
    const tsconfig = {
      extends: '../../tsconfig.json',
      // Snippets show one thing each; a name they declare and do not use is not a mistake there.
      compilerOptions: { noEmit: true, noUnusedLocals: false, noUnusedParameters: false },
      include: ['*.ts'],
    };
    await writeFile(join(out, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await promisify(execFile)(process.execPath, [tsc, '-p', join(out, 'tsconfig.json')], {
      cwd: root,
    }).then(
      () => '',
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    // Point each error at the document and line a reader would fix.
    const errors = result.replace(/test-results\/snippets\/([^(]+)\((\d+),(\d+)\)/g, (_, name: string, l: string) => {
      const snippet = names.get(name);
      return snippet ? `${snippet.doc}:${snippet.line + Number(l) - 1}` : name;
    });
    expect(errors).toBe('');
  });
});
