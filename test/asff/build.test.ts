import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/adapter.js';
import { defaultProductArn, partitionOf, SCOPE_PRODUCT_FIELD, toAsff } from '../../src/asff/build.js';
import { MAX_FINDING_BYTES, TRUNCATION_MARKER } from '../../src/asff/limits.js';

const ctx = {
  adapter: 'sarif',
  accountId: '123456789012',
  region: 'eu-west-1',
  scope: 'repo-a',
  now: new Date('2026-01-01T00:00:00.000Z'),
};

function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    identity: ['rule-1', 'src/app.js', 10],
    ruleId: 'rule-1',
    title: 'SQL injection',
    description: 'User input reaches a query.',
    severity: { label: 'HIGH', original: 'error' },
    types: ['Software and Configuration Checks'],
    resources: [{ Type: 'Other', Id: 'src/app.js' }],
    state: 'active',
    ...overrides,
  };
}

describe('toAsff', () => {
  it('fills the required fields, FindingProviderFields and ProductFields', () => {
    const result = toAsff(finding(), ctx);
    expect(result.ok).toBe(true);
    const f = result.finding;
    expect(f).toBeValidAsff();
    expect(f.SchemaVersion).toBe('2018-10-08');
    expect(f.ProductArn).toBe('arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default');
    expect(f.GeneratorId).toBe('sarif/rule-1');
    expect(f.CreatedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(f.UpdatedAt).toBe(f.CreatedAt);
    expect(f.FindingProviderFields?.Severity).toEqual({ Label: 'HIGH', Original: 'error' });
    expect(f.Severity).toEqual({ Label: 'HIGH', Original: 'error' });
    expect(f.FindingProviderFields?.Types).toEqual(['Software and Configuration Checks']);
    expect(f.ProductFields?.[SCOPE_PRODUCT_FIELD]).toBe('repo-a');
    expect(f.Resources?.[0]).toMatchObject({ Partition: 'aws', Region: 'eu-west-1' });
    expect(f.RecordState).toBe('ACTIVE');
    expect(f.Id?.startsWith('repo-a/sarif/')).toBe(true);
  });

  it('archives resolved findings', () => {
    expect(toAsff(finding({ state: 'resolved' }), ctx).finding.RecordState).toBe('ARCHIVED');
  });

  it.each([
    ['us-east-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
  ])('derives the partition of %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
    expect(
      defaultProductArn('123456789012', region).startsWith(`arn:${partition}:securityhub:${region}:`),
    ).toBe(true);
  });

  it('shrinks a maximal finding (every string 10x over, 500 KB of details) to valid ASFF under 240 KB', () => {
    const big = (n: number) => 'é'.repeat(n);
    const huge = finding({
      ruleId: big(5120),
      title: big(2560),
      description: big(10240),
      severity: { label: 'CRITICAL', original: big(640) },
      types: Array.from({ length: 500 }, (_, i) => `Namespace${i}/Category/Classifier`),
      resources: Array.from({ length: 320 }, (_, i) => ({
        Type: big(2560),
        Id: `res-${i}`,
        Details: {
          Other: Object.fromEntries(Array.from({ length: 60 }, (_, k) => [`key-${k}-${big(200)}`, big(300)])),
        },
      })),
      productFields: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`field-${i}`, big(20480)])),
      remediation: { Recommendation: { Text: big(5120), Url: 'https://example.com/fix' } },
      vulnerabilities: Array.from({ length: 200 }, (_, i) => ({
        Id: `CVE-2026-${i}`,
        ReferenceUrls: Array.from({ length: 100 }, (_, k) => `https://example.com/${i}/${k}/${big(50)}`),
        VulnerablePackages: Array.from({ length: 100 }, (_, k) => ({ Name: `pkg-${k}`, Version: big(100) })),
      })),
    });
    const result = toAsff(huge, ctx);
    expect(result.ok).toBe(true);
    expect(result.finding).toBeValidAsff();
    expect(Buffer.byteLength(JSON.stringify(result.finding))).toBeLessThanOrEqual(MAX_FINDING_BYTES);
    expect(result.finding.Title?.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(result.finding.Description?.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(result.finding.Resources).toHaveLength(32);
    expect(result.finding.Types).toHaveLength(50);
    expect(result.issues.map((i) => i.code)).toEqual(
      expect.arrayContaining(['field-truncated', 'resources-capped', 'types-capped']),
    );
  });

  it('gives up (ok: false) when even the trimmed finding is over 240 KB', () => {
    const result = toAsff(finding({ resources: [{ Type: 'Other', Id: 'x'.repeat(300_000) }] }), ctx);
    // Resource Ids are cut to 1 KB in the last step, so this one is rescued…
    expect(result.ok).toBe(true);
    const hopeless = toAsff(
      finding({
        sourceUrl: 'y',
        identity: ['z'],
        ruleId: 'r',
        remediation: { Recommendation: { Url: `https://x/${'u'.repeat(300_000)}` } },
      }),
      ctx,
    );
    expect(hopeless.ok).toBe(false);
    if (!hopeless.ok) expect(hopeless.reason).toMatch(/240 KB/);
  });

  it('drops blank strings and empty containers instead of sending them', () => {
    const f = toAsff(
      finding({ sourceUrl: ' ', productFields: { empty: '', ok: 'yes' }, vulnerabilities: [] }),
      ctx,
    ).finding;
    expect(f.SourceUrl).toBeUndefined();
    expect(f.Vulnerabilities).toBeUndefined();
    expect(f.ProductFields?.['asff-stream/sarif/ok']).toBe('yes');
    expect(Object.keys(f.ProductFields ?? {})).not.toContain('asff-stream/sarif/empty');
  });

  it('redacts AWS credentials wherever they appear', () => {
    const f = toAsff(
      finding({
        description:
          'key AKIAIOSFODNN7EXAMPLE and aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY here',
      }),
      ctx,
    ).finding;
    const text = JSON.stringify(f);
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).not.toContain('wJalrXUtnFEMI');
    expect(f.Description).toContain('[REDACTED]');
  });

  it('redacts a secret held under a credential-named key and keeps the finding valid JSON', () => {
    const result = toAsff(
      finding({
        resources: [
          {
            Type: 'Other',
            Id: 'x',
            Details: { Other: { aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' } },
          },
        ],
      }),
      ctx,
    );
    expect(result.ok).toBe(true);
    expect(result.finding.Resources?.[0]?.Details?.Other?.aws_secret_access_key).toBe('[REDACTED]');
    expect(JSON.stringify(result.finding)).not.toContain('wJalrXUtnFEMI');
    expect(result.finding).toBeValidAsff();
  });

  it('drops Types that do not match namespace/category/classifier and defaults when none is left', () => {
    const f = toAsff(finding({ types: ['a/b/c/d', ''] }), ctx).finding;
    expect(f.Types).toEqual(['Software and Configuration Checks']);
  });
});
