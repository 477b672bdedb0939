import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/adapter.js';
import { convert } from '../src/pipeline.js';
import { CONFORMANCE_CONTEXT, conformanceCases, EXPECTED_SUFFIX } from '../src/testing/index.js';
import {
  allDocBlocks,
  DOC_INPUTS,
  type DocBlock,
  ROOT,
  shownOutput,
  unlikeShown,
  where,
} from './helpers/doc-blocks.js';
import { startS3, type TestS3 } from './helpers/s3.js';

// TypeScript in the docs (README, "Code in these docs"; command lines, YAML and JSON: test/docs-commands.test.ts):
// - every ```ts block type-checks (strict) against this checkout's src/;
// - every ```ts block runs unless its fence says why not (```ts no-run: REASON): in a child process, through the
//   package's build (dist/) and its "exports" as a user's program would, in a temporary directory holding
//   fixtures/docs/, with AWS pointed at the emulator and S3 at a local S3 server, loopback only, within a time
//   limit; its `// → …` comments must match what it prints;
// - a block that is an adapter module (`export default defineAdapter(…)`) runs the conformance suite on
//   fixtures/docs/adapters/<its name>/.

const ADAPTER_FIXTURES = join(ROOT, 'fixtures/docs/adapters');
const BLOCK_TIMEOUT_MS = 20_000;

const blocks = allDocBlocks();
const typescriptBlocks = blocks.filter((block) => block.lang === 'ts' || block.lang === 'typescript');
const NO_RUN = /^no-run: \S/;
const isAdapterModule = (block: DocBlock) => /^export default defineAdapter\(/m.test(block.code);
const runnable = typescriptBlocks.filter((block) => block.info === '' && !isAdapterModule(block));

// Modules of the blocks live one level below the project root, so that `asff-stream` resolves to this package
// (Node's self-reference, through package.json "exports") and other imports to its node_modules. Nothing else
// of a block touches the checkout: it runs in a temporary directory.
const dir = join(ROOT, `.doc-blocks-${process.pid}`);
mkdirSync(dir, { recursive: true });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The block's code, preceded by blank lines so that its line numbers are those of the Markdown file. */
const atItsLines = (block: DocBlock) => `${'\n'.repeat(block.line - 1)}${block.code}\nexport {};\n`;

/** Writes the block as an ES module (types erased; a source map names the Markdown file's lines) and returns its path. */
function moduleOf(block: DocBlock, index: number): string {
  const { outputText } = ts.transpileModule(atItsLines(block), {
    fileName: join(ROOT, block.file),
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      inlineSourceMap: true,
      verbatimModuleSyntax: true,
    },
  });
  const path = join(dir, `run-${index}.mjs`);
  writeFileSync(path, outputText);
  return path;
}

describe('code blocks in README.md and docs/', () => {
  it('every fence names its language, and a ```ts fence says nothing but why it does not run', () => {
    const wrong = blocks
      .filter(
        (block) =>
          block.lang === '' ||
          ((block.lang === 'ts' || block.lang === 'typescript') &&
            block.info !== '' &&
            !NO_RUN.test(block.info)),
      )
      .map((block) => `${where(block)}: \`\`\`${block.lang} ${block.info}`);
    expect(wrong).toEqual([]);
    expect(typescriptBlocks.length).toBeGreaterThan(5);
  });

  it('every ```ts block type-checks (strict) with the package name resolved to this checkout', () => {
    const typecheck = dir;
    const names = typescriptBlocks.map((block, index) => {
      const name = `block-${index}.ts`;
      // Each block is a module of its own (top-level await, no clashes between blocks).
      writeFileSync(join(typecheck, name), atItsLines(block));
      return name;
    });
    writeFileSync(
      join(typecheck, 'tsconfig.json'),
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
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', typecheck], {
        encoding: 'utf8',
      });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    // Name each error by the document and line it comes from (the blocks keep their lines).
    const located = output.replace(
      /\S*block-(\d+)\.ts\((\d+),(\d+)\)/g,
      (match, index: string, line: string) => {
        const block = typescriptBlocks[Number(index)];
        return block === undefined ? match : `${block.file}:${line}`;
      },
    );
    expect(located).toBe('');
  }, 120_000);
});

/** Blocks that must fail, or print, in a known way: they show that the runner catches what it should. */
const CANARIES: DocBlock[] = [
  "throw new Error('canary');",
  "await fetch('http://192.0.2.1/', { signal: AbortSignal.timeout(5000) });",
  "await (await import('node:dns')).promises.lookup('aws.amazon.com');",
  'await new Promise((resolve) => setTimeout(resolve, 60_000));',
  "console.log(1 + 1, 'shows'); // → 2 shows",
].map((code) => ({ file: 'canary.md', line: 3, lang: 'ts', info: '', code }));

describe('runnable ```ts blocks run (emulator, S3 server, fixtures/docs in a temp directory, loopback only)', () => {
  interface Result {
    id: number;
    errors: string[];
    /** What the block printed (console.*), with the Markdown line of the call. */
    output: { line?: number; text: string; keys?: string[] }[];
  }
  let results: Result[] = [];
  let s3: TestS3 | undefined;

  beforeAll(async () => {
    s3 = await startS3({ bucket: 'my-bucket' });
    const plan = join(dir, 'plan.json');
    const resultsPath = join(dir, 'results.json');
    writeFileSync(
      plan,
      JSON.stringify({
        blocks: [...runnable, ...CANARIES].map((block, id) => ({
          id,
          module: moduleOf(block, id),
          timeoutMs: id < runnable.length ? BLOCK_TIMEOUT_MS : 500,
        })),
        inputs: DOC_INPUTS,
        results: resultsPath,
      }),
    );
    const env = {
      PATH: process.env.PATH ?? '',
      // No repository from the environment or a git remote: scopes are the inputs' own.
      ASFF_STREAM_REPOSITORY: 'none',
      AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey,
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_S3: s3.url,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_CONFIG_FILE: join(dir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-aws-credentials'),
    };
    const helpers = join(ROOT, 'test/helpers');
    await new Promise<void>((resolve, reject) => {
      execFile(
        process.execPath,
        [
          '--enable-source-maps',
          '--import',
          join(helpers, 'loopback-only.mjs'),
          join(helpers, 'doc-runner.mjs'),
          plan,
        ],
        { cwd: ROOT, env, timeout: 30_000 + runnable.length * BLOCK_TIMEOUT_MS, encoding: 'utf8' },
        (error, _stdout, stderr) =>
          error === null ? resolve() : reject(new Error(`${error.message}\n${stderr}`)),
      );
    });
    results = JSON.parse(readFileSync(resultsPath, 'utf8')) as Result[];
  }, 300_000);
  afterAll(() => s3?.stop());

  it('the runner reports what a block does wrong, at its Markdown line (canary blocks)', () => {
    const [throws, offline, lookup, hangs, prints] = CANARIES.map(
      (_, index) => results[runnable.length + index],
    );
    expect(throws?.errors.join('\n')).toMatch(/Error: canary[\s\S]*canary\.md:3:/);
    expect(offline?.errors.join('\n')).toContain(
      'connect to 192.0.2.1 refused: code in the docs may reach loopback only',
    );
    expect(lookup?.errors.join('\n')).toContain('lookup of aws.amazon.com refused');
    expect(hangs?.errors.join('\n')).toContain('did not finish within 500 ms');
    expect(prints).toMatchObject({ errors: [], output: [{ line: 3, text: '2 shows' }] });
    expect(unlikeShown(prints?.output[0], '2 …')).toBeUndefined();
    expect(unlikeShown(prints?.output[0], '3 shows')).toBe('printed "2 shows"');
    expect(unlikeShown({ text: '{ a: 1 }', keys: ['a'] }, '{ a, b?, … } and more')).toBeUndefined();
    expect(unlikeShown({ text: '{ a: 1 }', keys: ['a'] }, '{ a, c }')).toBe(
      'printed an object without c: { a: 1 }',
    );
  });

  runnable.forEach((block, id) => {
    const shown = shownOutput(block);
    it(`${where(block)} runs to its end without an error${shown.length > 0 ? ', printing what its // → comments show' : ''}`, () => {
      const result = results.find((entry) => entry.id === id);
      if (result === undefined)
        return expect.fail(`${where(block)}: the runner reported nothing for this block`);
      const printed = result.output
        .map(({ line, text }) => `${block.file}:${line ?? '?'}: ${text}`)
        .join('\n');
      if (result.errors.length > 0)
        expect.fail(`${where(block)}: ${result.errors.join('\n')}\nits output:\n${printed}`);
      for (const { line, expected } of shown) {
        const wrong = unlikeShown(
          result.output.find((entry) => entry.line === line),
          expected,
        );
        if (wrong !== undefined) expect.fail(`${block.file}:${line}: shows "${expected}", but ${wrong}`);
      }
    });
  });
});

// Adapter modules are imported here (their code runs on import) and conformance-tested with their fixtures.
const adapterBlocks = typescriptBlocks.filter((block) => block.info === '' && isAdapterModule(block));
for (const [index, block] of adapterBlocks.entries()) {
  const adapter = ((await import(moduleOf(block, 1000 + index))) as { default: Adapter }).default;
  const fixtures = join(ADAPTER_FIXTURES, adapter.name);
  describe(`${where(block)}: adapter "${adapter.name}" passes the conformance suite on fixtures/docs/adapters/${adapter.name}/`, () => {
    if (!existsSync(fixtures) || readdirSync(fixtures).length === 0) {
      it('has fixtures', () =>
        expect.fail(
          `${where(block)}: add an input and its expected .asff.ndjson to ${fixtures}, or fence the block \`\`\`ts no-run: REASON`,
        ));
      return;
    }
    const hasInvalid = readdirSync(fixtures).some((name) => name.startsWith('invalid-'));
    const cases = conformanceCases(adapter, {
      fixtures,
      ...(hasInvalid ? { invalid: fixtures } : {}),
      matchExpected: async (actual, expectedPath) => {
        await expect(actual).toMatchFileSnapshot(expectedPath);
      },
    });
    for (const check of cases) it(check.name, check.run);
    // The CLI's `--adapter` and the library's `adapters` pick an adapter by its `detect`, among the built-in ones.
    const inputs = readdirSync(fixtures).filter(
      (name) => !name.endsWith(EXPECTED_SUFFIX) && !name.startsWith('invalid-'),
    );
    it.each(inputs)('%s: detected as its format (--format auto)', async (name) => {
      const run = convert(join(fixtures, name), { ...CONFORMANCE_CONTEXT, adapters: [adapter] });
      for await (const _finding of run) {
        // Reading the run detects the format.
      }
      expect(run.stats.adapter, `${where(block)}: detect() does not claim ${name}`).toBe(adapter.name);
    });
  });
}
