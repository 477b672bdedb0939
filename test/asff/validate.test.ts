import { describe, expect, it } from 'vitest';
import { validateAsff } from '../../src/asff/validate.js';

/** A minimal valid finding; each case below breaks one rule. */
function valid(): Record<string, unknown> {
  return {
    SchemaVersion: '2018-10-08',
    Id: 'scope/sarif/abc',
    ProductArn: 'arn:aws:securityhub:us-east-1:123456789012:product/123456789012/default',
    GeneratorId: 'sarif/rule-1',
    AwsAccountId: '123456789012',
    CreatedAt: '2026-01-01T00:00:00.000Z',
    UpdatedAt: '2026-01-01T00:00:00.000Z',
    Title: 'A title',
    Description: 'A description',
    Severity: { Label: 'HIGH', Original: 'error' },
    Types: ['Software and Configuration Checks'],
    FindingProviderFields: { Severity: { Label: 'HIGH' }, Types: ['Software and Configuration Checks'] },
    Resources: [{ Type: 'Other', Id: 'file.js' }],
  };
}

type Mutation = (f: Record<string, unknown>) => void;
const long = (n: number) => 'x'.repeat(n);

describe('validateAsff', () => {
  it('accepts a minimal valid finding', () => {
    expect(validateAsff(valid())).toEqual([]);
  });

  it.each<[string, Mutation, string, string]>([
    ['missing Id', (f) => delete f.Id, 'Id', 'required'],
    ['missing Resources', (f) => delete f.Resources, 'Resources', 'required'],
    ['missing Title', (f) => delete f.Title, 'Title', 'required'],
    ['wrong SchemaVersion', (f) => (f.SchemaVersion = '2020-01-01'), 'SchemaVersion', 'enum'],
    ['Id over 512', (f) => (f.Id = long(513)), 'Id', 'max-length'],
    ['GeneratorId over 512', (f) => (f.GeneratorId = long(513)), 'GeneratorId', 'max-length'],
    ['Title over 256', (f) => (f.Title = long(257)), 'Title', 'max-length'],
    ['Description over 1024', (f) => (f.Description = long(1025)), 'Description', 'max-length'],
    ['blank Title', (f) => (f.Title = '   '), 'Title', 'min-length'],
    ['account not 12 digits', (f) => (f.AwsAccountId = '12345678901a'), 'AwsAccountId', 'pattern'],
    ['bad ProductArn', (f) => (f.ProductArn = 'arn:aws:s3:::bucket-name'), 'ProductArn', 'pattern'],
    ['bad timestamp', (f) => (f.UpdatedAt = '2026-13-01 00:00'), 'UpdatedAt', 'pattern'],
    ['bad severity label', (f) => (f.Severity = { Label: 'SEVERE' }), 'Severity.Label', 'enum'],
    [
      'Severity.Original over 64',
      (f) => (f.Severity = { Label: 'LOW', Original: long(65) }),
      'Severity.Original',
      'max-length',
    ],
    [
      'no severity anywhere',
      (f) => {
        delete f.Severity;
        f.FindingProviderFields = { Types: ['A'] };
      },
      'Severity',
      'required',
    ],
    [
      'no types anywhere',
      (f) => {
        delete f.Types;
        f.FindingProviderFields = { Severity: { Label: 'LOW' } };
      },
      'Types',
      'required',
    ],
    ['Types with 4 levels', (f) => (f.Types = ['a/b/c/d']), 'Types[0]', 'pattern'],
    ['Types over 50', (f) => (f.Types = Array.from({ length: 51 }, (_, i) => `T${i}`)), 'Types', 'max-items'],
    ['empty Resources', (f) => (f.Resources = []), 'Resources', 'min-items'],
    [
      '33 Resources',
      (f) => (f.Resources = Array.from({ length: 33 }, (_, i) => ({ Type: 'Other', Id: `r${i}` }))),
      'Resources',
      'max-items',
    ],
    ['Resource without Type', (f) => (f.Resources = [{ Id: 'x' }]), 'Resources[0].Type', 'required'],
    [
      'Resource Type over 256',
      (f) => (f.Resources = [{ Id: 'x', Type: long(257) }]),
      'Resources[0].Type',
      'max-length',
    ],
    [
      'bad Partition',
      (f) => (f.Resources = [{ Id: 'x', Type: 'Other', Partition: 'gcp' }]),
      'Resources[0].Partition',
      'enum',
    ],
    [
      'Details.Other value over 1023',
      (f) => (f.Resources = [{ Id: 'x', Type: 'Other', Details: { Other: { k: long(1024) } } }]),
      "Resources[0].Details.Other['k']",
      'max-length',
    ],
    [
      'Details.Other over 50 pairs',
      (f) =>
        (f.Resources = [
          {
            Id: 'x',
            Type: 'Other',
            Details: { Other: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) },
          },
        ]),
      'Resources[0].Details.Other',
      'max-properties',
    ],
    [
      'ProductFields value over 2048',
      (f) => (f.ProductFields = { k: long(2049) }),
      "ProductFields['k']",
      'max-length',
    ],
    [
      'ProductFields key over 128',
      (f) => (f.ProductFields = { [long(129)]: 'v' }),
      `ProductFields['${long(129)}']`,
      'max-length',
    ],
    [
      'ProductFields over 50 pairs',
      (f) => (f.ProductFields = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v']))),
      'ProductFields',
      'max-properties',
    ],
    [
      'Remediation text over 512',
      (f) => (f.Remediation = { Recommendation: { Text: long(513) } }),
      'Remediation.Recommendation.Text',
      'max-length',
    ],
    [
      'Note without UpdatedBy',
      (f) => (f.Note = { Text: 'x', UpdatedAt: '2026-01-01T00:00:00Z' }),
      'Note.UpdatedBy',
      'required',
    ],
    [
      'Confidence over 100',
      (f) => (f.FindingProviderFields = { ...(f.FindingProviderFields as object), Confidence: 101 }),
      'FindingProviderFields.Confidence',
      'range',
    ],
    ['bad RecordState', (f) => (f.RecordState = 'DELETED'), 'RecordState', 'enum'],
    ['bad Workflow.Status', (f) => (f.Workflow = { Status: 'DONE' }), 'Workflow.Status', 'enum'],
    ['bad Compliance.Status', (f) => (f.Compliance = { Status: 'OK' }), 'Compliance.Status', 'enum'],
    [
      '11 RelatedFindings',
      (f) => (f.RelatedFindings = Array.from({ length: 11 }, (_, i) => ({ ProductArn: 'p', Id: `${i}` }))),
      'RelatedFindings',
      'max-items',
    ],
    [
      'Vulnerability without Id',
      (f) => (f.Vulnerabilities = [{ ReferenceUrls: ['https://x'] }]),
      'Vulnerabilities[0].Id',
      'required',
    ],
    [
      'bad FixAvailable',
      (f) => (f.Vulnerabilities = [{ Id: 'CVE-1', FixAvailable: 'MAYBE' }]),
      'Vulnerabilities[0].FixAvailable',
      'enum',
    ],
    [
      'Vendor without Name',
      (f) => (f.Vulnerabilities = [{ Id: 'CVE-1', Vendor: { Url: 'https://x' } }]),
      'Vulnerabilities[0].Vendor.Name',
      'required',
    ],
    [
      'CVSS score over 10',
      (f) => (f.Vulnerabilities = [{ Id: 'CVE-1', Cvss: [{ BaseScore: 11 }] }]),
      'Vulnerabilities[0].Cvss[0].BaseScore',
      'range',
    ],
    ['unknown top-level key', (f) => (f.CWE = 'CWE-79'), 'CWE', 'unknown-key'],
    [
      'unknown Resource key',
      (f) => (f.Resources = [{ Type: 'Other', Id: 'x', Foo: 1 }]),
      'Resources[0].Foo',
      'unknown-key',
    ],
    [
      'Normalized inside FindingProviderFields.Severity',
      (f) => (f.FindingProviderFields = { Severity: { Label: 'LOW', Normalized: 1 }, Types: ['A'] }),
      'FindingProviderFields.Severity.Normalized',
      'unknown-key',
    ],
    [
      'blank nested string',
      (f) => (f.Resources = [{ Type: 'Other', Id: 'x', Region: ' ' }]),
      'Resources[0].Region',
      'min-length',
    ],
    [
      'finding over 240 KB',
      (f) =>
        (f.Resources = Array.from({ length: 32 }, (_, i) => ({ Type: 'Other', Id: `${i}${long(8000)}` }))),
      '',
      'size',
    ],
  ])('flags %s', (_name, mutate, path, rule) => {
    const finding = valid();
    mutate(finding);
    const violations = validateAsff(finding);
    expect(violations).toContainEqual(expect.objectContaining({ path, rule }));
  });

  it('rejects non-objects', () => {
    expect(validateAsff(null)).toEqual([expect.objectContaining({ rule: 'type' })]);
    expect(validateAsff([valid()])).toEqual([expect.objectContaining({ rule: 'type' })]);
  });

  it('accepts timestamps with offsets and nanoseconds', () => {
    const f = valid();
    f.FirstObservedAt = '2019-01-31T23:00:00.123456789Z';
    f.LastObservedAt = '2019-01-31T23:00:10+17:59';
    expect(validateAsff(f)).toEqual([]);
  });
});
