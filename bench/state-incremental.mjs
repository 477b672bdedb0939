/**
 * Incremental re-imports with a state file, in its own process:
 * `node --expose-gc bench/state-incremental.mjs [findings] [baseline-findings]`.
 *
 * Starts the library's emulator on loopback with Security Hub's real quotas (BatchImportFindings 10/s burst
 * 30, GetFindings 3/s burst 6) and runs the real CLI (`dist/src/cli.js import … --archive-missing`) on a
 * generated Trivy report of `findings` vulnerabilities (default 100,000):
 *
 *   1. first import, `--state` given but no state yet (today's scope read, then a state is written);
 *   2. second import of the same report with the state;
 *   3. a report in which 0.5 % of the findings changed and 0.5 % are gone, with the state;
 *   4. without a state, the first and second import of `baseline-findings` (default 11,700: the figure of
 *      issue 18, "48 s, 120 GetFindings + 120 imports"), in another scope: today's path, for comparison;
 *   5. a multi-run SARIF log of `multi-run-findings` results (default 9,000) in three runs (two tools in one
 *      repository, one tool in another: three keys), first and second import with a state of its own.
 *
 * Each row: wall time of the CLI process, its CPU time (user + system) and peak RSS (/usr/bin/time), Security Hub requests by operation
 * (from the emulator's log; the STS call that finds the account is left out) and the report's counters.
 * Also the memory of a loaded 100,000-entry state (heap + array buffers after GC, per entry).
 * Prints one JSON line; `npm run bench -- --only state` renders it into bench/RESULTS.md's section.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runBench } from './lib/synthetic-findings.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'bench/out/state');
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';

/**
 * Writes a Trivy JSON report of `count` vulnerabilities, streamed.
 * @param {string} path
 * @param {number} count
 * @param {{ artifact: string; changed?: (i: number) => boolean; gone?: (i: number) => boolean }} options
 */
async function writeScan(path, count, options) {
  const out = createWriteStream(path);
  out.write(
    `{"SchemaVersion":2,"ArtifactName":${JSON.stringify(options.artifact)},"ArtifactType":"container_image","Results":[{"Target":"app (debian 12)","Class":"os-pkgs","Type":"debian","Vulnerabilities":[`,
  );
  let first = true;
  let chunk = '';
  for (let i = 0; i < count; i++) {
    if (options.gone?.(i) === true) continue;
    const changed = options.changed?.(i) === true;
    const vulnerability = {
      VulnerabilityID: `CVE-2026-${100_000 + i}`,
      PkgName: `libexample${i % 997}`,
      PkgID: `libexample${i % 997}@1.${i % 13}.0`,
      InstalledVersion: `1.${i % 13}.0`,
      FixedVersion: changed ? `1.${i % 13}.2` : `1.${i % 13}.1`,
      Severity: ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'][i % 4],
      Title: `libexample: heap overflow in parser ${i}`,
      Description: `A crafted input makes the parser of libexample write past the end of a buffer (${i}).`,
      PrimaryURL: `https://avd.aquasec.com/nvd/cve-2026-${100_000 + i}`,
    };
    chunk += `${first ? '' : ','}${JSON.stringify(vulnerability)}`;
    first = false;
    if (chunk.length > 65_536) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(`${chunk}]}]}`);
  await once(out, 'finish');
}

/**
 * Writes a SARIF log of three runs (eslint and semgrep in acme/shop, semgrep in acme/lib), `count` results in
 * all, streamed.
 * @param {string} path
 * @param {number} count
 */
async function writeMultiRunSarif(path, count) {
  const runs = [
    ['eslint', 'acme/shop'],
    ['semgrep', 'acme/shop'],
    ['semgrep', 'acme/lib'],
  ];
  const out = createWriteStream(path);
  out.write('{"version":"2.1.0","runs":[');
  const perRun = Math.ceil(count / runs.length);
  for (const [r, [tool, repository]] of runs.entries()) {
    out.write(
      `${r > 0 ? ',' : ''}{"tool":{"driver":{"name":"${tool}","rules":[{"id":"${tool}-rule"}]}},"versionControlProvenance":[{"repositoryUri":"https://github.com/${repository}"}],"results":[`,
    );
    let chunk = '';
    for (let i = 0; i < perRun; i++) {
      const result = {
        ruleId: `${tool}-rule`,
        level: 'warning',
        message: { text: `${tool} finding ${i}` },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: `src/file${i}.js` },
              region: { startLine: 1 + (i % 50) },
            },
          },
        ],
      };
      chunk += `${i > 0 ? ',' : ''}${JSON.stringify(result)}`;
      if (chunk.length > 65_536) {
        if (!out.write(chunk)) await once(out, 'drain');
        chunk = '';
      }
    }
    out.write(`${chunk}]}`);
  }
  out.end(']}');
  await once(out, 'finish');
}

/**
 * Runs the CLI under /usr/bin/time; resolves with wall seconds, peak RSS MB, exit code and the JSON report.
 * @param {string[]} args
 * @param {string} endpoint
 */
async function runCli(args, endpoint) {
  const started = performance.now();
  const child = spawn(
    '/usr/bin/time',
    [
      '-f',
      'maxrss-kb=%M cpu-s=%U+%S',
      process.execPath,
      join(ROOT, 'dist/src/cli.js'),
      ...args,
      '--endpoint-url',
      endpoint,
      '-q',
    ],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        AWS_ACCESS_KEY_ID: 'AKIDBENCHSTATE',
        AWS_SECRET_ACCESS_KEY: 'bench',
        AWS_REGION: REGION,
        CI: 'true',
      },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const [code] = await once(child, 'close');
  const seconds = (performance.now() - started) / 1000;
  const rss = /maxrss-kb=(\d+)/.exec(stderr);
  const cpu = /cpu-s=([\d.]+)\+([\d.]+)/.exec(stderr);
  const line = stdout.trim().split('\n').at(-1) ?? '{}';
  let report = {};
  try {
    report = JSON.parse(line);
  } catch {
    report = { error: stderr.split('\n').slice(-5).join(' ') };
  }
  return {
    code,
    seconds,
    cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined,
    peakRssMb: rss ? Number(rss[1]) / 1024 : undefined,
    report,
  };
}

/**
 * Security Hub requests by operation since `from` (an index into the emulator's log).
 * @param {{ requests(): { operation: string; status: number }[] }} emulator
 * @param {number} from
 */
function requestsSince(emulator, from) {
  /** @type {Record<string, number>} */
  const counts = {};
  for (const r of emulator.requests().slice(from)) {
    if (r.operation === 'GetCallerIdentity') continue;
    counts[r.operation] = (counts[r.operation] ?? 0) + 1;
  }
  return counts;
}

/** @param {Record<string, number>} counts */
const total = (counts) => Object.values(counts).reduce((a, b) => a + b, 0);

/**
 * One measured CLI run.
 * @param {string} name
 * @param {any} emulator
 * @param {string[]} args
 */
async function row(name, emulator, args) {
  const from = emulator.requests().length;
  const run = await runCli(args, emulator.url);
  const requests = requestsSince(emulator, from);
  const r = run.report;
  const result = {
    name,
    code: run.code,
    seconds: Math.round(run.seconds * 100) / 100,
    cpuSeconds: run.cpuSeconds === undefined ? undefined : Math.round(run.cpuSeconds * 100) / 100,
    peakRssMb: run.peakRssMb === undefined ? undefined : Math.round(run.peakRssMb),
    requests,
    totalRequests: total(requests),
    received: r.received,
    imported: r.imported,
    unchanged: r.unchanged,
    failed: r.failed,
    archived: r.archived,
    state:
      r.state === undefined
        ? undefined
        : { used: r.state.used, fallback: r.state.fallback, entries: r.state.entries },
    error: r.error,
  };
  process.stderr.write(`  ${JSON.stringify(result)}\n`);
  return result;
}

/**
 * Memory of the loaded state, measured in a fresh process (bench/state-memory.mjs).
 * @param {string} statePath
 */
async function stateMemory(statePath) {
  const child = spawn(process.execPath, ['--expose-gc', join(ROOT, 'bench/state-memory.mjs'), statePath]);
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.resume();
  await once(child, 'close');
  return JSON.parse(stdout.trim() || '{}');
}

async function main() {
  const count = Number(process.argv[2] ?? 100_000);
  const baselineCount = Number(process.argv[3] ?? 11_700);
  const multiRunCount = Number(process.argv[4] ?? 9_000);
  const { startEmulator } = await import(pathToFileURL(join(ROOT, 'dist/src/emulator/index.js')).href);
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  const scan = join(OUT, 'scan.json');
  const changedScan = join(OUT, 'scan-changed.json');
  const baselineScan = join(OUT, 'baseline.json');
  const statePath = join(OUT, 'state.ndjson');
  // 0.5 % changed (every 200th), 0.5 % gone (every 200th, offset 100): 1 % of the findings in all.
  await writeScan(scan, count, { artifact: 'bench/app:1' });
  await writeScan(changedScan, count, {
    artifact: 'bench/app:1',
    changed: (i) => i % 200 === 0,
    gone: (i) => i % 200 === 100,
  });
  await writeScan(baselineScan, baselineCount, { artifact: 'bench/baseline:1' });
  const multiRunLog = join(OUT, 'multi-run.sarif');
  const multiRunState = join(OUT, 'multi-run-state.ndjson');
  await writeMultiRunSarif(multiRunLog, multiRunCount);

  const emulator = await startEmulator({ port: 0, requestLogLimit: 1_000_000 });
  try {
    const common = ['--account', ACCOUNT, '--region', REGION, '--archive-missing'];
    const rows = [];
    rows.push(
      await row('first import, no state yet', emulator, ['import', scan, ...common, '--state', statePath]),
    );
    // The machine is shared: the unchanged run (it sends nothing, so the state stays as it was) is measured
    // three times and the fastest kept; every time is reported.
    const attempts = [];
    for (let i = 0; i < 3; i++)
      attempts.push(
        await row('second import, unchanged, with the state', emulator, [
          'import',
          scan,
          ...common,
          '--state',
          statePath,
        ]),
      );
    const fastest = attempts.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    rows.push({ ...fastest, attempts: attempts.map((a) => a.seconds) });
    const memory = existsSync(statePath) ? await stateMemory(statePath) : undefined;
    rows.push(
      await row('0.5 % changed + 0.5 % gone, with the state', emulator, [
        'import',
        changedScan,
        ...common,
        '--state',
        statePath,
      ]),
    );
    rows.push(
      await row(`without a state: first import (${baselineCount})`, emulator, [
        'import',
        baselineScan,
        ...common,
      ]),
    );
    rows.push(
      await row(`without a state: second import, unchanged (${baselineCount})`, emulator, [
        'import',
        baselineScan,
        ...common,
      ]),
    );
    const multi = ['import', multiRunLog, ...common, '--state', multiRunState];
    rows.push(await row(`multi-run SARIF, 3 keys: first import (${multiRunCount})`, emulator, multi));
    rows.push(
      await row(`multi-run SARIF, 3 keys: second import, unchanged (${multiRunCount})`, emulator, multi),
    );
    const multiRunMemory = existsSync(multiRunState) ? await stateMemory(multiRunState) : undefined;
    const [first, second, changed] = rows;
    process.stdout.write(
      `${JSON.stringify({
        status: 'ok',
        findings: count,
        baselineFindings: baselineCount,
        rows,
        memory,
        multiRunMemory,
        secondRunRequestsFraction:
          first.totalRequests > 0 ? second.totalRequests / first.totalRequests : undefined,
        changedRunRequestsFraction:
          first.totalRequests > 0 ? changed.totalRequests / first.totalRequests : undefined,
        throttled: emulator.stats().throttled,
        loadAverage: loadavg(),
      })}\n`,
    );
  } finally {
    await emulator.stop();
  }
}

runBench(main);
