import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parseCsvMap } from '../adapters/csv/spec.js';
import { COMMANDS, topLevelAction } from '../src/cli/commands.js';
import {
  actionSteps,
  allDocBlocks,
  asffStreamArguments,
  DOC_INPUTS,
  type DocBlock,
  embeddedShellBlocks,
  ROOT,
  SHELL_LANGS,
  type ShellCommand,
  shellCommands,
  unlikeShown,
  where,
  yamlErrors,
} from './helpers/doc-blocks.js';

// Command lines, CI workflows and JSON in the docs (README, "Code in these docs"; TypeScript: test/docs-code.test.ts):
// - every `asff-stream …` command line of a shell block, and of the scripts in YAML and Jenkinsfile blocks, is read
//   by the CLI's own parser (src/cli/commands.ts); `npm run X` names a script;
// - an offline command of a console block that shows its output is run on fixtures/docs/ and must print it;
// - YAML blocks parse and pass only inputs action.yml declares; JSON blocks parse; CSV maps pass parseCsvMap.

const blocks = allDocBlocks();
const yamlBlocks = blocks.filter((block) => block.lang === 'yaml' || block.lang === 'yml');
/** Shell blocks, and the shell scripts inside YAML (CI steps) and Jenkinsfile blocks. */
const shellBlocks = [
  ...blocks.filter((block) => SHELL_LANGS.has(block.lang)),
  ...blocks.flatMap(embeddedShellBlocks),
];

// Commands are written for a configured environment: Region and account come from it when no flag gives them.
const CONFIGURED = { AWS_REGION: 'eu-west-1', AWS_ACCOUNT_ID: '123456789012' };

/** Why asff-stream refuses this command line (its own parser, src/cli/commands.ts), or `undefined` if it accepts it. */
async function refusal(command: ShellCommand): Promise<string | undefined> {
  const [name, ...rest] = asffStreamArguments(command) ?? [];
  if (name === undefined) return 'no command: asff-stream alone prints its help and exits 2';
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

  it('splits shell lines as a shell would: pipes, &&, prefixes, quotes, redirections, continuations, comments', () => {
    const code = [
      'cat scan.json | A=1 B="x y" npx --yes asff-stream import - --scope "$REPO@main" 2>&1 > log.txt && echo done \\',
      '  # a comment',
      '$ not a prompt in sh',
    ].join('\n');
    const parsed = shellCommands({ file: 'canary.md', line: 7, lang: 'sh', info: '', code });
    expect(parsed.map(({ line, env, words }) => ({ line, env, words }))).toEqual([
      { line: 7, env: {}, words: ['cat', 'scan.json'] },
      {
        line: 7,
        env: { A: '1', B: 'x y' },
        words: ['npx', '--yes', 'asff-stream', 'import', '-', '--scope', '$REPO@main'],
      },
      { line: 7, env: {}, words: ['echo', 'done'] },
      { line: 9, env: {}, words: ['$', 'not', 'a', 'prompt', 'in', 'sh'] },
    ]);
    expect(asffStreamArguments(parsed[1] as ShellCommand)).toEqual(['import', '-', '--scope', '$REPO@main']);
    const session = shellCommands({
      file: 'canary.md',
      line: 1,
      lang: 'console',
      info: '',
      code: '$ a\nout 1\nout 2\n$ b',
    });
    expect(session.map(({ words, shown }) => ({ words, shown }))).toEqual([
      { words: ['a'], shown: ['out 1', 'out 2'] },
      { words: ['b'], shown: [] },
    ]);
  });

  it('refuses what the CLI refuses, accepts what it accepts (canary lines)', async () => {
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
      'npx asff-stream',
      'asff-stream --help && asff-stream import --help',
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
      'no command: asff-stream alone prints its help and exits 2',
      undefined,
      undefined,
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
        cpSync(DOC_INPUTS, cwd, { recursive: true });
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

describe('npm scripts and node scripts named in shell blocks exist', () => {
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
  it.each(named.map(({ command, script }) => [where(command), script]))(
    '%s: npm script "%s"',
    (at, script) => {
      expect(Object.keys(scripts), `${at}: package.json has no script "${script}"`).toContain(script);
    },
  );
  // `node bench/generate.mjs …`: the script is a file of this repository.
  const nodeScripts = shellBlocks
    .flatMap(shellCommands)
    .filter((command) => command.words[0] === 'node')
    .flatMap((command) => {
      const script = command.words.find((word) => /\.[cm]?js$/.test(word));
      return script === undefined ? [] : [[where(command), script]];
    });
  it.each(nodeScripts)('%s: node script %s', (at, script) => {
    expect(existsSync(join(ROOT, script ?? '')), `${at}: no file ${script}`).toBe(true);
  });
});
