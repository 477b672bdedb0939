import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

// Proves the published package works on its own: pack it, install the tarball into an empty project (offline,
// from the npm cache `npm ci` filled — no network), run the bin, and compile a TypeScript consumer against its types.
const work = mkdtempSync(join(tmpdir(), 'asff-pack-'));
const consumer = join(work, 'consumer');
const npmEnv = {
  ...process.env,
  npm_config_audit: 'false',
  npm_config_fund: 'false',
  npm_config_update_notifier: 'false',
  AWS_ACCESS_KEY_ID: 'AKIDPACKAGETEST',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_REGION: 'us-east-1',
};

function run(
  command: string,
  args: string[],
  cwd: string,
  input?: string,
  env: NodeJS.ProcessEnv = npmEnv,
): string {
  return execFileSync(command, args, {
    cwd,
    env,
    input,
    encoding: 'utf8',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/**
 * An empty project depending on the tarball, with a lockfile built from ours (runtime entries only), so that the
 * install resolves exactly the versions this project was tested with, offline.
 */
function writeConsumerProject(tarball: string): void {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean }>;
  };
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const dependency = `file:${tarball}`;
  const integrity = `sha512-${createHash('sha512')
    .update(readFileSync(join(consumer, tarball)))
    .digest('base64')}`;
  const packages: Record<string, unknown> = {
    '': { name: 'consumer', dependencies: { 'asff-stream': dependency } },
    'node_modules/asff-stream': {
      version: pkg.version,
      resolved: dependency,
      integrity,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages))
    if (key !== '' && entry.dev !== true) packages[key] = entry;
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: { 'asff-stream': dependency },
    }),
  );
  writeFileSync(
    join(consumer, 'package-lock.json'),
    JSON.stringify({ name: 'consumer', lockfileVersion: 3, requires: true, packages }),
  );
}

describe('the packed npm package', () => {
  beforeAll(() => {
    run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], ROOT);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (tarball === undefined) throw new Error('npm pack produced no tarball');
    execFileSync('mkdir', ['-p', consumer]);
    copyFileSync(join(work, tarball), join(consumer, tarball));
    writeConsumerProject(tarball);
    // `npm ci` from a lock needs no registry metadata: every tarball comes from the cache `npm ci` filled here.
    run('npm', ['ci', '--offline', '--ignore-scripts'], consumer);
  }, 180_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('ships only dist, the demo samples, the README and the docs it links to', () => {
    const files = run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
    const paths = (JSON.parse(files) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(paths).toContain('dist/src/cli.js');
    expect(paths).toContain('dist/src/index.d.ts');
    expect(paths).toContain('dist/adapters/sarif/index.js');
    expect(
      paths.some((p) => p.startsWith('test/') || p.startsWith('src/') || p.startsWith('dist/test/')),
    ).toBe(false);
    // The README's links to the docs resolve inside the installed package too.
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const linked = [...readme.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]);
    expect(linked.length).toBeGreaterThan(5);
    for (const doc of linked) expect(paths, doc).toContain(doc);
  });

  it('runs its bin with npx after installing the tarball', () => {
    const help = run('npx', ['--no-install', 'asff-stream', '--help'], consumer);
    expect(help).toMatch(/Usage: asff-stream <command>/);
    const out = run(
      'npx',
      [
        '--no-install',
        'asff-stream',
        'convert',
        '-q',
        '--account',
        '123456789012',
        '--region',
        'us-east-1',
        '--adapter',
        join(ROOT, 'fixtures/custom/lines-adapter.mjs'),
      ],
      consumer,
      'R1|high|a.js\n',
    );
    expect(JSON.parse(out.trim()).GeneratorId).toBe('lines/R1');
  });

  it('converts with the example adapters (examples/), copied into the consumer and resolving the installed package', () => {
    for (const [example, fixture, count] of [
      ['npm-audit', 'audit.json', 3],
      ['zap', 'report.xml', 5],
      ['trivy-csv', 'report.csv', 4],
    ] as const) {
      const dir = join(consumer, 'examples', example);
      execFileSync('mkdir', ['-p', dir]);
      copyFileSync(join(ROOT, 'examples', example, 'adapter.mjs'), join(dir, 'adapter.mjs'));
      copyFileSync(join(ROOT, 'examples', example, 'fixtures', fixture), join(dir, fixture));
      const out = run(
        'npx',
        [
          '--no-install',
          'asff-stream',
          'convert',
          '-q',
          join(dir, fixture),
          '--account',
          '123456789012',
          '--region',
          'us-east-1',
          '--adapter',
          join(dir, 'adapter.mjs'),
        ],
        consumer,
      );
      const findings = out
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { GeneratorId: string });
      expect(findings, example).toHaveLength(count);
      expect(findings.every((f) => f.GeneratorId.startsWith(`${example}/`))).toBe(true);
    }
  });

  it('imports with --endpoint-url into the emulator started from the installed package', async () => {
    // The installed bin, run directly so that stopping it stops the server (npx would sit in between).
    const installedCli = join(consumer, 'node_modules/asff-stream/dist/src/cli.js');
    const hub: ChildProcess = spawn(process.execPath, [installedCli, 'hub', '--port', '0'], {
      cwd: consumer,
      env: npmEnv,
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        hub.stdout?.on('data', (d: Buffer) => {
          out += d.toString('utf8');
          const match = /http:\/\/127\.0\.0\.1:\d+/.exec(out);
          if (match) resolve(match[0]);
        });
        hub.on('exit', (code) => reject(new Error(`hub exited ${code}`)));
      });
      const report = run(
        'npx',
        [
          '--no-install',
          'asff-stream',
          'import',
          join(ROOT, 'fixtures/demo/weekly-scan.nessus'),
          '--endpoint-url',
          url,
          '-q',
        ],
        consumer,
        undefined,
        // --endpoint-url is Security Hub's only; the STS account lookup follows the SDK's own setting.
        { ...npmEnv, AWS_ENDPOINT_URL_STS: url },
      );
      expect(JSON.parse(report.trim().split('\n').pop() ?? '{}')).toMatchObject({
        received: 4,
        imported: 4,
        failed: 0,
      });
    } finally {
      hub.kill('SIGINT');
    }
  });

  it('resolves ".", "./toolkit" and "./adapters/*" and compiles a strict TypeScript consumer against the types', () => {
    writeFileSync(
      join(consumer, 'main.ts'),
      `import { convert, defineAdapter, validateAsff, type Finding } from 'asff-stream';
import sarif from 'asff-stream/adapters/sarif';
import { jsonRecords, lines, xmlElements } from 'asff-stream/toolkit';
const blocks: unknown[] = [jsonRecords, lines, xmlElements];
const custom = defineAdapter({
  name: 'x',
  meta: { description: 'x', extensions: [], identity: 'x' },
  detect: () => 0,
  async *parse(): AsyncGenerator<Finding> {},
});
const run = convert(new Uint8Array(), { accountId: '123456789012', region: 'us-east-1', adapters: [custom, sarif] });
const received: number = run.stats.received;
const violations: number = validateAsff({}).length;
console.log(received, violations, sarif.name, blocks.length);
`,
    );
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          target: 'ES2022',
          noEmit: true,
          skipLibCheck: false,
          types: ['node'],
          typeRoots: [join(ROOT, 'node_modules/@types')],
        },
        files: ['main.ts'],
      }),
    );
    run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], consumer);
    const loaded = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import s from 'asff-stream/adapters/sarif'; import { convert } from 'asff-stream'; console.log(s.name, typeof convert)",
      ],
      consumer,
    );
    expect(loaded.trim()).toBe('sarif function');
  });
});
