import { execFile, execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseCsvMap } from '../adapters/csv/spec.js';
import type { Adapter } from '../src/adapter.js';
import { COMMANDS, topLevelAction } from '../src/cli/commands.js';
import { conformanceCases } from '../src/testing/index.js';
import {
  actionSteps,
  asffStreamArguments,
  type DocBlock,
  docBlocks,
  documentFiles,
  embeddedShellBlocks,
  SHELL_LANGS,
  type ShellCommand,
  shellCommands,
  yamlErrors,
} from './helpers/doc-blocks.js';
import { startS3, type TestS3 } from './helpers/s3.js';

// How code in the docs is checked (README, "Code in these docs"):
// - every ```ts block type-checks (strict) against this checkout's src/;
// - every ```ts block runs unless its fence says why not (```ts no-run: REASON): in a child process, through the
//   package's build (dist/) as a user's program would, in a temporary directory holding fixtures/docs/, with AWS
//   pointed at the emulator and S3 at a local S3 server, loopback only, within a time limit;
// - a block that is an adapter module (`export default defineAdapter(…)`) runs the conformance suite on
//   fixtures/docs/adapters/<its name>/;
// - every `asff-stream …` command line of a shell block is read by the CLI's own parser (src/cli/commands.ts).

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const INPUTS = join(ROOT, 'fixtures/docs');
const ADAPTER_FIXTURES = join(ROOT, 'fixtures/docs/adapters');
const BLOCK_TIMEOUT_MS = 20_000;

const blocks = docBlocks(ROOT, documentFiles(ROOT));
const where = (block: { file: string; line: number }) => `${block.file}:${block.line}`;
const typescriptBlocks = blocks.filter((block) => block.lang === 'ts' || block.lang === 'typescript');
const NO_RUN = /^no-run: \S/;
const isAdapterModule = (block: DocBlock) => /^export default defineAdapter\(/m.test(block.code);
const runnable = typescriptBlocks.filter((block) => block.info === '' && !isAdapterModule(block));
const yamlBlocks = blocks.filter((block) => block.lang === 'yaml' || block.lang === 'yml');
/** Shell blocks, and the shell scripts inside YAML (CI steps) and Jenkinsfile blocks. */
const shellBlocks = [
  ...blocks.filter((block) => SHELL_LANGS.has(block.lang)),
  ...blocks.flatMap(embeddedShellBlocks),
];

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

/**
 * The `// → TEXT` comments of a block: what the console call on that line prints first. In TEXT, `…` matches
 * anything; `{ a, b, … }` (then any words) says the call printed a lone object with at least the keys a and b (a key
 * written `c?` may be absent).
 */
function shownOutput(block: DocBlock): { line: number; expected: string }[] {
  return block.code.split('\n').flatMap((text, index) => {
    const match = /\/\/ → (.*)$/.exec(text);
    return match === null ? [] : [{ line: block.line + index, expected: (match[1] ?? '').trim() }];
  });
}

/** Why a printed line is not what a `// →` comment shows, or `undefined` when it is. */
function unlikeShown(
  printed: { text: string; keys?: string[] } | undefined,
  expected: string,
): string | undefined {
  if (printed === undefined) return 'printed nothing';
  const shape = /^\{([\w\s,?…]*)\}/.exec(expected);
  if (shape !== null) {
    if (printed.keys === undefined) return `printed "${printed.text}", not an object`;
    const keys = (shape[1] ?? '').split(',').map((key) => key.trim());
    const missing = keys.filter((key) => /^\w+$/.test(key) && !printed.keys?.includes(key));
    return missing.length === 0
      ? undefined
      : `printed an object without ${missing.join(', ')}: ${printed.text}`;
  }
  const pattern = expected
    .split('…')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(printed.text.trim()) ? undefined : `printed "${printed.text}"`;
}

/** Blocks that must fail, or print, in a known way: they show that the runner catches what it should. */
const CANARIES: DocBlock[] = [
  "throw new Error('canary');",
  "await fetch('http://192.0.2.1/', { signal: AbortSignal.timeout(5000) });",
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
        inputs: INPUTS,
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
    const [throws, offline, hangs, prints] = CANARIES.map((_, index) => results[runnable.length + index]);
    expect(throws?.errors.join('\n')).toMatch(/Error: canary[\s\S]*canary\.md:3:/);
    expect(offline?.errors.join('\n')).toContain(
      'connect to 192.0.2.1 refused: code in the docs may reach loopback only',
    );
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
  });
}

// Commands are written for a configured environment: Region and account come from it when no flag gives them.
const CONFIGURED = { AWS_REGION: 'eu-west-1', AWS_ACCOUNT_ID: '123456789012' };

/** Why asff-stream refuses this command line (its own parser, src/cli/commands.ts), or `undefined` if it accepts it. */
async function refusal(command: ShellCommand): Promise<string | undefined> {
  const [name, ...rest] = asffStreamArguments(command) ?? [];
  if (topLevelAction(name) !== undefined) return undefined;
  const load = name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (load === undefined) return `"${name}" is not a command of asff-stream`;
  try {
    await (await load()).parse(rest, { ...CONFIGURED, ...command.env });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('`asff-stream …` command lines in shell blocks are ones the CLI accepts', () => {
  const commands = shellBlocks
    .flatMap(shellCommands)
    .filter((command) => asffStreamArguments(command) !== undefined);

  it('finds the documented command lines, CI scripts included', () => {
    expect(commands.length).toBeGreaterThan(15);
    expect(commands.map((command) => command.text)).toContainEqual(
      expect.stringContaining('gl-sast-report.sarif'),
    );
    expect(commands.map((command) => command.text)).toContainEqual(
      expect.stringContaining('asff-report.json'),
    );
  });

  it('refuses what the CLI refuses (canary lines)', async () => {
    const canary = [
      'asff-stream frobnicate x.json',
      'asff-stream import x.json --no-such-flag',
      'asff-stream convert x.sarif --resolved keep',
      'cat x.json | npx --yes asff-stream import - \\',
      '  --rate fast',
      'AWS_REGION= asff-stream import x.json',
      'asff-stream hub --port 99999 &',
      'asff-stream scope a.json b.json',
      'asff-stream convert x.csv --csv-map',
    ].join('\n');
    const lines = shellCommands({ file: 'canary.md', line: 1, lang: 'sh', info: '', code: canary });
    const refused = await Promise.all(lines.filter((c) => asffStreamArguments(c) !== undefined).map(refusal));
    expect(refused.map((reason) => reason?.split(' (see')[0])).toEqual([
      '"frobnicate" is not a command of asff-stream',
      "Unknown option '--no-such-flag'",
      '--resolved "keep": expected archive or skip',
      expect.stringContaining('--rate "fast"'),
      expect.stringContaining('Region'),
      '--port must be 0..65535',
      'scope takes one input (a file or -)',
      expect.stringContaining("'--csv-map <value>' argument missing"),
    ]);
  });

  for (const command of commands) {
    it(`${where(command)}: ${command.text.trim()}`, async () => {
      const reason = await refusal(command);
      if (reason !== undefined) expect.fail(`${where(command)}: asff-stream refuses it: ${reason}`);
    });
  }
});

describe('YAML blocks (CI workflows) are valid, and use only inputs the GitHub Action has', () => {
  const action = parseYaml(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, unknown>;
  };

  it('finds what is wrong (canary block)', () => {
    const canary: DocBlock = {
      file: 'canary.md',
      line: 1,
      lang: 'yaml',
      info: '',
      code: 'steps:\n  - uses: your-org/asff-stream@v0\n    with: { input: x.sarif, fail_on: HIGH }\n  - run: asff-stream import x.sarif\n',
    };
    expect(actionSteps(canary)).toEqual([{ file: 'canary.md', line: 2, inputs: ['input', 'fail_on'] }]);
    expect(embeddedShellBlocks(canary)).toMatchObject([
      { line: 4, lang: 'sh', code: 'asff-stream import x.sarif' },
    ]);
    expect(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a template
      yamlErrors({ ...canary, code: 'on: push\nconcurrency: { group: hub-${{ github.ref }} }\n' }),
    ).toEqual([expect.stringMatching(/^canary\.md:2: /)]);
  });

  it('every ```yaml block parses', () => {
    expect(yamlBlocks.length).toBeGreaterThan(3);
    expect(yamlBlocks.flatMap(yamlErrors)).toEqual([]);
  });

  it('every `uses: …/asff-stream@…` step passes inputs declared in action.yml', () => {
    const steps = yamlBlocks.flatMap(actionSteps);
    expect(steps.length).toBeGreaterThan(3);
    const unknown = steps.flatMap((step) =>
      step.inputs
        .filter((input) => !Object.hasOwn(action.inputs, input))
        .map((input) => `${where(step)}: ${input}`),
    );
    expect(unknown).toEqual([]);
  });
});

describe('JSON blocks are JSON (or NDJSON), and a CSV map in the docs is one the CSV adapter accepts', () => {
  const jsonBlocks = blocks.filter((block) => block.lang === 'json');

  /** The values of a block: one JSON document, or one per line (NDJSON); an error names the Markdown line. */
  function values(block: DocBlock): unknown[] {
    try {
      return [JSON.parse(block.code)];
    } catch {
      return block.code.split('\n').flatMap((text, index) => {
        if (text.trim() === '') return [];
        try {
          return [JSON.parse(text)];
        } catch (error) {
          throw new Error(`${block.file}:${block.line + index}: not JSON: ${(error as Error).message}`);
        }
      });
    }
  }
  const isCsvMap = (value: unknown) =>
    typeof value === 'object' && value !== null && 'title' in value && 'identity' in value;

  it('every ```json block parses', () => {
    expect(jsonBlocks.length).toBeGreaterThan(3);
    const wrong = jsonBlocks.flatMap((block) => {
      try {
        values(block);
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    });
    expect(wrong).toEqual([]);
  });

  it('every CSV map (an object with "title" and "identity") is valid for --csv-map', () => {
    const maps = jsonBlocks.flatMap((block) =>
      values(block)
        .filter(isCsvMap)
        .map((map) => ({ block, map })),
    );
    expect(maps.length).toBeGreaterThanOrEqual(2);
    for (const { block, map } of maps) expect(() => parseCsvMap(map, where(block))).not.toThrow();
    expect(() => parseCsvMap({ title: 'Finding', identity: ['Asset'], tittle: 'x' })).toThrow(/tittle/);
  });
});

// Offline commands (they read a file and print; no AWS, no network) are run when a console block shows their output.
const OFFLINE_COMMANDS = new Set(['convert', 'scope', 'validate']);

describe('offline commands of console blocks print the output the block shows', () => {
  const shown = blocks
    .filter((block) => block.lang === 'console')
    .flatMap(shellCommands)
    .filter(
      (command) => command.shown.length > 0 && OFFLINE_COMMANDS.has(asffStreamArguments(command)?.[0] ?? ''),
    );

  for (const command of shown) {
    it(`${where(command)}: ${command.text.trim()}`, async () => {
      const cwd = mkdtempSync(join(tmpdir(), 'asff-doc-command-'));
      try {
        cpSync(INPUTS, cwd, { recursive: true });
        const argv = asffStreamArguments(command) ?? [];
        const cli = [
          '--import',
          join(ROOT, 'test/helpers/loopback-only.mjs'),
          join(ROOT, 'dist/src/cli.js'),
          ...argv,
        ];
        const stdout = await new Promise<string>((resolve, reject) =>
          execFile(
            process.execPath,
            cli,
            { cwd, env: { PATH: process.env.PATH ?? '', ...CONFIGURED, ...command.env }, timeout: 30_000 },
            (error, out, err) =>
              error === null ? resolve(out) : reject(new Error(`${where(command)}: ${err}`)),
          ),
        );
        const actual = stdout.replace(/\n$/, '').split('\n');
        // What the block shows, without its `← …` annotations.
        const expected = command.shown.map((line) => line.replace(/\s+←.*$/, ''));
        expect(actual.length, `${where(command)}: printed\n${stdout}`).toBe(expected.length);
        expected.forEach((line, index) => {
          const wrong = unlikeShown({ text: actual[index] ?? '' }, line);
          if (wrong !== undefined)
            expect.fail(`${command.file}:${command.line + 1 + index}: shows "${line}", but ${wrong}`);
        });
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    });
  }
});

describe('npm scripts named in shell blocks exist', () => {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: object })
    .scripts;
  const named = shellBlocks
    .flatMap(shellCommands)
    .filter((command) => command.words[0] === 'npm')
    .map((command) => {
      const [, verb, script] = command.words;
      return { command, script: verb === 'run' || verb === 'run-script' ? script : verb };
    })
    .filter(
      ({ script }) => script !== undefined && !['ci', 'install', 'i', 'audit', 'pack'].includes(script),
    );
  it.each(named.map(({ command, script }) => [where(command), script]))('%s: npm %s', (at, script) => {
    expect(Object.keys(scripts), `${at}: package.json has no script "${script}"`).toContain(script);
  });
});
