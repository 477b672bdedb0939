/**
 * Import rate in its own process: `node --expose-gc bench/import-rate.mjs <findings>`.
 * Starts the library's Security Hub emulator on loopback (token bucket 10 requests/s, burst 30), imports
 * `<findings>` synthetic valid ASFF findings through the library's sink with its default limiter, checks that
 * every one arrived exactly once, and prints one JSON line.
 *
 * Rates: `findingsPerSecond` is the plain average. Because the first 30 requests ride the burst, the sustained
 * rate is `(findings − burst × 100) / elapsed`, and the fraction of the 1,000 findings/s ceiling is the ideal
 * time at 10 req/s after the burst divided by the elapsed time.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const RATE = 10;
const BURST = 30;
const BATCH = 100;

/**
 * @param {number} count
 * @returns {AsyncGenerator<Record<string, unknown>>}
 */
async function* syntheticFindings(count) {
  const now = new Date().toISOString();
  const productArn = `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`;
  for (let i = 0; i < count; i++) {
    const severity = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'][i % 4];
    const types = ['Software and Configuration Checks/Vulnerabilities/CVE'];
    yield {
      SchemaVersion: '2018-10-08',
      Id: `bench/import/${String(i).padStart(8, '0')}`,
      ProductArn: productArn,
      GeneratorId: 'bench/CVE-2024-0001',
      AwsAccountId: ACCOUNT,
      CreatedAt: now,
      UpdatedAt: now,
      Title: `Benchmark finding ${i}: libexample 1.2.3 – CVE-2024-${10_000 + i}`,
      Description: `Synthetic finding ${i} for the import-rate benchmark — naïve café 路径遍历.`,
      Severity: { Label: severity, Original: severity },
      Types: types,
      FindingProviderFields: { Severity: { Label: severity, Original: severity }, Types: types },
      Resources: [{ Type: 'Other', Id: `bench-resource-${i % 500}`, Partition: 'aws', Region: REGION }],
    };
  }
}

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
    const report = await importFindings(syntheticFindings(count), {
      accountId: ACCOUNT,
      region: REGION,
      endpoint,
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
    });
    const seconds = (performance.now() - started) / 1000;
    const server = emulator.stats();
    const stored = server.storedFindings;
    const idealSeconds = Math.max(0, count / BATCH - BURST) / RATE;
    process.stdout.write(
      `${JSON.stringify({
        status: 'ok',
        findings: count,
        seconds,
        findingsPerSecond: count / seconds,
        sustainedPerSecond: Math.max(0, count - BURST * BATCH) / seconds,
        fractionOfCeiling: idealSeconds / seconds,
        imported: report?.imported,
        failed: report?.failed,
        skipped: report?.skipped,
        retries: report?.retries,
        throttled: report?.throttled,
        requests: report?.requests,
        stored,
        serverRequests: server.requests,
        serverThrottled: server.throttled,
        maxRequestsInAnySecond: emulator.maxRequestsInAnyWindow?.(1000),
        zeroLoss:
          report?.imported === count &&
          (report?.failed ?? 0) === 0 &&
          (stored === undefined || stored === count),
      })}\n`,
    );
  } finally {
    await emulator.stop();
  }
}

main().catch((error) => {
  process.stdout.write(
    `${JSON.stringify({ status: 'error', note: String(error?.message ?? error).split('\n')[0] })}\n`,
  );
});
