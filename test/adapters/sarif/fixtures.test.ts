import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import sarif from '../../../adapters/sarif/index.js';
import type { ConverterError } from '../../../src/errors.js';
import { testAdapter } from '../../../src/testing/index.js';
import { convertAll } from '../../helpers/asff.js';
import { containerResource, type Parsed, parseWith } from './helpers.js';

const parseFixture = (name: string, options: Record<string, unknown> = {}): Promise<Parsed> =>
  parseWith(readFileSync(`fixtures/sarif/${name}`), options);

describe('fixtures/sarif scenarios', () => {
  it('multi-run: each run keeps its own tool and rules', async () => {
    const { findings, issues } = await parseFixture('multi-run.sarif');
    expect(findings.map((f) => [f.ruleId, f.title, f.severity.label])).toEqual([
      ['eslint/no-eval', 'Disallow the use of eval() at src/app.js:12', 'HIGH'],
      ['eslint/no-eval', 'Disallow the use of eval() at src/util.js:3', 'HIGH'],
      ['semgrep/no-eval', 'Avoid eval at src/app.js:12', 'MEDIUM'],
    ]);
    // Same rule id and place in two tools: two findings, two identities.
    expect(findings[0]!.identity).not.toEqual(findings[2]!.identity);
    expect(issues).toEqual([]);
  });

  it('keys-any-order: version and $schema after runs, tool after results', async () => {
    const { findings, issues } = await parseFixture('keys-any-order.sarif');
    expect(
      findings.map((f) => [f.ruleId, f.productFields?.RuleName, f.remediation?.Recommendation?.Url]),
    ).toEqual([
      [
        'Bandit/B608',
        'hardcoded_sql_expressions',
        'https://bandit.readthedocs.io/en/latest/plugins/b608_hardcoded_sql_expressions.html',
      ],
    ]);
    expect(issues).toEqual([]);
  });

  it('results-before-tool: Semgrep key order, converted with the rules that follow', async () => {
    const { findings, tempFilesLeft } = await parseFixture('results-before-tool.sarif');
    expect(findings.map((f) => [f.title, f.severity.original, f.productFields?.Cwes])).toEqual([
      ['SQL injection through raw() at app/views.py:21', 'security-severity:8.1', 'CWE-89'],
      ['Hard-coded secret key at app/models.py:7', 'defaultConfiguration.level:warning', 'CWE-798'],
    ]);
    expect(findings[0]!.identity).toEqual([
      'sarif/fp',
      'Semgrep OSS',
      'python.django.security.injection.sql.raw-query',
      'app/views.py',
      'matchBasedId/v1=a1b2c3_0',
    ]);
    expect(tempFilesLeft).toEqual([]);
  });

  it('empty-runs: no findings, no issues', async () => {
    expect(await parseFixture('empty-runs.sarif')).toEqual({ findings: [], issues: [], tempFilesLeft: [] });
  });

  it('rule-index-only: ruleIndex and rule.index without ruleId', async () => {
    const { findings, issues } = await parseFixture('rule-index-only.sarif');
    expect(findings.map((f) => [f.ruleId, f.severity.original])).toEqual([
      ['Checkov/CKV_AWS_21', 'defaultConfiguration.level:error'],
      ['Checkov/CKV_AWS_18', 'defaultConfiguration.level:warning'],
    ]);
    expect(issues).toEqual([]);
  });

  it('extensions-toolcomponent: rules found in extensions by index, name and guid; hierarchical id; missing rule', async () => {
    const { findings, issues } = await parseFixture('extensions-toolcomponent.sarif');
    expect(findings.map((f) => [f.ruleId, f.title, f.productFields?.ToolVersion])).toEqual([
      [
        'CodeQL/js/sql-injection',
        'Database query built from user-controlled sources at server/db.js:30',
        '0.8.0',
      ],
      ['CodeQL/js/path-injection', 'Uncontrolled data used in path expression at server/files.js:8', '0.8.0'],
      ['CodeQL/acme/weak-hash', 'Weak hash algorithm at server/auth.js:51', '2.17.0'],
      ['CodeQL/acme/weak-hash/md5', 'Weak hash algorithm at server/auth.js:60', '2.17.0'],
      ['CodeQL/js/unknown-query', 'A rule no component defines at server/auth.js:70', '2.17.0'],
    ]);
    expect(issues.map((i) => [i.code, i.recordIndex])).toEqual([['missing-rule', 4]]);
  });

  it('message-strings: message ids, arguments, brace escapes, links, markdown, missing id', async () => {
    const { findings, issues } = await parseFixture('message-strings.sarif');
    expect(findings.map((f) => f.description)).toEqual([
      'Possible null pointer dereference of user in Service.load(String).',
      'Shared template: config in Loader.read().',
      'Literal {braces} around x; missing {3} stays.',
      'Text with argument session and a related value.',
      'Only **markdown** here, see docs (https://spotbugs.readthedocs.io/).',
      // No message and no rule description: the title is all there is.
      'Possible null pointer dereference at src/main/java/Missing.java:3',
    ]);
    expect(issues.map((i) => [i.code, i.recordIndex])).toEqual([['missing-message-string', 5]]);
  });

  it('uri-base-id: relative base chains are resolved, absolute roots and unknown bases are not', async () => {
    const { findings } = await parseFixture('uri-base-id.sarif');
    expect(findings.map((f) => [f.resources[0]!.Id, f.productFields?.UriBaseId])).toEqual([
      ['src/io/read.c', 'SRCROOT'],
      ['src/vendor/lib/zlib/inflate.c', 'LIBROOT'],
      ['Makefile.in', 'REPOROOT'],
      ['my file.c', 'UNDEFINED_BASE'],
      ['C:/build/app/src/win.c', undefined],
      ['loop/x.c', 'LOOP'],
    ]);
    expect(findings[1]!.vulnerabilities![0]!.CodeVulnerabilities![0]!.FilePath).toEqual({
      FilePath: 'src/vendor/lib/zlib/inflate.c',
      FileName: 'inflate.c',
      StartLine: 200,
      EndLine: 200,
    });
  });

  it('artifact-index: index-only artifact locations resolved through artifacts that come after the results', async () => {
    const { findings, issues } = await parseFixture('artifact-index.sarif');
    expect(findings.map((f) => f.resources[0]!.Id)).toEqual([
      'src/pi_task/pi_utils.c',
      '/work/pi_alg/pi_alg.c',
      'Polyspace analysis target',
    ]);
    expect(issues.map((i) => [i.code, i.message])).toEqual([
      ['bad-location', 'run 0 (Polyspace): artifactLocation.index 7 is not in run.artifacts'],
    ]);
  });

  it('no-locations: a resource named after the tool, or the target option', async () => {
    const { findings } = await parseFixture('no-locations.sarif');
    expect(findings.map((f) => [f.resources[0]!.Id, f.remediation?.Recommendation])).toEqual([
      [
        'Dockle analysis target',
        { Url: 'https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#CIS-DI-0001' },
      ],
      [
        'Dockle analysis target',
        { Url: 'https://github.com/goodwithtech/dockle/blob/master/CHECKPOINT.md#DKL-LI-0003' },
      ],
    ]);
    const targeted = await parseFixture('no-locations.sarif', { target: 'docker.io/acme/web:1.4' });
    expect(targeted.findings.map((f) => f.resources[0]!.Id)).toEqual([
      'docker.io/acme/web:1.4',
      'docker.io/acme/web:1.4',
    ]);
    expect(findings[0]!.identity).not.toEqual(findings[1]!.identity);
  });

  it('logical-locations: logical locations by index name the resource', async () => {
    const { findings } = await parseFixture('logical-locations.sarif');
    expect(
      findings.map((f) => [f.resources[0]!.Id, f.types[0], f.vulnerabilities?.[0]?.VulnerablePackages]),
    ).toEqual([
      [
        'dockerfile',
        'Software and Configuration Checks/Vulnerabilities/CVE',
        [
          {
            Name: 'libssl1.1',
            Version: '1.1.1d-r2',
            FixedInVersion: '1.1.1g-r0',
            Remediation: 'Upgrade libssl1.1 to 1.1.1g-r0 or later',
            PackageManager: 'APKG',
            FilePath: 'pkgdb',
          },
        ],
      ],
      [
        'base-layer',
        'Software and Configuration Checks/Vulnerabilities/CVE',
        [
          {
            Name: 'libssl1.1',
            Version: '1.1.1d-r2',
            FixedInVersion: '1.1.1g-r0',
            Remediation: 'Upgrade libssl1.1 to 1.1.1g-r0 or later',
            PackageManager: 'APKG',
            FilePath: 'pkgdb',
          },
        ],
      ],
    ]);
  });

  it('suppressed: accepted or status-less suppressions resolve; underReview, rejected and [] stay active', async () => {
    const { findings } = await parseFixture('suppressed.sarif');
    expect(findings.map((f) => [f.state, f.productFields?.Suppression])).toEqual([
      ['resolved', 'inSource:accepted'],
      ['resolved', 'external:accepted'],
      ['active', 'external:underReview'],
      ['active', 'inSource:accepted'],
      ['active', undefined],
    ]);
  });

  it('kinds-and-baseline: pass, notApplicable and baseline absent resolve; non-fail kinds default to level none', async () => {
    const { findings } = await parseFixture('kinds-and-baseline.sarif');
    expect(findings.map((f) => [f.description, f.state, f.severity.label])).toEqual([
      ['kind fail', 'active', 'HIGH'],
      ['kind pass', 'resolved', 'INFORMATIONAL'],
      ['kind notApplicable', 'resolved', 'INFORMATIONAL'],
      ['kind informational', 'active', 'INFORMATIONAL'],
      ['kind review', 'active', 'INFORMATIONAL'],
      ['kind open', 'active', 'INFORMATIONAL'],
      ['baseline absent', 'resolved', 'HIGH'],
      ['baseline new', 'active', 'HIGH'],
      ['baseline unchanged', 'active', 'HIGH'],
    ]);
  });

  it('security-severity: result, rule, word, unusable value, level none, default level, SARIF default', async () => {
    const { findings } = await parseFixture('security-severity.sarif');
    expect(findings.map((f) => [f.severity.label, f.severity.original])).toEqual([
      ['CRITICAL', 'security-severity:9.8'],
      ['LOW', 'security-severity:3.1'],
      ['MEDIUM', 'security-severity:MEDIUM'],
      ['HIGH', 'defaultConfiguration.level:error'],
      ['INFORMATIONAL', 'level:none'],
      ['LOW', 'defaultConfiguration.level:note'],
      ['MEDIUM', 'default:warning'],
      ['INFORMATIONAL', 'security-severity:0.0'],
    ]);
  });

  it('severity-hints: Bandit issue_severity, [SEVERITY] rule ids, dependency-check properties', async () => {
    const { findings } = await parseFixture('severity-hints.sarif');
    expect(findings.map((f) => [f.severity.label, f.severity.original, f.confidence])).toEqual([
      ['HIGH', 'issue_severity:HIGH', 80],
      // The old Trivy template writes the word twice: `Severity: CRITICAL` in the help wins over `[CRITICAL]`.
      ['CRITICAL', 'Severity:CRITICAL', undefined],
      ['MEDIUM', 'cvssv3_baseScore:6.1', undefined],
      ['MEDIUM', 'severity:medium', undefined],
    ]);
    expect(findings[2]!.vulnerabilities![0]!.Cvss).toEqual([
      { Version: '3.1', BaseScore: 6.1, Source: 'dependency-check' },
      { Version: '2.0', BaseScore: 4.3, Source: 'dependency-check' },
    ]);
    expect(findings[1]!.vulnerabilities![0]!.VulnerablePackages).toEqual([
      {
        Name: 'log4j-core',
        Version: '2.14.1',
        FixedInVersion: '2.15.0',
        FilePath: 'Dockerfile',
        Remediation: 'Upgrade log4j-core to 2.15.0 or later',
      },
    ]);
  });

  it('cve: CVE ids from rule id, description, properties, taxa and message; one finding per package', async () => {
    const { findings } = await parseFixture('cve.sarif');
    expect(findings.map((f) => [f.types[0], f.vulnerabilities?.map((v) => v.Id), f.title])).toEqual([
      [
        'Software and Configuration Checks/Vulnerabilities/CVE',
        ['CVE-2019-1549'],
        'CVE-2019-1549 in libcrypto1.1@1.1.1c-r0: openssl: information disclosure in fork()',
      ],
      [
        'Software and Configuration Checks/Vulnerabilities/CVE',
        ['CVE-2019-1549'],
        'CVE-2019-1549 in libssl1.1@1.1.1c-r0: openssl: information disclosure in fork()',
      ],
      [
        'Software and Configuration Checks/Vulnerabilities/CVE',
        ['CVE-2022-1471'],
        'CVE-2022-1471 in org.yaml:snakeyaml@1.33: Arbitrary Code Execution',
      ],
      [
        'Software and Configuration Checks/Vulnerabilities/CVE',
        ['CVE-2021-23337'],
        'CVE-2021-23337 in package-lock.json: Prototype pollution',
      ],
      [
        'Software and Configuration Checks/Vulnerabilities/CVE',
        ['CVE-2020-0001'],
        "CVE-2020-0001 in Dockerfile: Image user should not be 'root'",
      ],
      [
        'Software and Configuration Checks/Vulnerabilities/CVE',
        ['CVE-2019-5736'],
        "CVE-2019-5736 in Dockerfile.dev: Image user should not be 'root'",
      ],
    ]);
    // The Trivy classic: one CVE, two packages, same image → two distinct Ids.
    expect(findings[0]!.identity).not.toEqual(findings[1]!.identity);
  });

  it('dependency-scanners: Grype, Anchore, Snyk and dependency-check give severity word, package and version, advice and advisories', async () => {
    const { findings } = await parseFixture('dependency-scanners.sarif');
    expect(findings.map((f) => [f.title, f.severity.original, f.severity.label])).toEqual([
      [
        'CVE-2022-42889 in commons-text@1.9: Variable interpolation in Apache Commons Text can run arbitrary code',
        'Severity:critical',
        'CRITICAL',
      ],
      ['CVE-2022-0001 in zlib1g@1.2.11', 'Severity:Negligible', 'INFORMATIONAL'],
      ['CVE-2021-23337 in lodash@4.17.15: Command Injection', 'shortDescription:Medium', 'MEDIUM'],
      ['CVE-2020-11023 in jquery@3.4.1', 'cvssv3_baseSeverity:MEDIUM', 'MEDIUM'],
      [
        'Regex in its jQuery.htmlPrefilter sometimes may introduce XSS in jquery@3.4.1',
        'severity:medium',
        'MEDIUM',
      ],
    ]);
    expect(findings.map((f) => f.vulnerabilities?.[0]?.ReferenceUrls)).toEqual([
      ['https://github.com/advisories/GHSA-599f-7c49-w659'],
      ['https://security-tracker.debian.org/tracker/CVE-2022-0001'],
      ['https://security.snyk.io/vuln/SNYK-JS-LODASH-1040724'],
      ['https://nvd.nist.gov/vuln/detail/CVE-2020-11023'],
      undefined,
    ]);
    expect(findings.map((f) => f.remediation?.Recommendation?.Text)).toEqual([
      'Upgrade commons-text to 1.10.0 or later',
      'Anchore Container Vulnerability Report knows no fixed version of zlib1g 1.2.11; follow the advisory for mitigations, or replace the package.',
      'Upgrade lodash to version 4.17.21 or higher.',
      'dependency-check knows no fixed version of jquery 3.4.1; follow the advisory for mitigations, or replace the package.',
      'dependency-check knows no fixed version of jquery 3.4.1; follow the advisory for mitigations, or replace the package.',
    ]);
    expect(findings[2]!.vulnerabilities![0]!.VulnerablePackages).toEqual([
      {
        Name: 'lodash',
        Version: '4.17.15',
        FixedInVersion: '4.17.21',
        PackageManager: 'npm',
        FilePath: 'package.json',
        Remediation: 'Upgrade lodash to version 4.17.21 or higher.',
      },
    ]);
    expect(findings[2]!.productFields?.PackageUrl).toBe('pkg:npm/lodash@4.17.15');
    // Snyk's dependency path and Overview follow the evidence; its References and the rest of the page do not.
    expect(findings[2]!.description).toBe(
      [
        'This file introduces a vulnerable lodash package with a medium severity vulnerability.',
        'Vulnerable package: lodash 4.17.15 (npm) at package.json; fixed in 4.17.21',
        'Introduced through: shop@1.0.0 and lodash@4.17.15',
        'lodash is a utility library. Affected versions are vulnerable to Command Injection via template.',
        '(CVE-2021-23337) lodash@4.17.15',
      ].join('\n\n'),
    );
    // dependency-check: the message without the repeated id leads the description.
    expect(findings[3]!.description.startsWith('Passing HTML with option elements')).toBe(true);
    expect(findings[4]!.types).toEqual(['Software and Configuration Checks/Vulnerabilities']);
  });

  it('trivy-image: run.properties after the results name the Container of every finding', async () => {
    const { findings, issues, tempFilesLeft } = await parseFixture('trivy-image.sarif');
    expect(issues).toEqual([]);
    expect(tempFilesLeft).toEqual([]);
    for (const finding of findings)
      expect(finding.resources).toEqual([
        containerResource('registry.example.com/shop/web', {
          digest: 'sha256:4b1f0b2c3d4e5f60718293a4b5c6d7e84b1f0b2c3d4e5f60718293a4b5c6d7e8',
          tag: 'registry.example.com/shop/web:2.4.1',
        }),
      ]);
    expect(findings.map((f) => f.title)).toEqual([
      'CVE-2023-0464 in libssl3@3.0.8-r0: openssl: Denial of service by excessive resource usage in verifying X509 policy constraints',
      'CVE-2023-0464 in libcrypto3@3.0.8-r0: openssl: Denial of service by excessive resource usage in verifying X509 policy constraints',
    ]);
    // The image is the resource, not the package's file.
    expect(findings[0]!.vulnerabilities![0]!.VulnerablePackages![0]!.FilePath).toBeUndefined();
  });

  it('code-titles: rule at path:line, told apart by message, rule or occurrence; severity words; advice sections', async () => {
    const { findings } = await parseFixture('code-titles.sarif');
    expect(findings.map((f) => [f.title, f.severity.original])).toEqual([
      ['Incomplete string escaping or encoding at src/render.js:14', 'security-severity:7.8'],
      [
        "Incomplete string escaping or encoding at src/render.js:14 — This replaces only the first occurrence of '>'",
        'security-severity:7.8',
      ],
      ['Observable timing discrepancy at src/login.js:31', 'security-severity:MEDIUM'],
      [
        'Observable timing discrepancy at src/login.js:31 — String comparisons against secrets are not constant time',
        'security-severity:MEDIUM',
      ],
      [
        'Using CBC with PKCS5Padding is susceptible to padding oracle attacks at src/main/java/org/example/shop/payment/internal/crypto/LegacyCardTokenCipher.java:59',
        'defaultConfiguration.level:warning',
      ],
      ['Storage account logging disabled at storage.tf:7', 'shortDescription:Low'],
      ['Storage account logging disabled at storage.tf:7 (occurrence 2)', 'shortDescription:Low'],
      ['Non-initialized variable at src/sum.c:12', 'information:Impact: Medium'],
      ['S3 Bucket has an ACL defined which allows public READ access at s3.tf:3', 'level:error'],
    ]);
    expect(findings.map((f) => f.remediation?.Recommendation)).toEqual([
      { Text: 'Use a regular expression with the global flag, or a well-tested sanitization library.' },
      { Text: 'Use a regular expression with the global flag, or a well-tested sanitization library.' },
      { Text: 'Compare secrets with crypto.timingSafeEqual.' },
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      // Checkov's help only repeats the check and the resource: no advice, but its guideline link.
      { Url: 'https://docs.example.com/checks/ckv_aws_20' },
    ]);
    // The description leads with the evidence: message, then the snippet.
    expect(findings[2]!.description).toBe(
      'String comparisons against secrets are not constant time.\n\nif (token !== expected) {',
    );
  });

  it('secret: secret values never reach a finding; AWS key ids are scrubbed everywhere', async () => {
    const { findings } = await parseFixture('secret.sarif');
    const text = JSON.stringify(findings);
    for (const secret of [
      'AKIAZZZZZZZZZZZZZZZZ',
      's3cr3t-T0ken-Value-42',
      'ghp_realtokenvalue0123456789abcdefABCD',
      'AKIAYYYYYYYYYYYYYYYY',
    ])
      expect(text).not.toContain(secret);
    expect(findings.map((f) => f.types[0])).toEqual([
      'Sensitive Data Identifications/Passwords',
      'Sensitive Data Identifications/Passwords',
      'Sensitive Data Identifications/Passwords',
      'Software and Configuration Checks',
    ]);
    expect(findings[3]!.description).toBe(
      'Response written with user data; debug key [REDACTED-AWS-KEY-ID] leaked in a comment.\n\nres.send(req.query.q) // [REDACTED-AWS-KEY-ID]',
    );
    expect(findings[3]!.resources[0]!.Details?.Other?.Snippet).toBe(
      'res.send(req.query.q) // [REDACTED-AWS-KEY-ID]',
    );
  });

  it('fingerprints: distinct fingerprints → distinct identities; exact duplicates get an occurrence number', async () => {
    const { findings, issues } = await parseFixture('fingerprints.sarif');
    const identities = findings.map((f) => JSON.stringify(f.identity));
    expect(new Set(identities).size).toBe(6);
    expect(findings.map((f) => f.identity[0])).toEqual([
      'sarif/fp',
      'sarif/fp',
      'sarif/pfp',
      'sarif/pfp',
      'sarif/loc',
      'sarif/loc',
    ]);
    expect(findings[5]!.identity.at(-1)).toBe('occurrence:2');
    expect(issues.map((i) => [i.code, i.recordIndex])).toEqual([['duplicate-result', 5]]);
  });

  it('version-control: repositories become CodeRepository resources with links; category and scope hint', async () => {
    const { findings } = await parseFixture('version-control.sarif');
    expect(
      findings.map((f) => [
        f.resources[0]!.Type,
        f.resources[0]!.Id,
        f.sourceUrl,
        f.scopeHint,
        f.productFields?.Category,
      ]),
    ).toEqual([
      [
        'CodeRepository',
        'https://github.com/acme/shop',
        'https://github.com/acme/shop/blob/9f1c2e3d4b5a69788796a5b4c3d2e1f001122334/web/search.js#L14-L16',
        'CodeQL@acme/shop',
        'codeql/javascript/nightly/',
      ],
      [
        'CodeRepository',
        'https://gitlab.com/acme/shared-lib',
        'https://gitlab.com/acme/shared-lib/-/blob/0a1b2c3d/dom/render.js#L3',
        'CodeQL@acme/shop',
        'codeql/javascript/nightly/',
      ],
    ]);
  });

  it('cwe: CWEs from relationships (by name), properties, tags and result taxa (by index, taxonomies last)', async () => {
    const { findings } = await parseFixture('cwe.sarif');
    expect(findings.map((f) => f.vulnerabilities?.[0]?.CodeVulnerabilities?.[0]?.Cwes)).toEqual([
      ['CWE-319'],
      ['CWE-327', 'CWE-326', 'CWE-757'],
    ]);
  });

  it.each([
    ['invalid-console-report.sarif', 'E_FORMAT', 0],
    ['invalid-not-sarif.json', 'E_FORMAT', 0],
    ['invalid-array-root.json', 'E_FORMAT', 0],
    ['invalid-version-1.sarif', 'E_FORMAT', 0],
    ['invalid-truncated.sarif', 'E_TRUNCATED', 1],
    ['invalid-syntax-after-results.sarif', 'E_PARSE', 1],
  ])('%s fails with %s after %i findings', async (name, code, count) => {
    const { findings, error, tempFilesLeft } = await parseFixture(name);
    expect((error as ConverterError).code).toBe(code);
    expect((error as ConverterError).describe()).toMatch(/^sarif: .+ \((line \d+(:\d+)?, )?byte \d+\)$/);
    expect(findings).toHaveLength(count);
    expect(tempFilesLeft).toEqual([]);
  });
});

// The conformance suite every adapter passes (docs/adapters.md): each fixture's expected .asff.ndjson, valid ASFF
// with one Id each, the same findings in 1/7/4096-byte chunks, and a positioned error for every invalid-* file.
testAdapter(sarif, { fixtures: 'fixtures/sarif', invalid: 'fixtures/sarif' });

describe('fixtures/sarif expected ASFF (fixed account, region, clock and scope)', () => {
  it('counts suppressed, passed and baseline-absent results as archived findings, or skips them on request', async () => {
    const archived = await convertAll('fixtures/sarif/kinds-and-baseline.sarif');
    expect(archived.findings.map((f) => f.RecordState)).toEqual([
      'ACTIVE',
      'ARCHIVED',
      'ARCHIVED',
      'ACTIVE',
      'ACTIVE',
      'ACTIVE',
      'ARCHIVED',
      'ACTIVE',
      'ACTIVE',
    ]);
    const skipped = await convertAll('fixtures/sarif/kinds-and-baseline.sarif', { resolved: 'skip' });
    expect(skipped.findings).toHaveLength(6);
    expect(skipped.stats).toMatchObject({ received: 9, emitted: 6, skipped: 3, complete: true });
    expect(skipped.stats.issues).toEqual({ 'resolved-skipped': 3 });
  });

  it.each([
    ['invalid-console-report.sarif', 'auto', 'E_FORMAT'],
    ['invalid-console-report.sarif', 'sarif', 'E_FORMAT'],
    ['invalid-not-sarif.json', 'sarif', 'E_FORMAT'],
    ['invalid-truncated.sarif', 'auto', 'E_TRUNCATED'],
  ])('the pipeline stops %s (format %s) with %s', async (name, format, code) => {
    await expect(convertAll(`fixtures/sarif/${name}`, { format })).rejects.toMatchObject({ code });
  });
});
