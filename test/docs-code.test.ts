import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Every ```ts block of README.md and docs/*.md, with where it starts. */
function typescriptBlocks(): { file: string; line: number; code: string }[] {
  const files = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((name) => `docs/${name}`)].filter((f) =>
    f.endsWith('.md'),
  );
  const blocks: { file: string; line: number; code: string }[] = [];
  for (const file of files) {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i += 1) {
      if (lines[i]?.trim() !== '```ts') continue;
      const start = i + 1;
      let end = start;
      while (end < lines.length && lines[end]?.trim() !== '```') end += 1;
      blocks.push({ file, line: start + 1, code: lines.slice(start, end).join('\n') });
      i = end;
    }
  }
  return blocks;
}

describe('TypeScript in README.md and docs/ compiles against the package', () => {
  // One level below the project root, so that blocks resolve `../src/…` and the project's node_modules.
  const dir = mkdtempSync(join(ROOT, '.doc-blocks-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every ```ts block type-checks (strict) with the package name resolved to this checkout', () => {
    const blocks = typescriptBlocks();
    expect(blocks.length).toBeGreaterThan(5);
    writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
    const names = blocks.map((block, index) => {
      const name = `block-${index}.ts`;
      // Each block is a module of its own (top-level await, no clashes between blocks).
      writeFileSync(join(dir, name), `${block.code}\nexport {};\n`);
      return name;
    });
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          lib: ['ES2023'],
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
          baseUrl: ROOT,
          paths: {
            'asff-stream': ['src/index.ts'],
            'asff-stream/toolkit': ['src/toolkit/index.ts'],
            'asff-stream/testing': ['src/testing/index.ts'],
            'asff-stream/adapters/*': ['adapters/*/index.ts'],
          },
        },
        files: names,
      }),
    );
    let output = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], {
        encoding: 'utf8',
      });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    // Name each error by the document and line it comes from.
    const located = output.replace(/block-(\d+)\.ts\((\d+),(\d+)\)/g, (_, index: string, line: string) => {
      const block = blocks[Number(index)];
      return block === undefined ? _ : `${block.file}:${block.line + Number(line) - 1}`;
    });
    expect(located).toBe('');
  }, 120_000);
});
