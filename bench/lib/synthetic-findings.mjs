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
