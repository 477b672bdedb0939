/**
 * Valid synthetic ASFF findings for the import benchmarks (~0.8 KB each), generated lazily.
 * @param {number} count
 * @param {{ account: string; region: string; idPrefix: string }} options
 * @returns {AsyncGenerator<Record<string, unknown>>}
 */
export async function* syntheticFindings(count, { account, region, idPrefix }) {
  const now = new Date().toISOString();
  const productArn = `arn:aws:securityhub:${region}:${account}:product/${account}/default`;
  for (let i = 0; i < count; i++) {
    const severity = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'][i % 4];
    const types = ['Software and Configuration Checks/Vulnerabilities/CVE'];
    yield {
      SchemaVersion: '2018-10-08',
      Id: `${idPrefix}${String(i).padStart(8, '0')}`,
      ProductArn: productArn,
      GeneratorId: 'bench/CVE-2024-0001',
      AwsAccountId: account,
      CreatedAt: now,
      UpdatedAt: now,
      Title: `Benchmark finding ${i}: libexample 1.2.3 – CVE-2024-${10_000 + i}`,
      Description: `Synthetic finding ${i} for the import benchmarks — naïve café 路径遍历.`,
      Severity: { Label: severity, Original: severity },
      Types: types,
      FindingProviderFields: { Severity: { Label: severity, Original: severity }, Types: types },
      Resources: [{ Type: 'Other', Id: `bench-resource-${i % 500}`, Partition: 'aws', Region: region }],
    };
  }
}

/** The account and Region the import benchmarks import into (the emulator's defaults). */
export const BENCH_ACCOUNT = '123456789012';
export const BENCH_REGION = 'us-east-1';

/**
 * Imports `count` synthetic findings through the built library's sink into the emulator at `endpoint`, as a
 * library user would: the sink creates the SDK client (fake credentials), paced by its default limiter.
 * @param {(findings: AsyncIterable<unknown>, options: Record<string, unknown>) => Promise<any>} importFindings
 *   the built library's `importFindings`
 * @param {{ endpoint: string; count: number; idPrefix: string; options?: Record<string, unknown> }} run
 *   `options` are added to the sink's options (e.g. `outageBudgetMs`, `onProgress`)
 */
export function importSynthetic(importFindings, { endpoint, count, idPrefix, options = {} }) {
  return importFindings(
    syntheticFindings(count, { account: BENCH_ACCOUNT, region: BENCH_REGION, idPrefix }),
    {
      accountId: BENCH_ACCOUNT,
      region: BENCH_REGION,
      endpoint,
      credentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
      ...options,
    },
  );
}

/**
 * Runs a benchmark's `main`; a failure is printed as the one JSON line `{"status":"error","note":…}` that
 * `bench/run.mjs` reads (the first line of the message).
 * @param {() => Promise<void>} main
 */
export function runBench(main) {
  main().catch((error) => {
    process.stdout.write(
      `${JSON.stringify({ status: 'error', note: String(error?.message ?? error).split('\n')[0] })}\n`,
    );
  });
}
