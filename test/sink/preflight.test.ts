import { describe, expect, it } from 'vitest';
import { isConverterError } from '../../src/errors.js';
import { checkProductArn } from '../../src/sink/preflight.js';

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
