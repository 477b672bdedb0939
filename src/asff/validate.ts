import { isJsonObject } from '../internal/json-object.js';
import {
  ASFF_SCHEMA_VERSION,
  ASFF_TIMESTAMP_PATTERN,
  MAX_COMPLIANCE_RELATED_REQUIREMENTS,
  MAX_DESCRIPTION_LENGTH,
  MAX_DETAILS_OTHER_FIELDS,
  MAX_DETAILS_OTHER_KEY_LENGTH,
  MAX_DETAILS_OTHER_VALUE_LENGTH,
  MAX_FINDING_BYTES,
  MAX_GENERATOR_ID_LENGTH,
  MAX_ID_LENGTH,
  MAX_PRODUCT_FIELD_KEY_LENGTH,
  MAX_PRODUCT_FIELD_VALUE_LENGTH,
  MAX_PRODUCT_FIELDS,
  MAX_PRODUCT_NAME_LENGTH,
  MAX_REGION_LENGTH,
  MAX_RELATED_FINDINGS,
  MAX_REMEDIATION_TEXT_LENGTH,
  MAX_RESOURCE_TYPE_LENGTH,
  MAX_RESOURCES,
  MAX_SEVERITY_ORIGINAL_LENGTH,
  MAX_TITLE_LENGTH,
  MAX_TYPES,
  TYPE_PATTERN,
} from './limits.js';
import { ASFF_SHAPES } from './shapes.generated.js';

export { ASFF_TIMESTAMP_PATTERN } from './limits.js';

/** One broken ASFF rule: where (`Resources[0].Type`), which rule, and a message in AWS's wording style. */
export interface AsffViolation {
  /** JSON path of the offending value, e.g. `Title` or `Resources[0].Details.Other.host`. */
  path: string;
  /** Short rule name: `required`, `max-length`, `min-length`, `enum`, `pattern`, `max-items`, `min-items`, `type`, `unknown-key`, `range`, `size`, `reserved-key`. */
  rule: string;
  /** One line for a person, naming the field and the limit it broke (e.g. the maximum length). */
  message: string;
}

const SEVERITY_LABELS = new Set(['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
const RECORD_STATES = new Set(['ACTIVE', 'ARCHIVED']);
const WORKFLOW_STATUSES = new Set(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']);
const VERIFICATION_STATES = new Set(['UNKNOWN', 'TRUE_POSITIVE', 'FALSE_POSITIVE', 'BENIGN_POSITIVE']);
const COMPLIANCE_STATUSES = new Set(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']);
const PARTITIONS = new Set(['aws', 'aws-cn', 'aws-us-gov', 'aws-us-iso', 'aws-us-iso-b', 'AzureCloud']);
const FIX_AVAILABLE = new Set(['YES', 'NO', 'PARTIAL']);
const EXPLOIT_AVAILABLE = new Set(['YES', 'NO']);
const TIMESTAMP_FIELDS = ['CreatedAt', 'UpdatedAt', 'FirstObservedAt', 'LastObservedAt'] as const;
const REQUIRED_FIELDS = [
  'SchemaVersion',
  'Id',
  'ProductArn',
  'GeneratorId',
  'AwsAccountId',
  'CreatedAt',
  'UpdatedAt',
  'Title',
  'Description',
  'Resources',
] as const;

const PRODUCT_ARN_PATTERN = /^arn:[a-z-]+:securityhub:[a-z0-9-]+:(\d{12})?:product\/[^/]+\/[^/]+$/;

/** Length in UTF-16 code units, as AWS's JSON-schema (AJV) validation counts characters… approximately: code points. */
function charLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

class Checker {
  readonly violations: AsffViolation[] = [];

  add(path: string, rule: string, message: string): void {
    this.violations.push({ path, rule, message });
  }

  string(path: string, value: unknown, min: number, max: number | undefined, required = true): void {
    if (value === undefined) {
      if (required) this.add(path, 'required', `should have required property '${path}'`);
      return;
    }
    if (typeof value !== 'string') {
      this.add(path, 'type', 'should be string');
      return;
    }
    const length = charLength(value);
    if (length < min) this.add(path, 'min-length', `should NOT be shorter than ${min} characters`);
    if (max !== undefined && length > max)
      this.add(path, 'max-length', `should NOT be longer than ${max} characters`);
  }

  enumValue(path: string, value: unknown, allowed: ReadonlySet<string>): void {
    if (value === undefined) return;
    if (typeof value !== 'string' || !allowed.has(value)) {
      this.add(path, 'enum', `should be equal to one of the allowed values: ${[...allowed].join(', ')}`);
    }
  }

  list(path: string, value: unknown, min: number, max: number): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      this.add(path, 'type', 'should be array');
      return [];
    }
    if (value.length < min) this.add(path, 'min-items', `should NOT have fewer than ${min} items`);
    if (value.length > max) this.add(path, 'max-items', `should NOT have more than ${max} items`);
    return value;
  }

  stringMap(path: string, value: unknown, maxPairs: number, maxKey: number, maxValue: number): void {
    if (value === undefined) return;
    if (!isJsonObject(value)) {
      this.add(path, 'type', 'should be object');
      return;
    }
    const entries = Object.entries(value);
    if (entries.length > maxPairs)
      this.add(path, 'max-properties', `should NOT have more than ${maxPairs} properties`);
    for (const [key, item] of entries) {
      const itemPath = `${path}['${key}']`;
      if (charLength(key) > maxKey)
        this.add(itemPath, 'max-length', `key should NOT be longer than ${maxKey} characters`);
      if (typeof item !== 'string') this.add(itemPath, 'type', 'should be string');
      else if (charLength(item) > maxValue)
        this.add(itemPath, 'max-length', `should NOT be longer than ${maxValue} characters`);
    }
  }

  number(path: string, value: unknown, min: number, max: number, integer: boolean): void {
    if (value === undefined) return;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      this.add(path, 'type', integer ? 'should be integer' : 'should be number');
      return;
    }
    if (value < min || value > max) this.add(path, 'range', `should be between ${min} and ${max}`);
  }

  /** Unknown keys (silently dropped by the SDK) and empty strings anywhere (NonEmptyString is `.*\S.*`). */
  shape(path: string, value: unknown, shapeName: string | undefined): void {
    if (typeof value === 'string') {
      if (!/\S/.test(value))
        this.add(path, 'min-length', 'should match pattern ".*\\S.*" (not empty or blank)');
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        this.shape(`${path}[${index}]`, item, shapeName);
      });
      return;
    }
    if (!isJsonObject(value)) return;
    const shape = shapeName === undefined ? undefined : ASFF_SHAPES[shapeName];
    for (const [key, item] of Object.entries(value)) {
      const itemPath = path === '' ? key : `${path}.${key}`;
      if (shape === undefined) {
        // A free-form string map (ProductFields, Details.Other, Tags…): check values only.
        this.shape(`${path}['${key}']`, item, undefined);
        continue;
      }
      if (!Object.hasOwn(shape, key)) {
        this.add(
          itemPath,
          'unknown-key',
          `is not a member of ${shapeName}; the AWS SDK would silently drop it`,
        );
        continue;
      }
      const child = shape[key];
      this.shape(itemPath, item, child === 0 || child === undefined ? undefined : child.replace(/\[\]$/, ''));
    }
  }
}

/**
 * Checks one ASFF finding against every rule Security Hub is known to enforce (asff-facts.md §0, §2, §3):
 * required fields, lengths, counts, enums, patterns, the 240 KB size, the Severity/Types requirement (top level
 * or FindingProviderFields), and keys the AWS SDK would silently drop. Returns an empty array when valid.
 */
export function validateAsff(finding: unknown): AsffViolation[] {
  const c = new Checker();
  if (!isJsonObject(finding)) {
    c.add('', 'type', 'finding should be an object');
    return c.violations;
  }
  const f = finding;
  for (const field of REQUIRED_FIELDS) {
    if (f[field] === undefined) c.add(field, 'required', `should have required property '${field}'`);
  }
  if (f.SchemaVersion !== undefined && f.SchemaVersion !== ASFF_SCHEMA_VERSION) {
    c.add('SchemaVersion', 'enum', `should be equal to "${ASFF_SCHEMA_VERSION}"`);
  }
  c.string('Id', f.Id, 1, MAX_ID_LENGTH, false);
  c.string('GeneratorId', f.GeneratorId, 1, MAX_GENERATOR_ID_LENGTH, false);
  c.string('ProductArn', f.ProductArn, 12, 2048, false);
  if (typeof f.ProductArn === 'string' && !PRODUCT_ARN_PATTERN.test(f.ProductArn)) {
    c.add(
      'ProductArn',
      'pattern',
      'should match "arn:<partition>:securityhub:<region>:<account>:product/<company>/<product>"',
    );
  }
  c.string('AwsAccountId', f.AwsAccountId, 12, 12, false);
  if (typeof f.AwsAccountId === 'string' && !/^\d{12}$/.test(f.AwsAccountId)) {
    c.add('AwsAccountId', 'pattern', 'should be 12 digits');
  }
  c.string('Title', f.Title, 1, MAX_TITLE_LENGTH, false);
  c.string('Description', f.Description, 1, MAX_DESCRIPTION_LENGTH, false);
  c.string('ProductName', f.ProductName, 1, MAX_PRODUCT_NAME_LENGTH, false);
  c.string('CompanyName', f.CompanyName, 1, MAX_PRODUCT_NAME_LENGTH, false);
  c.string('Region', f.Region, 1, MAX_REGION_LENGTH, false);
  for (const field of TIMESTAMP_FIELDS) {
    const value = f[field];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !ASFF_TIMESTAMP_PATTERN.test(value)) {
      c.add(field, 'pattern', 'should be an RFC 3339 timestamp such as 2026-01-31T23:00:00.000Z');
    }
  }

  const fpf = isJsonObject(f.FindingProviderFields) ? f.FindingProviderFields : undefined;
  checkSeverity(c, 'Severity', f.Severity);
  checkSeverity(c, 'FindingProviderFields.Severity', fpf?.Severity);
  if (f.Severity === undefined && fpf?.Severity === undefined) {
    c.add(
      'Severity',
      'required',
      "should have required property 'Severity' (top level or in FindingProviderFields)",
    );
  }
  checkTypes(c, 'Types', f.Types);
  checkTypes(c, 'FindingProviderFields.Types', fpf?.Types);
  if (f.Types === undefined && fpf?.Types === undefined) {
    c.add(
      'Types',
      'required',
      "should have required property 'Types' (top level or in FindingProviderFields)",
    );
  }
  c.number('Confidence', f.Confidence, 0, 100, true);
  c.number('Criticality', f.Criticality, 0, 100, true);
  c.number('FindingProviderFields.Confidence', fpf?.Confidence, 0, 100, true);
  c.number('FindingProviderFields.Criticality', fpf?.Criticality, 0, 100, true);
  for (const [path, related] of [
    ['RelatedFindings', f.RelatedFindings],
    ['FindingProviderFields.RelatedFindings', fpf?.RelatedFindings],
  ] as const) {
    c.list(path, related, 1, MAX_RELATED_FINDINGS).forEach((item, i) => {
      const r = isJsonObject(item) ? item : {};
      c.string(`${path}[${i}].ProductArn`, r.ProductArn, 1, undefined);
      c.string(`${path}[${i}].Id`, r.Id, 1, undefined);
    });
  }

  c.list('Resources', f.Resources, 1, MAX_RESOURCES).forEach((item, i) => {
    const path = `Resources[${i}]`;
    if (!isJsonObject(item)) {
      c.add(path, 'type', 'should be object');
      return;
    }
    c.string(`${path}.Type`, item.Type, 1, MAX_RESOURCE_TYPE_LENGTH);
    c.string(`${path}.Id`, item.Id, 1, undefined);
    c.enumValue(`${path}.Partition`, item.Partition, PARTITIONS);
    c.string(`${path}.Region`, item.Region, 1, MAX_REGION_LENGTH, false);
    const details = isJsonObject(item.Details) ? item.Details : undefined;
    c.stringMap(
      `${path}.Details.Other`,
      details?.Other,
      MAX_DETAILS_OTHER_FIELDS,
      MAX_DETAILS_OTHER_KEY_LENGTH,
      MAX_DETAILS_OTHER_VALUE_LENGTH,
    );
  });

  c.stringMap(
    'ProductFields',
    f.ProductFields,
    MAX_PRODUCT_FIELDS,
    MAX_PRODUCT_FIELD_KEY_LENGTH,
    MAX_PRODUCT_FIELD_VALUE_LENGTH,
  );
  c.stringMap('UserDefinedFields', f.UserDefinedFields, 50, 128, 1024);

  const remediation = isJsonObject(f.Remediation) ? f.Remediation : undefined;
  const recommendation = isJsonObject(remediation?.Recommendation) ? remediation.Recommendation : undefined;
  c.string('Remediation.Recommendation.Text', recommendation?.Text, 1, MAX_REMEDIATION_TEXT_LENGTH, false);

  if (isJsonObject(f.Note)) {
    c.string('Note.Text', f.Note.Text, 1, 512);
    c.string('Note.UpdatedBy', f.Note.UpdatedBy, 1, 512);
    c.string('Note.UpdatedAt', f.Note.UpdatedAt, 1, undefined);
  }
  c.enumValue('RecordState', f.RecordState, RECORD_STATES);
  c.enumValue('VerificationState', f.VerificationState, VERIFICATION_STATES);
  if (isJsonObject(f.Workflow)) c.enumValue('Workflow.Status', f.Workflow.Status, WORKFLOW_STATUSES);
  if (isJsonObject(f.Compliance)) {
    c.enumValue('Compliance.Status', f.Compliance.Status, COMPLIANCE_STATUSES);
    c.list(
      'Compliance.RelatedRequirements',
      f.Compliance.RelatedRequirements,
      0,
      MAX_COMPLIANCE_RELATED_REQUIREMENTS,
    );
    c.list('Compliance.StatusReasons', f.Compliance.StatusReasons, 0, 1000).forEach((reason, i) => {
      c.string(
        `Compliance.StatusReasons[${i}].ReasonCode`,
        isJsonObject(reason) ? reason.ReasonCode : undefined,
        1,
        undefined,
      );
    });
  }
  c.list('Malware', f.Malware, 0, 5);
  c.list('ThreatIntelIndicators', f.ThreatIntelIndicators, 1, 5);
  c.list('Threats', f.Threats, 1, 32);
  c.list('Vulnerabilities', f.Vulnerabilities, 0, 1000).forEach((item, i) => {
    const path = `Vulnerabilities[${i}]`;
    const v = isJsonObject(item) ? item : {};
    c.string(`${path}.Id`, v.Id, 1, undefined);
    c.enumValue(`${path}.FixAvailable`, v.FixAvailable, FIX_AVAILABLE);
    c.enumValue(`${path}.ExploitAvailable`, v.ExploitAvailable, EXPLOIT_AVAILABLE);
    if (isJsonObject(v.Vendor)) c.string(`${path}.Vendor.Name`, v.Vendor.Name, 1, undefined);
    c.number(`${path}.EpssScore`, v.EpssScore, 0, 1, false);
    c.list(`${path}.Cvss`, v.Cvss, 0, 1000).forEach((cvss, j) => {
      if (isJsonObject(cvss)) c.number(`${path}.Cvss[${j}].BaseScore`, cvss.BaseScore, 0, 10, false);
    });
  });

  c.shape('', f, 'AwsSecurityFinding');

  const bytes = Buffer.byteLength(JSON.stringify(f), 'utf8');
  if (bytes > MAX_FINDING_BYTES) {
    c.add(
      '',
      'size',
      `finding is ${bytes} bytes; Security Hub accepts at most 240 KB (we allow ${MAX_FINDING_BYTES})`,
    );
  }
  return c.violations;
}

function checkSeverity(c: Checker, path: string, value: unknown): void {
  if (value === undefined) return;
  if (!isJsonObject(value)) {
    c.add(path, 'type', 'should be object');
    return;
  }
  if (value.Label === undefined && value.Normalized === undefined) {
    c.add(`${path}.Label`, 'required', "should have required property 'Label' (or 'Normalized')");
  }
  c.enumValue(`${path}.Label`, value.Label, SEVERITY_LABELS);
  c.number(`${path}.Normalized`, value.Normalized, 0, 100, true);
  c.string(`${path}.Original`, value.Original, 1, MAX_SEVERITY_ORIGINAL_LENGTH, false);
}

function checkTypes(c: Checker, path: string, value: unknown): void {
  c.list(path, value, 0, MAX_TYPES).forEach((item, i) => {
    if (typeof item !== 'string' || !TYPE_PATTERN.test(item)) {
      c.add(`${path}[${i}]`, 'pattern', 'should match pattern "^([^/]+)(/[^/]+){0,2}$"');
    }
  });
}

/** Formats violations the way Security Hub words its `InvalidInput` errors. */
export function describeViolations(violations: readonly AsffViolation[]): string {
  return violations.map((v) => `data${v.path === '' ? '' : `.${v.path}`} ${v.message}`).join(', ');
}
