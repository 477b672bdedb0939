/**
 * Import rate in its own process: `node --expose-gc bench/import-rate.mjs <findings>`.
 * Starts the library's Security Hub emulator on loopback (token bucket 10 requests/s, burst 30), imports
 * `<findings>` synthetic valid ASFF findings through the library's sink with its default limiter, checks that
 * every one arrived exactly once, and prints one JSON line.
 *
 * Rates, from the emulator's request log: the paced phase runs from the first import request to the last
 * accepted one. With a full bucket, accepted request k can arrive (k − burst) / rate seconds after the first
 * at the earliest, so the fraction of the 1,000 findings/s ceiling is that ideal span over the measured span,
 * and the sustained rate is the findings of the requests after the burst over the span. `findingsPerSecond`
 * and `endToEndFraction` use the whole client-side elapsed time instead (SDK loading included).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { importSynthetic, runBench } from './lib/synthetic-findings.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const RATE = 10;
const BURST = 30;

/**
 * Loads `name` from the built library's public entry or, failing that, from a module under dist/src.
 * @param {string} name
 * @param {string[]} candidates paths under dist/src
 */
async function loadExport(name, candidates) {
  const index = join(ROOT, 'dist/src/index.js');
  if (existsSync(index)) {
    const lib = await import(pathToFileURL(index).href);
    if (typeof lib[name] === 'function') return lib[name];
  }
  for (const candidate of candidates) {
    const file = join(ROOT, 'dist/src', candidate);
    if (!existsSync(file)) continue;
    const module = await import(pathToFileURL(file).href);
    if (typeof module[name] === 'function') return module[name];
  }
  return undefined;
}

async function main() {
  const count = Number(process.argv[2] ?? 20_000);
  const startEmulator = await loadExport('startEmulator', ['emulator/index.js', 'emulator/server.js']);
  const importFindings = await loadExport('importFindings', ['sink/index.js', 'sink/import.js']);
  if (startEmulator === undefined || importFindings === undefined) {
    const missing = [startEmulator ? '' : 'startEmulator()', importFindings ? '' : 'importFindings()'].filter(
      Boolean,
    );
    process.stdout.write(
      `${JSON.stringify({ status: 'n/a', note: `${missing.join(' and ')} not in the built library yet` })}\n`,
    );
    return;
  }
  const emulator = await startEmulator({
    port: 0,
    throttling: { import: { ratePerSecond: RATE, burst: BURST } },
  });
  try {
    const endpoint = emulator.url;
    const started = performance.now();
    const report = await importSynthetic(importFindings, { endpoint, count, idPrefix: 'bench/import/' });
    const seconds = (performance.now() - started) / 1000;
    const server = emulator.stats();
    const stored = server.storedFindings;
    // The paced phase as the API saw it: first import request to last accepted one (client start-up such as
    // loading the SDK, and the last response's trip back, are outside it).
    const imports = emulator.requests().filter((r) => r.operation === 'BatchImportFindings');
    const accepted = imports.filter((r) => r.status === 200);
    const spanSeconds = ((accepted.at(-1)?.elapsedMs ?? 0) - (imports[0]?.elapsedMs ?? 0)) / 1000;
    // With a full bucket, accepted request k may arrive (k − burst) / rate seconds after the first at the earliest.
    const idealSeconds = Math.max(0, accepted.length - BURST) / RATE;
    const afterBurst = accepted.slice(BURST).reduce((n, r) => n + r.findingCount - (r.failedCount ?? 0), 0);
    process.stdout.write(
      `${JSON.stringify({
        status: 'ok',
        findings: count,
        seconds,
        findingsPerSecond: count / seconds,
        spanSeconds,
        acceptedRequests: accepted.length,
        sustainedPerSecond: spanSeconds > 0 ? afterBurst / spanSeconds : undefined,
        fractionOfCeiling: spanSeconds > 0 ? idealSeconds / spanSeconds : undefined,
        endToEndFraction: idealSeconds / seconds,
        imported: report?.imported,
        failed: report?.failed,
        skipped: report?.skipped,
        retries: report?.retries,
        throttled: report?.throttled,
        requests: report?.requests,
        stored,
        serverRequests: server.requests,
        serverThrottled: server.throttled,
        maxRequestsInAnySecond: emulator.maxRequestsInAnyWindow(
          1000,
          (r) => r.operation === 'BatchImportFindings',
        ),
        zeroLoss: report?.imported === count && (report?.failed ?? 0) === 0 && stored === count,
      })}\n`,
    );
  } finally {
    await emulator.stop();
  }
}

runBench(main);
