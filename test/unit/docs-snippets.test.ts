// Type-checks every TypeScript snippet of the README and docs/ against the built package, as a reader would paste it.
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const out = join(root, 'test-results', 'snippets');

/**
 * One fenced ```ts block: where it stands and its text. A block opened as ```ts title="examples/x/y.ts" shows
 * that repository file whole: it must equal it, and the snippets after it may import it as `./y.ts`.
 */
interface Snippet {
  readonly doc: string;
  readonly line: number;
  readonly code: string;
  readonly title?: string;
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
  let title: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const open = start < 0 ? /^```(?:ts|typescript)(?:\s+title="([^"]+)")?\s*$/.exec(line) : null;
    if (open) {
      start = i + 1;
      title = open[1];
    } else if (start >= 0 && line.startsWith('```')) {
      const code = lines.slice(start, i).join('\n');
      snippets.push({ doc, line: start + 1, code, ...(title === undefined ? {} : { title }) });
      start = -1;
    }
  }
  return snippets;
}

describe('the TypeScript snippets of the docs', () => {
  it('extracts fenced ts blocks with their line numbers', () => {
    const text = [
      '# t',
      '```ts',
      'const a = 1;',
      '```',
      'text',
      '```sh',
      'ls',
      '```',
      '```ts title="e/a.ts"',
      'b;',
      '```',
    ];
    expect(extractSnippets('x.md', text.join('\n'))).toEqual([
      { doc: 'x.md', line: 3, code: 'const a = 1;' },
      { doc: 'x.md', line: 10, code: 'b;', title: 'e/a.ts' },
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
    const stale: string[] = [];
    for (const [i, snippet] of snippets.entries()) {
      // One folder per document, so a snippet can import a whole file shown earlier in it.
      const folder = snippet.doc.replace(/[^a-z0-9]+/gi, '-');
      await mkdir(join(out, folder), { recursive: true });
      const name = `${folder}/${snippet.title ? basename(snippet.title) : `snippet-${i}.ts`}`;
      names.set(name, snippet);
      if (snippet.title) {
        const file = await readFile(join(root, snippet.title), 'utf8').catch(() => '');
        if (file.trimEnd() !== snippet.code.trimEnd()) stale.push(`${snippet.doc}:${snippet.line} (${snippet.title})`);
      }
      // Each snippet is a module of its own (top-level await, no globals shared between snippets).
      await writeFile(join(out, name), `${snippet.code}\nexport {};\n`);
    }
    expect(stale, 'snippets that no longer equal the file they show').toEqual([]);
    const tsconfig = {
      extends: '../../tsconfig.json',
      // Snippets show one thing each; a name they declare and do not use is not a mistake there.
      compilerOptions: { noEmit: true, noUnusedLocals: false, noUnusedParameters: false },
      include: ['**/*.ts'],
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
