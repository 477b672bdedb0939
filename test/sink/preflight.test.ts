import { describe, expect, it } from 'vitest';
import { isConverterError } from '../../src/errors.js';
import { checkProductArn, ProductArnGuard } from '../../src/sink/preflight.js';
import { finding } from '../helpers/fake-security-hub.js';

const TARGET = { accountId: '123456789012', region: 'eu-west-1' };

function failure(arn: string, target = TARGET): { code: string; message: string } | undefined {
  try {
    checkProductArn(arn, target);
    return undefined;
  } catch (error) {
    if (!isConverterError(error)) throw error;
    return { code: error.code, message: error.message };
  }
}

describe('checkProductArn: --product-arn against the Region, partition and account of the run', () => {
  it('accepts the default product ARN of the run and a partner product of the same Region', () => {
    expect(
      failure('arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default'),
    ).toBeUndefined();
    expect(
      failure('arn:aws:securityhub:eu-west-1:979326520502:product/aquasecurity/aquasecurity'),
    ).toBeUndefined();
    expect(
      failure('arn:aws-cn:securityhub:cn-north-1:123456789012:product/123456789012/default', {
        accountId: '123456789012',
        region: 'cn-north-1',
      }),
    ).toBeUndefined();
  });

  it('refuses another Region (exit 4) naming both fixes', () => {
    const f = failure('arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default');
    expect(f?.code).toBe('E_AWS_ACCESS');
    expect(f?.message).toContain('pass --region us-east-1');
    expect(f?.message).toContain('arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default');
    expect(f?.message).not.toContain('\n');
  });

  it('refuses another partition and the default product of another account', () => {
    expect(failure('arn:aws-cn:securityhub:eu-west-1:123456789012:product/123456789012/default')?.code).toBe(
      'E_AWS_ACCESS',
    );
    const other = failure('arn:aws:securityhub:eu-west-1:210987654321:product/210987654321/default');
    expect(other?.code).toBe('E_AWS_ACCESS');
    expect(other?.message).toMatch(/default product of account 210987654321.*belong to account 123456789012/);
  });

  it('a value that is no product ARN at all is a usage error (exit 2)', () => {
    expect(failure('arn:aws:iam::123456789012:role/x')?.code).toBe('E_CONFIG');
    expect(failure('default')?.code).toBe('E_CONFIG');
  });
});

describe("ProductArnGuard: the sink's check of each finding's ProductArn", () => {
  const EU = 'arn:aws:securityhub:eu-west-1:123456789012:product/123456789012/default';
  const US = 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default';

  it('passes findings of the target Region and account, refuses another Region with one line', () => {
    const guard = new ProductArnGuard({ accountId: '123456789012', region: 'eu-west-1' });
    expect(guard.check(finding('a', { ProductArn: EU }))).toBeUndefined();
    const error = guard.check(finding('b', { ProductArn: US }));
    expect(error?.code).toBe('E_AWS_ACCESS');
    expect(error?.message).toMatch(
      /is for Region us-east-1, but they are imported into eu-west-1: .*the default one is arn:aws:securityhub:eu-west-1:123456789012:product\/123456789012\/default/,
    );
    expect(error?.message).not.toContain('\n');
    // A pass is remembered per ProductArn and account; a refusal is not.
    expect(guard.check(finding('c', { ProductArn: US }))?.code).toBe('E_AWS_ACCESS');
  });

  it("without a known Region checks only the account; without a known account, the finding's AwsAccountId", () => {
    const guard = new ProductArnGuard({});
    expect(guard.check(finding('a', { ProductArn: EU }))).toBeUndefined();
    const other = 'arn:aws:securityhub:eu-west-1:210987654321:product/210987654321/default';
    expect(guard.check(finding('b', { ProductArn: other }))?.message).toMatch(
      /default product of account 210987654321, but the findings belong to account 123456789012 \(their AwsAccountId\)/,
    );
    // The same ARN for a finding that does belong to that account passes.
    expect(guard.check(finding('c', { ProductArn: other, AwsAccountId: '210987654321' }))).toBeUndefined();
  });

  it('leaves a ProductArn that is no product ARN at all to Security Hub (a bad finding, not a bad run)', () => {
    const guard = new ProductArnGuard({ accountId: '123456789012', region: 'eu-west-1' });
    expect(guard.check(finding('a', { ProductArn: 'not-an-arn' }))).toBeUndefined();
  });
});
