import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ISSUE_CODES, isIssueCode } from '../src/issue-codes.js';
import { convert } from '../src/pipeline.js';
import { CORPUS_ROOT, HAS_CORPUS } from './helpers/corpus.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const FORMATS = ['sarif', 'trivy', 'nessus', 'csv'];

/** Source files that report record-level issues: the adapters, toAsff, the pipeline and the sink's import. */
function issueSources(): string[] {
  const files = ['src/pipeline.ts', 'src/asff/build.ts', 'src/sink/import.ts'];
  for (const format of FORMATS) {
    const walk = (dir: string): void => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        if (entry.isDirectory()) walk(`${dir}/${entry.name}`);
        else if (entry.name.endsWith('.ts')) files.push(`${dir}/${entry.name}`);
      }
    };
    walk(`adapters/${format}`);
  }
  return files;
}

/** Kebab-case literals in the places an issue code is written: `code: '…'`, `issue(x, '…'`, `.issue('…')`. */
function codesWritten(text: string): string[] {
  const found = new Set<string>();
  for (const pattern of [
    /\bcode: '([a-z0-9]+(?:-[a-z0-9]+)+)'/g,
    /\bissue\([^,()]*,\s*'([a-z0-9]+(?:-[a-z0-9]+)+)'/g,
    /\.issue\('([a-z0-9]+(?:-[a-z0-9]+)+)'/g,
    /\bcode: [^,}]*\? '([a-z0-9]+(?:-[a-z0-9]+)+)' : '([a-z0-9]+(?:-[a-z0-9]+)+)'/g,
  ]) {
    for (const match of text.matchAll(pattern)) for (const code of match.slice(1)) if (code) found.add(code);
  }
  return [...found];
}

/** Every issue code emitted converting these files. */
async function codesEmitted(paths: string[]): Promise<Set<string>> {
  const codes = new Set<string>();
  for (const path of paths) {
    const run = convert(path, {
      accountId: '123456789012',
      region: 'us-east-1',
      onIssue: (issue) => codes.add(issue.code),
    });
    try {
      for await (const _ of run) {
        // drain
      }
    } catch {
      // invalid inputs end in an error; their issues up to it still count
    }
  }
  return codes;
}

function filesOf(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith('.') && !name.endsWith('.asff.ndjson') && !name.endsWith('.md'))
    .map((name) => join(dir, name));
}

describe('the issue code catalog (src/issue-codes.ts)', () => {
  it('is the table of docs/issues.md, in order', () => {
    const table = readFileSync(join(ROOT, 'docs/issues.md'), 'utf8')
      .split('\n')
      .map((line) => /^\| `([^`]+)` \| (.*) \|$/.exec(line))
      .filter((match) => match !== null)
      .map((match) => [match[1], match[2]?.replaceAll('\\|', '|')]);
    expect(table).toEqual(Object.entries(ISSUE_CODES));
  });

  it('lists every code written in the adapters, toAsff, the pipeline and the sink', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const file of issueSources()) {
      for (const code of codesWritten(readFileSync(join(ROOT, file), 'utf8'))) {
        seen += 1;
        if (!isIssueCode(code)) missing.push(`${code} (${file})`);
      }
    }
    expect(seen).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('lists every code emitted converting the fixtures and the corpus', async () => {
    const paths = FORMATS.flatMap((format) => [
      ...filesOf(join(ROOT, 'fixtures', format)),
      ...(HAS_CORPUS ? filesOf(join(CORPUS_ROOT, format)) : []),
    ]);
    const emitted = [...(await codesEmitted(paths))];
    expect(emitted.length).toBeGreaterThan(10);
    expect(emitted.filter((code) => !isIssueCode(code))).toEqual([]);
  }, 120_000);
});
