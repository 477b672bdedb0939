import type {
  AwsSecurityFindingIdentifier,
  BatchUpdateFindingsResponse,
  BatchUpdateFindingsUnprocessedFinding,
  Severity,
} from '@aws-sdk/client-securityhub';
import { isJsonObject, type JsonObject, type OperationContext } from './context.js';
import { TRANSIENT_FINDING_MESSAGES } from './faults.js';
import { completeSeverity, labelOfNormalized } from './provider-fields.js';
import { ServiceError } from './service-error.js';

const MAX_IDENTIFIERS = 100;
const SEVERITY_LABELS = new Set(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
const WORKFLOW_STATUSES = new Set(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']);
const VERIFICATION_STATES = new Set(['UNKNOWN', 'TRUE_POSITIVE', 'FALSE_POSITIVE', 'BENIGN_POSITIVE']);
const TYPE_PATTERN = /^([^/]+)(\/[^/]+){0,2}$/;
/** Top-level twins of FindingProviderFields: once a customer sets them, imports stop overwriting them. */
const PROVIDER_TWINS = ['Severity', 'Types', 'Confidence', 'Criticality', 'RelatedFindings'] as const;
const UPDATABLE = [...PROVIDER_TWINS, 'Note', 'VerificationState', 'UserDefinedFields', 'Workflow'] as const;

/**
 * BatchUpdateFindings: the customer's changes. Does not touch UpdatedAt (asff-facts §3); records which
 * provider-twin fields were changed so that later imports keep the customer's values.
 */
export function batchUpdateFindings(ctx: OperationContext, body: JsonObject): BatchUpdateFindingsResponse {
  const identifiers = readIdentifiers(body.FindingIdentifiers);
  checkUpdates(body);

  const processed: AwsSecurityFindingIdentifier[] = [];
  const unprocessed: BatchUpdateFindingsUnprocessedFinding[] = [];
  const seen = new Set<string>();
  for (const identifier of identifiers) {
    const key = `${identifier.ProductArn}\u0000${identifier.Id}`;
    const reject = (ErrorCode: string, ErrorMessage: string): void => {
      unprocessed.push({ FindingIdentifier: identifier, ErrorCode, ErrorMessage });
    };
    if (seen.has(key)) {
      reject('DuplicatedFindingIdentifier', 'Finding Identifier is duplicated');
      continue;
    }
    seen.add(key);
    const stored = ctx.store.get(ctx.accountId, ctx.region, identifier.ProductArn, identifier.Id);
    if (stored === undefined) {
      reject('FindingNotFound', 'Finding Not Found');
      continue;
    }
    const injected = ctx.faults.findingFault(identifier.Id);
    if (injected !== undefined) {
      reject(injected, TRANSIENT_FINDING_MESSAGES[injected] ?? 'Injected transient failure');
      continue;
    }
    const finding = stored.finding as unknown as Record<string, unknown>;
    for (const field of PROVIDER_TWINS) {
      if (body[field] === undefined) continue;
      finding[field] =
        field === 'Severity'
          ? updateSeverity(stored.finding.Severity, body.Severity as JsonObject)
          : structuredClone(body[field]);
      stored.customerChanged.add(field);
    }
    if (isJsonObject(body.Note)) {
      finding.Note = {
        Text: body.Note.Text,
        UpdatedBy: body.Note.UpdatedBy,
        UpdatedAt: ctx.now.toISOString(),
      };
    }
    if (body.VerificationState !== undefined) finding.VerificationState = body.VerificationState;
    if (body.UserDefinedFields !== undefined)
      finding.UserDefinedFields = structuredClone(body.UserDefinedFields);
    if (isJsonObject(body.Workflow)) finding.Workflow = { Status: body.Workflow.Status };
    finding.ProcessedAt = ctx.now.toISOString();
    processed.push(identifier);
  }
  return { ProcessedFindings: processed, UnprocessedFindings: unprocessed };
}

function updateSeverity(current: Severity | undefined, update: JsonObject): Severity {
  const next: Severity = { ...current };
  if (typeof update.Label === 'string') {
    next.Label = update.Label as Severity['Label'];
    delete next.Normalized;
  } else if (typeof update.Normalized === 'number') {
    next.Normalized = update.Normalized;
    next.Label = labelOfNormalized(update.Normalized) as Severity['Label'];
  }
  if (typeof update.Product === 'number') next.Product = update.Product;
  return completeSeverity(next);
}

function readIdentifiers(value: unknown): { Id: string; ProductArn: string }[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_IDENTIFIERS) {
    throw new ServiceError(
      'InvalidInputException',
      `FindingIdentifiers must contain between 1 and ${MAX_IDENTIFIERS} items`,
    );
  }
  return value.map((item) => {
    if (!isJsonObject(item) || typeof item.Id !== 'string' || typeof item.ProductArn !== 'string') {
      throw new ServiceError('InvalidInputException', 'Each FindingIdentifier needs an Id and a ProductArn');
    }
    return { Id: item.Id, ProductArn: item.ProductArn };
  });
}

function invalid(message: string): never {
  throw new ServiceError('InvalidInputException', message);
}

function checkRatio(name: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    invalid(`${name} must be an integer between 0 and 100`);
  }
}

function checkUpdates(body: JsonObject): void {
  if (!UPDATABLE.some((field) => body[field] !== undefined)) {
    invalid('At least one finding attribute to update is required');
  }
  const {
    Note,
    Severity: severity,
    Workflow,
    VerificationState,
    Types,
    RelatedFindings,
    UserDefinedFields,
  } = body;
  if (Note !== undefined) {
    if (!isJsonObject(Note) || typeof Note.Text !== 'string' || typeof Note.UpdatedBy !== 'string') {
      invalid('Note needs Text and UpdatedBy');
    }
    if (Note.Text.length < 1 || Note.Text.length > 512) invalid('Note.Text must be 1 to 512 characters');
  }
  if (severity !== undefined) {
    if (!isJsonObject(severity)) invalid('Severity must be an object');
    if (severity.Label !== undefined && !SEVERITY_LABELS.has(String(severity.Label))) {
      invalid(`Invalid Severity.Label: ${String(severity.Label)}`);
    }
    checkRatio('Severity.Normalized', severity.Normalized);
  }
  if (
    Workflow !== undefined &&
    (!isJsonObject(Workflow) || !WORKFLOW_STATUSES.has(String(Workflow.Status)))
  ) {
    invalid('Workflow.Status must be NEW, NOTIFIED, RESOLVED or SUPPRESSED');
  }
  if (VerificationState !== undefined && !VERIFICATION_STATES.has(String(VerificationState))) {
    invalid(`Invalid VerificationState: ${String(VerificationState)}`);
  }
  checkRatio('Confidence', body.Confidence);
  checkRatio('Criticality', body.Criticality);
  if (Types !== undefined) {
    if (!Array.isArray(Types) || Types.length > 50) invalid('Types must be a list of at most 50 items');
    for (const type of Types) {
      if (typeof type !== 'string' || !TYPE_PATTERN.test(type))
        invalid(`Invalid Types entry: ${String(type)}`);
    }
  }
  if (RelatedFindings !== undefined) {
    const ok =
      Array.isArray(RelatedFindings) &&
      RelatedFindings.length <= 10 &&
      RelatedFindings.every(
        (r) => isJsonObject(r) && typeof r.Id === 'string' && typeof r.ProductArn === 'string',
      );
    if (!ok) invalid('RelatedFindings must be at most 10 items with Id and ProductArn');
  }
  if (UserDefinedFields !== undefined) {
    const ok =
      isJsonObject(UserDefinedFields) &&
      Object.keys(UserDefinedFields).length <= 50 &&
      Object.values(UserDefinedFields).every((v) => typeof v === 'string');
    if (!ok) invalid('UserDefinedFields must be a map of at most 50 strings');
  }
}
