import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';

/**
 * Fields a Security Hub user owns (asff-facts §3): BatchImportFindings keeps their stored values on an
 * update, and a finding provider should not send them. The sink drops them before sending.
 */
export const CUSTOMER_OWNED_FIELDS = ['Note', 'UserDefinedFields', 'VerificationState', 'Workflow'] as const;

/** The finding without its customer-owned fields (a shallow copy, only when one was present) and their names. */
export function withoutCustomerFields(finding: AwsSecurityFinding): {
  finding: AwsSecurityFinding;
  dropped: string[];
} {
  const dropped = CUSTOMER_OWNED_FIELDS.filter((field) => finding[field] !== undefined);
  if (dropped.length === 0) return { finding, dropped };
  const copy: AwsSecurityFinding = { ...finding };
  for (const field of dropped) delete copy[field];
  return { finding: copy, dropped };
}
