import type {
  AwsSecurityFinding,
  BatchImportFindingsResponse,
  ImportFindingsError,
} from '@aws-sdk/client-securityhub';
import { describeViolations } from '../asff/validate.js';
import { isJsonObject, type JsonObject, type OperationContext } from './context.js';
import { TRANSIENT_FINDING_MESSAGES } from './faults.js';
import { parseProductArn } from './product-arn.js';
import { applyProviderFields } from './provider-fields.js';
import { ServiceError } from './service-error.js';
import type { StoredFinding } from './store.js';

const FORMAT_PREFIX = 'Finding does not adhere to Amazon Finding Format.';
/** Owned by the customer: BatchImportFindings ignores them on existing findings (asff-facts §3). */
const CUSTOMER_FIELDS = [
  'Note',
  'UserDefinedFields',
  'VerificationState',
  'Workflow',
  'WorkflowState',
] as const;
const MAX_FINDINGS = 100;

/** BatchImportFindings: whole-request checks, then each finding on its own. */
export function batchImportFindings(ctx: OperationContext, body: JsonObject): BatchImportFindingsResponse {
  const findings = body.Findings;
  if (!Array.isArray(findings) || findings.length < 1 || findings.length > MAX_FINDINGS) {
    const count = Array.isArray(findings) ? findings.length : 0;
    throw new ServiceError(
      'InvalidInputException',
      `Findings must contain between 1 and ${MAX_FINDINGS} findings (got ${count})`,
    );
  }
  checkProductArns(ctx, findings);

  const failed: ImportFindingsError[] = [];
  for (const finding of findings) {
    const failure = importOne(ctx, finding);
    if (failure !== undefined) {
      ctx.log.countFailure(failure.ErrorCode ?? '');
      failed.push(failure);
    }
  }
  return {
    FailedCount: failed.length,
    SuccessCount: findings.length - failed.length,
    FailedFindings: failed,
  };
}

/**
 * A malformed ProductArn fails the whole request (InvalidInputException, as seen in aquasecurity/trivy#6010);
 * under the default product ARN, another account in the ARN or in AwsAccountId is AccessDeniedException for
 * the whole request (prowler-cloud/prowler#867, asff-facts §1.3). A ProductArn of another Region is not
 * refused here: AWS documents no whole-request error for it, and the emulator invents none.
 */
function checkProductArns(ctx: OperationContext, findings: readonly unknown[]): void {
  for (const finding of findings) {
    if (!isJsonObject(finding) || typeof finding.ProductArn !== 'string') continue;
    const arn = parseProductArn(finding.ProductArn);
    if (arn === undefined) {
      throw new ServiceError('InvalidInputException', `Invalid ProductArn: ${finding.ProductArn}`);
    }
    const accountMismatch =
      arn.accountId !== ctx.accountId ||
      (typeof finding.AwsAccountId === 'string' && finding.AwsAccountId !== ctx.accountId);
    if (arn.isDefault && accountMismatch) {
      throw new ServiceError(
        'AccessDeniedException',
        `User: arn:aws:iam::${ctx.accountId}:user/emulator is not authorized to perform: ` +
          `securityhub:BatchImportFindings on resource: ${finding.ProductArn} ` +
          `(findings imported under the default product ARN must belong to the calling account ${ctx.accountId})`,
      );
    }
  }
}

function importOne(ctx: OperationContext, finding: unknown): ImportFindingsError | undefined {
  const id = isJsonObject(finding) && typeof finding.Id === 'string' ? finding.Id : undefined;
  const fail = (ErrorCode: string, ErrorMessage: string): ImportFindingsError => ({
    Id: id ?? '',
    ErrorCode,
    ErrorMessage,
  });

  const bytes = Buffer.byteLength(JSON.stringify(finding) ?? '', 'utf8');
  if (bytes > ctx.maxFindingBytes) {
    return fail(
      'InvalidInput',
      `${FORMAT_PREFIX} Finding size is ${bytes} bytes, more than the maximum of 240 KB (${ctx.maxFindingBytes} bytes)`,
    );
  }
  const violations = ctx.validate(finding);
  if (violations.length > 0)
    return fail('InvalidInput', `${FORMAT_PREFIX} ${describeViolations(violations)}`);

  const asff = finding as AwsSecurityFinding;
  const productArn = asff.ProductArn ?? '';
  if (!ctx.hubEnabled)
    return fail('InvalidAccess', `Account ${ctx.accountId} is not subscribed to AWS Security Hub`);
  const arn = parseProductArn(productArn);
  if (arn !== undefined && !arn.isDefault && !ctx.enabledProductArns.has(productArn)) {
    return fail('InvalidAccess', `The product ${productArn} is not enabled for account ${ctx.accountId}`);
  }
  const injected = ctx.faults.findingFault(id ?? '');
  if (injected !== undefined) {
    return fail(injected, TRANSIENT_FINDING_MESSAGES[injected] ?? 'Injected transient failure');
  }

  const stored = ctx.store.get(ctx.accountId, ctx.region, productArn, asff.Id ?? '');
  if (stored === undefined) {
    ctx.store.create(ctx.accountId, ctx.region, createFinding(ctx, asff));
    ctx.log.counters.created++;
  } else if (Date.parse(asff.UpdatedAt ?? '') <= Date.parse(stored.finding.UpdatedAt ?? '')) {
    // Security Hub ignores an update whose UpdatedAt is not newer; we count it as a success (asff-facts §3).
    ctx.log.counters.ignoredStale++;
  } else {
    stored.finding = updateFinding(ctx, asff, stored);
    ctx.log.counters.updated++;
  }
  return undefined;
}

function createFinding(ctx: OperationContext, incoming: AwsSecurityFinding): AwsSecurityFinding {
  const next = structuredClone(incoming);
  applyProviderFields(next, undefined);
  next.RecordState ??= 'ACTIVE';
  next.Workflow ??= { Status: 'NEW' };
  next.WorkflowState ??= 'NEW';
  addServerFields(ctx, next);
  return next;
}

function updateFinding(
  ctx: OperationContext,
  incoming: AwsSecurityFinding,
  stored: StoredFinding,
): AwsSecurityFinding {
  const previous = stored.finding;
  const next = structuredClone(incoming) as unknown as Record<string, unknown>;
  for (const field of CUSTOMER_FIELDS) {
    const kept = (previous as unknown as Record<string, unknown>)[field];
    if (kept === undefined) delete next[field];
    else next[field] = structuredClone(kept);
  }
  const finding = next as unknown as AwsSecurityFinding;
  applyProviderFields(finding, stored);
  finding.RecordState ??= previous.RecordState ?? 'ACTIVE';
  resetWorkflowIfReopened(previous, finding);
  addServerFields(ctx, finding);
  return finding;
}

/**
 * Security Hub sets a NOTIFIED or RESOLVED workflow back to NEW when a finding is reopened: RecordState
 * ARCHIVED → ACTIVE, or Compliance.Status PASSED → FAILED / WARNING / NOT_AVAILABLE (asff-facts §2.8).
 */
function resetWorkflowIfReopened(previous: AwsSecurityFinding, next: AwsSecurityFinding): void {
  const status = next.Workflow?.Status;
  if (status !== 'NOTIFIED' && status !== 'RESOLVED') return;
  const unarchived = previous.RecordState === 'ARCHIVED' && next.RecordState === 'ACTIVE';
  const failedAgain =
    previous.Compliance?.Status === 'PASSED' &&
    next.Compliance?.Status !== undefined &&
    next.Compliance.Status !== 'PASSED';
  if (unarchived || failedAgain) {
    next.Workflow = { ...next.Workflow, Status: 'NEW' };
    next.WorkflowState = 'NEW';
  }
}

/** Fields Security Hub fills itself: Region (cannot be set), ProcessedAt, product names, its ProductFields keys. */
function addServerFields(ctx: OperationContext, finding: AwsSecurityFinding): void {
  const arn = parseProductArn(finding.ProductArn ?? '');
  if (arn?.isDefault === true) {
    // A custom integration may name itself; otherwise the console shows "Default" by "Personal".
    finding.ProductName ??= 'Default';
    finding.CompanyName ??= 'Personal';
  } else if (arn !== undefined) {
    finding.ProductName = arn.product;
    finding.CompanyName = arn.company;
  }
  finding.Region = ctx.region;
  finding.ProcessedAt = ctx.now.toISOString();
  finding.ProductFields = {
    ...finding.ProductFields,
    'aws/securityhub/FindingId': `${finding.ProductArn}/${finding.Id}`,
    'aws/securityhub/ProductName': finding.ProductName ?? '',
    'aws/securityhub/CompanyName': finding.CompanyName ?? '',
  };
}
