import { describe, expect, it } from 'vitest';
import {
  createRun,
  type RunContext,
  readRepositories,
  type SarifOptions,
} from '../../../adapters/sarif/context.js';
import { readUriBases } from '../../../adapters/sarif/locations.js';
import { mapResult } from '../../../adapters/sarif/map.js';
import { toolFrom } from '../../../adapters/sarif/rules.js';
import type { Finding, Issue } from '../../../src/adapter.js';

function runWith(tool: object, extra: Partial<RunContext> = {}, options: SarifOptions = {}): RunContext {
  return { ...createRun(0, options), tool: toolFrom(tool), ...extra };
}

function map(result: unknown, run: RunContext, issues: Issue[] = []): Finding | undefined {
  return mapResult(
    result,
    run,
    { recordIndex: 3, byte: 120 },
    { reported: new Set() },
    { onIssue: (i) => issues.push(i) },
  );
}

const at = (uri: string, startLine?: number, extra: object = {}) => ({
  physicalLocation: {
    artifactLocation: { uri },
    region: { ...(startLine !== undefined && { startLine }), ...extra },
  },
});

const codeql = runWith({
  driver: {
    name: 'CodeQL',
    semanticVersion: '2.17.0',
    rules: [
      {
        id: 'js/sql-injection',
        shortDescription: { text: 'Database query built from user-controlled sources' },
        fullDescription: {
          text: 'Building a database query from user-controlled sources is vulnerable to insertion.',
        },
        helpUri: 'https://codeql.github.com/codeql-query-help/javascript/js-sql-injection/',
        help: { text: 'Use parameterised queries.' },
        defaultConfiguration: { level: 'error' },
        properties: {
          'security-severity': '8.8',
          precision: 'high',
          tags: ['security', 'external/cwe/cwe-089'],
        },
      },
    ],
  },
});

describe('mapResult: a code-scanning result', () => {
  const result = {
    ruleId: 'js/sql-injection',
    ruleIndex: 0,
    message: { text: 'This query depends on a [user-provided value](1).' },
    locations: [at('server/db.js', 30, { startColumn: 11, endLine: 31 }), at('server/db2.js', 5)],
    properties: { 'github/alertNumber': 7, secretive_token: 'never copied', note: 'kept' },
  };
  const finding = map(result, codeql)!;

  it('takes title, description and remediation from the rule and message', () => {
    expect(finding.title).toBe('Database query built from user-controlled sources at server/db.js:30');
    expect(finding.description).toBe(
      'This query depends on a user-provided value.\n\nBuilding a database query from user-controlled sources is vulnerable to insertion.',
    );
    expect(finding.remediation).toEqual({
      Recommendation: {
        Text: 'Use parameterised queries.',
        Url: 'https://codeql.github.com/codeql-query-help/javascript/js-sql-injection/',
      },
    });
  });

  it('maps severity, type, generator, confidence and state', () => {
    expect(finding.severity).toEqual({ label: 'HIGH', original: 'security-severity:8.8' });
    expect(finding.types).toEqual(['Software and Configuration Checks']);
    expect(finding.ruleId).toBe('CodeQL/js/sql-injection');
    expect(finding.confidence).toBe(80);
    expect(finding.state).toBe('active');
    expect(finding.scopeHint).toBe('CodeQL');
  });

  it('describes the file as the resource and lists every location as a code vulnerability', () => {
    expect(finding.resources).toEqual([
      {
        Type: 'Other',
        Id: 'server/db.js',
        Details: { Other: { Tool: 'CodeQL', Location: 'server/db.js:30:11' } },
      },
    ]);
    expect(finding.vulnerabilities).toEqual([
      {
        Id: 'js/sql-injection',
        CodeVulnerabilities: [
          {
            Cwes: ['CWE-89'],
            FilePath: { FilePath: 'server/db.js', FileName: 'db.js', StartLine: 30, EndLine: 31 },
          },
          {
            Cwes: ['CWE-89'],
            FilePath: { FilePath: 'server/db2.js', FileName: 'db2.js', StartLine: 5, EndLine: 5 },
          },
        ],
        ReferenceUrls: ['https://codeql.github.com/codeql-query-help/javascript/js-sql-injection/'],
      },
    ]);
  });

  it('puts SARIF facts and safe scalar properties into product fields', () => {
    expect(finding.productFields).toMatchObject({
      Tool: 'CodeQL',
      ToolVersion: '2.17.0',
      RuleId: 'js/sql-injection',
      Kind: 'fail',
      Level: 'error',
      FilePath: 'server/db.js',
      StartLine: 30,
      EndLine: 31,
      StartColumn: 11,
      Cwes: 'CWE-89',
      Precision: 'high',
      'Property.github/alertNumber': 7,
      'Property.note': 'kept',
    });
    expect(finding.productFields).not.toHaveProperty('Property.secretive_token');
  });
});

describe('mapResult: resources', () => {
  const tool = { driver: { name: 'Scanner', rules: [{ id: 'R' }] } };
  const repositories = readRepositories([
    {
      repositoryUri: 'https://github.com/acme/shop.git',
      revisionId: 'abc123',
      branch: 'main',
      mappedTo: { uriBaseId: 'SRC' },
    },
    { repositoryUri: 'git@gitlab.com:acme/lib.git', revisionId: 'def456', mappedTo: { uriBaseId: 'LIB' } },
  ]);

  it('uses the repository of versionControlProvenance as a CodeRepository resource, with a link to the line', () => {
    const run = runWith(tool, { repositories });
    const finding = map(
      {
        ruleId: 'R',
        message: { text: 'm' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'a b/x.js', uriBaseId: 'SRC' },
              region: { startLine: 3, endLine: 5 },
            },
          },
        ],
      },
      run,
    )!;
    expect(finding.resources).toEqual([
      {
        Type: 'CodeRepository',
        Id: 'https://github.com/acme/shop',
        Details: {
          CodeRepository: { ProviderType: 'GITHUB', ProjectName: 'acme/shop' },
          Other: { Tool: 'Scanner', Location: 'a b/x.js:3', RevisionId: 'abc123', Branch: 'main' },
        },
      },
    ]);
    expect(finding.sourceUrl).toBe('https://github.com/acme/shop/blob/abc123/a%20b/x.js#L3-L5');
    expect(finding.scopeHint).toBe('Scanner@acme/shop');
  });

  it('picks the repository mapped to the location base (GitLab link form)', () => {
    const finding = map(
      {
        ruleId: 'R',
        message: { text: 'm' },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'y.js', uriBaseId: 'LIB' },
              region: { startLine: 9 },
            },
          },
        ],
      },
      runWith(tool, { repositories }),
    )!;
    expect(finding.resources[0]).toMatchObject({ Type: 'CodeRepository', Id: 'https://gitlab.com/acme/lib' });
    expect(finding.sourceUrl).toBe('https://gitlab.com/acme/lib/-/blob/def456/y.js#L9');
  });

  it('uses the repository option when the log has none (no link without a revision)', () => {
    const finding = map(
      { ruleId: 'R', message: { text: 'm' }, locations: [at('x.js', 1)] },
      runWith(tool, {}, { repository: 'https://bitbucket.org/acme/app' }),
    )!;
    expect(finding.resources[0]).toMatchObject({
      Type: 'CodeRepository',
      Id: 'https://bitbucket.org/acme/app',
      Details: { CodeRepository: { ProviderType: 'BITBUCKET', ProjectName: 'acme/app' } },
    });
    expect(finding.sourceUrl).toBeUndefined();
  });

  it.each([
    [
      'a logical location',
      { locations: [{ logicalLocations: [{ fullyQualifiedName: 'ns::f()' }] }] },
      {},
      'ns::f()',
    ],
    ['the analysis target', { analysisTarget: { uri: 'Dockerfile' } }, {}, 'Dockerfile'],
    ['the target option', {}, { target: 'registry.example.com/app:1.2' }, 'registry.example.com/app:1.2'],
    ['the tool name as a last resort', {}, {}, 'Scanner analysis target'],
  ])('without a file, names the resource after %s', (_name, extra, options, id) => {
    const finding = map({ ruleId: 'R', message: { text: 'm' }, ...extra }, runWith(tool, {}, options))!;
    expect(finding.resources).toHaveLength(1);
    expect(finding.resources[0]).toMatchObject({ Type: 'Other', Id: id });
    expect(finding.vulnerabilities).toBeUndefined();
  });

  it('prefers hostedViewerUri as the source URL', () => {
    const finding = map(
      {
        ruleId: 'R',
        message: { text: 'm' },
        hostedViewerUri: 'https://viewer.example.com/r/1',
        locations: [at('x.c', 1)],
      },
      runWith(tool, { repositories }),
    )!;
    expect(finding.sourceUrl).toBe('https://viewer.example.com/r/1');
  });

  it('resolves relative uriBaseIds before naming the file', () => {
    const run = runWith(tool, { originalUriBaseIds: readUriBases({ SRC: { uri: 'src/' } }) });
    const finding = map(
      {
        ruleId: 'R',
        message: { text: 'm' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'a.c', uriBaseId: 'SRC' } } }],
      },
      run,
    )!;
    expect(finding.resources[0]!.Id).toBe('src/a.c');
    expect(finding.productFields).toMatchObject({ FilePath: 'src/a.c', UriBaseId: 'SRC' });
  });
});

describe('mapResult: vulnerabilities', () => {
  const trivy = runWith({
    driver: {
      name: 'Trivy',
      rules: [
        {
          id: 'CVE-2019-1549',
          shortDescription: { text: 'openssl: information disclosure in fork()' },
          helpUri: 'https://avd.aquasec.com/nvd/cve-2019-1549',
          help: { text: 'Vulnerability CVE-2019-1549\nPackage: libssl1.1\nFixed Version: 1.1.1d-r0' },
          properties: {
            'security-severity': '5.3',
            cvssv3_baseScore: 5.3,
            cvssv3_vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N',
            cvssv2_score: 5,
          },
        },
      ],
    },
  });

  it('builds a CVE vulnerability with the package from the message, CVSS and the fix', () => {
    const finding = map(
      {
        ruleId: 'CVE-2019-1549',
        message: { text: 'Package: libcrypto1.1\nInstalled Version: 1.1.1c-r0\nVulnerability CVE-2019-1549' },
        locations: [at('library/alpine', 1)],
      },
      trivy,
    )!;
    expect(finding.types).toEqual(['Software and Configuration Checks/Vulnerabilities/CVE']);
    expect(finding.title).toBe(
      'CVE-2019-1549 in libcrypto1.1@1.1.1c-r0: openssl: information disclosure in fork()',
    );
    expect(finding.vulnerabilities).toEqual([
      {
        Id: 'CVE-2019-1549',
        Vendor: { Name: 'Trivy', Url: 'https://avd.aquasec.com/nvd/cve-2019-1549' },
        ReferenceUrls: ['https://avd.aquasec.com/nvd/cve-2019-1549'],
        Cvss: [
          {
            Version: '3.1',
            BaseScore: 5.3,
            BaseVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N',
            Source: 'Trivy',
          },
          { Version: '2.0', BaseScore: 5, Source: 'Trivy' },
        ],
        VulnerablePackages: [
          {
            Name: 'libcrypto1.1',
            Version: '1.1.1c-r0',
            FixedInVersion: '1.1.1d-r0',
            // Without run.properties.imageName the location is all there is to say where the package is.
            FilePath: 'library/alpine',
            Remediation: 'Upgrade libcrypto1.1 to 1.1.1d-r0 or later',
          },
        ],
        FixAvailable: 'YES',
      },
    ]);
    expect(finding.remediation?.Recommendation?.Text).toBe('Upgrade libcrypto1.1 to 1.1.1d-r0 or later');
  });

  it('says no fix is available when the package has none (Grype "Fix Version:" empty, Anchore "None")', () => {
    for (const fix of ['', 'None']) {
      const run = runWith({
        driver: {
          name: 'Grype',
          rules: [
            {
              id: 'CVE-2008-0732-pkg',
              help: {
                text: `Package: pkg\nVersion: 1.0.1\nFix Version: ${fix}\nType: java-archive\nLocation: lib/pkg.jar`,
              },
            },
          ],
        },
      });
      const vulnerability = map({ ruleId: 'CVE-2008-0732-pkg', message: { text: 'vulnerable' } }, run)!
        .vulnerabilities![0]!;
      expect(vulnerability.FixAvailable).toBe('NO');
      expect(vulnerability.VulnerablePackages).toEqual([
        { Name: 'pkg', Version: '1.0.1', PackageManager: 'java-archive', FilePath: 'lib/pkg.jar' },
      ]);
    }
  });
});

describe('mapResult: secrets', () => {
  const gitleaks = runWith({
    driver: {
      name: 'gitleaks',
      rules: [
        {
          id: 'generic-api-key',
          shortDescription: { text: 'Generic API Key' },
          help: { text: 'Match: s3cr3t-T0ken-Value-42' },
        },
      ],
    },
  });
  const result = {
    ruleId: 'generic-api-key',
    message: { text: 'generic-api-key has detected secret s3cr3t-T0ken-Value-42 for file app/config.py.' },
    locations: [at('app/config.py', 8, { snippet: { text: 'TOKEN = "s3cr3t-T0ken-Value-42"' } })],
    properties: { offender: 's3cr3t-T0ken-Value-42', note: 'plain' },
    partialFingerprints: { commitSha: 'abc', email: 'dev@example.com' },
  };
  const finding = map(result, gitleaks)!;

  it('never copies the secret anywhere in the finding', () => {
    expect(JSON.stringify(finding)).not.toContain('s3cr3t-T0ken-Value-42');
    expect(finding.description).toContain('[REDACTED]');
  });

  it('is typed as a password finding with a fixed remediation and without snippet or copied properties', () => {
    expect(finding.types).toEqual(['Sensitive Data Identifications/Passwords']);
    expect(finding.remediation?.Recommendation?.Text).toMatch(/^Revoke or rotate this secret/);
    expect(finding.resources[0]!.Details?.Other).toEqual({ Tool: 'gitleaks', Location: 'app/config.py:8' });
    expect(finding.productFields).toMatchObject({ Secret: true });
    expect(Object.keys(finding.productFields!).some((key) => key.startsWith('Property.'))).toBe(false);
    // Fingerprints only feed the hashed identity; they are not copied into visible fields.
    const { identity: _identity, ...visible } = finding;
    expect(JSON.stringify(visible)).not.toContain('dev@example.com');
  });
});

describe('mapResult: problems', () => {
  it('skips a result that is not an object, with an issue', () => {
    const issues: Issue[] = [];
    expect(map(42, codeql, issues)).toBeUndefined();
    expect(issues).toEqual([
      {
        code: 'invalid-result',
        message: 'run 0 (CodeQL): a result is number, not an object; skipped',
        skipped: true,
        recordIndex: 3,
        byte: 120,
      },
    ]);
  });

  it('still makes a finding when the rule is missing, and reports the rule once', () => {
    const issues: Issue[] = [];
    const reports = { reported: new Set<string>() };
    const hooks = { onIssue: (issue: Issue) => issues.push(issue) };
    const one = mapResult(
      { ruleId: 'js/gone', message: { text: 'first' } },
      codeql,
      { recordIndex: 0 },
      reports,
      hooks,
    )!;
    mapResult({ ruleId: 'js/gone', message: { text: 'second' } }, codeql, { recordIndex: 1 }, reports, hooks);
    mapResult({ ruleId: 'js/other', message: { text: 'third' } }, codeql, { recordIndex: 2 }, reports, hooks);
    expect(one).toMatchObject({
      ruleId: 'CodeQL/js/gone',
      title: 'first',
      severity: { label: 'MEDIUM', original: 'default:warning' },
    });
    expect(issues.map((issue) => [issue.code, issue.recordIndex])).toEqual([
      ['missing-rule', 0],
      ['missing-rule', 2],
    ]);
  });

  it('reads an unknown kind as fail, with an issue', () => {
    const issues: Issue[] = [];
    const finding = map(
      { ruleId: 'js/sql-injection', kind: 'bogus', message: { text: 'm' } },
      codeql,
      issues,
    )!;
    expect(finding.productFields?.Kind).toBe('fail');
    expect(issues.map((issue) => issue.code)).toEqual(['unknown-kind']);
  });

  it('takes gitleaks 7 rules from the message when the result has no ruleId', () => {
    const run = runWith({
      driver: { name: 'Gitleaks', rules: [{ id: 'AWS Access Key', name: 'AWS Access Key' }] },
    });
    const issues: Issue[] = [];
    const finding = map(
      { message: { text: 'AWS Access Key secret detected' }, properties: { commit: 'c1' } },
      run,
      issues,
    )!;
    expect(finding.ruleId).toBe('Gitleaks/AWS Access Key');
    expect(finding.identity).toContain('commit=c1');
    expect(issues).toEqual([]);
  });
});

describe('mapResult: state', () => {
  it.each([
    ['no suppressions', {}, 'active', undefined],
    [
      'inSource suppression without status',
      { suppressions: [{ kind: 'inSource' }] },
      'resolved',
      'suppressed:inSource',
    ],
    [
      'accepted external suppression',
      { suppressions: [{ kind: 'external', status: 'accepted' }] },
      'resolved',
      'suppressed:external',
    ],
    [
      'underReview suppression',
      { suppressions: [{ kind: 'external', status: 'underReview' }] },
      'active',
      undefined,
    ],
    [
      'rejected next to accepted',
      { suppressions: [{ status: 'accepted' }, { status: 'rejected' }] },
      'active',
      undefined,
    ],
    ['empty suppressions', { suppressions: [] }, 'active', undefined],
    ['kind pass', { kind: 'pass' }, 'resolved', 'kind:pass'],
    ['kind notApplicable', { kind: 'notApplicable' }, 'resolved', 'kind:notApplicable'],
    ['kind informational', { kind: 'informational' }, 'active', undefined],
    ['baselineState absent', { baselineState: 'absent' }, 'resolved', 'baselineState:absent'],
    ['baselineState unchanged', { baselineState: 'unchanged' }, 'active', undefined],
  ])('%s → %s', (_name, extra, state, reason) => {
    const finding = map({ ruleId: 'js/sql-injection', message: { text: 'm' }, ...extra }, codeql)!;
    expect(finding.state).toBe(state);
    expect(finding.productFields?.ResolvedBecause).toBe(reason);
  });
});
