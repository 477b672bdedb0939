import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { STSClient } from '@aws-sdk/client-sts';
import type { RunningEmulator } from '../../src/emulator/index.js';

export const ACCOUNT = '123456789012';
export const REGION = 'us-east-1';
export const PRODUCT_ARN = `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`;
export const T0 = '2026-01-01T00:00:00.000Z';

/** A real SDK client pointed at the emulator with static fake credentials. */
export function hubClient(
  emulator: RunningEmulator,
  options: { accessKeyId?: string; maxAttempts?: number; region?: string } = {},
): SecurityHubClient {
  return new SecurityHubClient({
    endpoint: emulator.url,
    region: options.region ?? REGION,
    credentials: { accessKeyId: options.accessKeyId ?? 'AKIDEMULATORTEST', secretAccessKey: 'fake-secret' },
    maxAttempts: options.maxAttempts ?? 1,
  });
}

/** A real STS client pointed at the emulator. */
export function stsClient(emulator: RunningEmulator, accessKeyId = 'AKIDEMULATORTEST'): STSClient {
  return new STSClient({
    endpoint: emulator.url,
    region: REGION,
    credentials: { accessKeyId, secretAccessKey: 'fake-secret' },
    maxAttempts: 1,
  });
}

/** A valid ASFF finding under the default product ARN; `overrides` replace top-level fields. */
export function finding(id: string, overrides: Partial<AwsSecurityFinding> = {}): AwsSecurityFinding {
  return {
    SchemaVersion: '2018-10-08',
    Id: id,
    ProductArn: PRODUCT_ARN,
    GeneratorId: 'emulator-test/rule-1',
    AwsAccountId: ACCOUNT,
    CreatedAt: T0,
    UpdatedAt: T0,
    Title: `Finding ${id}`,
    Description: 'A finding made by the emulator tests.',
    Severity: { Label: 'MEDIUM', Original: 'medium' },
    Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    FindingProviderFields: {
      Severity: { Label: 'MEDIUM', Original: 'medium' },
      Types: ['Software and Configuration Checks/Vulnerabilities/CVE'],
    },
    Resources: [{ Type: 'Other', Id: `resource-${id}` }],
    ...overrides,
  };
}

/** `count` findings with Ids `<prefix>-0000` … */
export function findings(
  count: number,
  prefix = 'f',
  overrides: Partial<AwsSecurityFinding> = {},
): AwsSecurityFinding[] {
  return Array.from({ length: count }, (_, i) =>
    finding(`${prefix}-${String(i).padStart(4, '0')}`, overrides),
  );
}
