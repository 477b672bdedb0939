/**
 * Import under faults: `node bench/import-faults.mjs` prints one JSON line with three rows, each measured
 * against the library's emulator on loopback. The importer runs in its own child process
 * (`node --expose-gc bench/import-faults.mjs child <endpoint> <count> <budgetMs>`) that samples its RSS every
 * 20 ms, so the emulator's memory is not counted.
 *
 * - `quota`: 1,046 findings with 1 request/s left of the quota (emulator bucket 1/s, burst 1). Ideal: one
 *   accepted request per second, 11 requests → 11 s. Target: within 1.3× of it.
 * - `baseline`, `outage`, `errors85`: peak RSS of 20,000 findings with no fault, with a 20 s outage (the
 *   emulator's listener closed: ECONNREFUSED) after 3,000 findings, and of 1,000 findings with 85 % of requests
 *   answered 500 (slow by design: the service is unwell, the sink backs off).
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importSynthetic, runBench } from './lib/synthetic-findings.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/** @param {string} path */
const load = (path) => import(pathToFileURL(join(ROOT, 'dist/src', path)).href);

/** The importer, in its own process. */
async function child(endpoint, count, budgetMs) {
  const { importFindings } = await load('sink/import.js');
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 20);
  let most = 0;
  const started = performance.now();
  const report = await importSynthetic(importFindings, {
    endpoint,
    count,
    idPrefix: 'bench/faults/',
    options: {
      outageBudgetMs: budgetMs,
      progressIntervalMs: 50,
      onProgress: (snapshot) => {
        most = Math.max(most, snapshot.pending);
      },
    },
  });
  sample();
  clearInterval(timer);
  const { deadLetterEntries: _entries, ...rest } = report;
  process.stdout.write(
    `${JSON.stringify({ seconds: (performance.now() - started) / 1000, peakRssBytes: peak, mostPending: most, report: rest })}\n`,
  );
}

/** Runs the importer child against `endpoint`; `during` runs while it imports. */
function runImporter(endpoint, count, budgetMs = 600_000) {
  return new Promise((resolve) => {
    const proc = spawn(
      process.execPath,
      ['--expose-gc', fileURLToPath(import.meta.url), 'child', endpoint, String(count), String(budgetMs)],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let stdout = '';
    proc.stdout.on('data', (d) => {
      stdout += d;
    });
    proc.on('close', () => {
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop() ?? ''));
      } catch {
        resolve({ status: 'error', note: stdout.slice(-200) });
      }
    });
  });
}

async function main() {
  const { startEmulator } = await load('emulator/index.js');
  const rows = {};

  // 1 request/s left of the quota.
  {
    const hub = await startEmulator({ throttling: { import: { ratePerSecond: 1, burst: 1 } } });
    const count = 1_046;
    const result = await runImporter(hub.url, count);
    const idealSeconds = Math.ceil(count / 100) / 1;
    rows.quota = {
      ...result,
      idealSeconds,
      ratio: result.seconds / idealSeconds,
      stored: hub.stats().storedFindings,
    };
    await hub.stop();
  }
  // Peak RSS: no fault, a 20 s outage, 85 % 5xx.
  const count = 20_000;
  {
    const hub = await startEmulator();
    rows.baseline = { ...(await runImporter(hub.url, count)), stored: hub.stats().storedFindings };
    await hub.stop();
  }
  {
    const hub = await startEmulator();
    const watch = setInterval(() => {
      if (hub.stats().storedFindings >= 3_000) {
        clearInterval(watch);
        void hub.outage(20_000);
      }
    }, 20);
    rows.outage = { ...(await runImporter(hub.url, count)), stored: hub.stats().storedFindings };
    clearInterval(watch);
    await hub.stop();
  }
  {
    const hub = await startEmulator({ faults: { serverErrorRate: 0.85, seed: 3 } });
    const n = 1_000;
    rows.errors85 = { ...(await runImporter(hub.url, n)), findings: n, stored: hub.stats().storedFindings };
    await hub.stop();
  }
  process.stdout.write(`${JSON.stringify({ status: 'ok', ...rows })}\n`);
}

runBench(
  process.argv[2] === 'child'
    ? () => child(process.argv[3], Number(process.argv[4]), Number(process.argv[5]))
    : main,
);
