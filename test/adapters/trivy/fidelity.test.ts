import type { AwsSecurityFinding } from '@aws-sdk/client-securityhub';
import { describe, expect, it } from 'vitest';
import { mapMisconfiguration, mapSecret, mapVulnerability } from '../../../adapters/trivy/map.js';
import type { JsonObject, RecordScope } from '../../../adapters/trivy/types.js';
import type { Finding } from '../../../src/adapter.js';
import { convertAll } from '../../helpers/asff.js';
import { corpusFile, HAS_CORPUS } from '../../helpers/corpus.js';

/**
 * Issue 19: what a person reads in the Security Hub console. Each test here failed on the mapping before the
 * fix (resource ".", look-alike instances, unsplit Debian versions, the file name for an image, k8s
 * vulnerabilities without their image, a vendor severity Trivy never reported).
 */

const REPO_SCOPE: RecordScope = {
  report: { artifactName: '.', artifactType: 'repository', image: {} },
  result: { target: '../../modules/compute/main.tf', class: 'config', type: 'terraformplan-snapshot' },
};

function misconfiguration(instance: string): JsonObject {
  return {
    Type: 'Terraform Plan Snapshot Security Check',
    ID: 'AVD-AZU-0039',
    AVDID: 'AVD-AZU-0039',
    Title: 'Password authentication should be disabled on Azure virtual machines',
    Message: 'Linux virtual machine allows password authentication.',
    Resolution: 'Use ssh authentication for virtual machines',
    Severity: 'HIGH',
    PrimaryURL: 'https://avd.aquasec.com/misconfig/avd-azu-0039',
    Status: 'FAIL',
    CauseMetadata: {
      Resource: 'module.compute',
      Provider: 'Azure',
      Service: 'compute',
      StartLine: 39,
      EndLine: 39,
      Occurrences: [
        {
          Resource: `azurerm_linux_virtual_machine.vm["${instance}"]`,
          Filename: '..\\..\\modules\\compute/main.tf',
          Location: { StartLine: 29, EndLine: 63 },
        },
        { Resource: 'module.compute', Filename: 'main.tf', Location: { StartLine: 44, EndLine: 51 } },
      ],
    },
  };
}

function must(finding: Finding | undefined): Finding {
  if (finding === undefined) throw new Error('expected a finding');
  return finding;
}

const lookAlikeKey = (finding: Finding): string =>
  JSON.stringify([finding.title, finding.resources.map((resource) => [resource.Type, resource.Id])]);

describe('misconfigurations of filesystem and repository scans', () => {
  it('are on the file, never on "."', () => {
    const finding = must(mapMisconfiguration(misconfiguration('vm1'), REPO_SCOPE, () => undefined));
    expect(finding.resources.map((resource) => resource.Id)).not.toContain('.');
    expect(finding.resources[0]).toMatchObject({ Type: 'Other', Id: '../../modules/compute/main.tf' });
    expect(finding.resources[0]?.Details?.Other).toMatchObject({
      ArtifactName: '.',
      ArtifactType: 'repository',
      Target: '../../modules/compute/main.tf',
    });
  });

  it('two instances of one check on one line differ in title (the instance) and are not look-alikes', () => {
    const [one, two] = ['vm1', 'vm2'].map((instance) =>
      must(mapMisconfiguration(misconfiguration(instance), REPO_SCOPE, () => undefined)),
    ) as [Finding, Finding];
    expect(lookAlikeKey(one)).not.toBe(lookAlikeKey(two));
    expect(one.title).toBe(
      'AVD-AZU-0039: Password authentication should be disabled on Azure virtual machines ' +
        '(azurerm_linux_virtual_machine.vm["vm1"] in ../../modules/compute/main.tf:39)',
    );
  });

  it('the title names file:line when there is no cause resource (Kubernetes manifests, Dockerfiles)', () => {
    const scope: RecordScope = {
      report: { artifactName: '.', artifactType: 'repository', image: {} },
      result: { target: 'deploy/app.yaml', class: 'config', type: 'kubernetes' },
    };
    const record = (start: number): JsonObject => ({
      ID: 'KSV-0118',
      Title: 'Default security context configured',
      Severity: 'HIGH',
      Status: 'FAIL',
      CauseMetadata: { Provider: 'Kubernetes', Service: 'general', StartLine: start, EndLine: 23 },
    });
    const [container, deployment] = [12, 10].map((start) =>
      must(mapMisconfiguration(record(start), scope, () => undefined)),
    ) as [Finding, Finding];
    expect(container.title).toBe('KSV-0118: Default security context configured (deploy/app.yaml:12-23)');
    expect(lookAlikeKey(container)).not.toBe(lookAlikeKey(deployment));
  });

  it('a long check title gives way to the place; the title stays within 256 characters', () => {
    const record = {
      ...misconfiguration('vm1'),
      Title: `Password authentication ${'really '.repeat(40)}disabled`,
    };
    const finding = must(mapMisconfiguration(record, REPO_SCOPE, () => undefined));
    expect(finding.title.length).toBeLessThanOrEqual(256);
    expect(
      finding.title.endsWith('(azurerm_linux_virtual_machine.vm["vm1"] in ../../modules/compute/main.tf:39)'),
    ).toBe(true);
    expect(finding.title.startsWith('AVD-AZU-0039: Password authentication really')).toBe(true);
  });

  it('a secret found by `trivy fs` is on its file', () => {
    const finding = mapSecret(
      {
        RuleID: 'aws-access-key-id',
        Title: 'AWS Access Key ID',
        Severity: 'CRITICAL',
        StartLine: 3,
        EndLine: 3,
      },
      {
        report: { artifactName: '.', artifactType: 'filesystem' },
        result: { target: 'secret.txt', class: 'secret' },
      },
      () => undefined,
    );
    expect(finding.resources[0]).toMatchObject({ Type: 'Other', Id: 'secret.txt' });
  });
});

describe('vulnerabilities', () => {
  const debianImage: RecordScope = {
    report: { artifactName: 'shop/api:1.2', artifactType: 'container_image', image: {} },
    result: { target: 'shop/api:1.2 (debian 13.6)', class: 'os-pkgs', type: 'debian' },
  };

  it('splits a Debian version into Epoch, Version and Release', () => {
    const finding = must(
      mapVulnerability(
        {
          VulnerabilityID: 'CVE-2022-0563',
          PkgID: 'bsdutils@1:2.41-5',
          PkgName: 'bsdutils',
          PkgIdentifier: { PURL: 'pkg:deb/debian/bsdutils@2.41-5?arch=amd64&distro=debian-13.6&epoch=1' },
          InstalledVersion: '1:2.41-5',
          Severity: 'LOW',
        },
        debianImage,
        () => undefined,
      ),
    );
    expect(finding.vulnerabilities?.[0]?.VulnerablePackages?.[0]).toMatchObject({
      Name: 'bsdutils',
      Epoch: '1',
      Version: '2.41',
      Release: '5',
      Architecture: 'amd64',
      PackageManager: 'debian',
    });
    // The title keeps the version as the scanner wrote it.
    expect(finding.title).toContain('bsdutils@1:2.41-5');
  });

  it('splits an RPM version by the result type when there is no package URL; never a language version', () => {
    const amazon: RecordScope = {
      report: { artifactName: 'disk.img', artifactType: 'vm' },
      result: { target: 'disk.img (amazon 2 (Karoo))', class: 'os-pkgs', type: 'amazon' },
    };
    const rpm = must(
      mapVulnerability(
        { VulnerabilityID: 'CVE-1', PkgName: 'openssl', InstalledVersion: '1:1.0.2k-19.amzn2.0.4' },
        amazon,
        () => undefined,
      ),
    );
    expect(rpm.vulnerabilities?.[0]?.VulnerablePackages?.[0]).toMatchObject({
      Epoch: '1',
      Version: '1.0.2k',
      Release: '19.amzn2.0.4',
    });
    const npm = must(
      mapVulnerability(
        { VulnerabilityID: 'CVE-2', PkgName: 'next', InstalledVersion: '14.0.0-canary.1' },
        {
          report: debianImage.report,
          result: { target: 'app/package-lock.json', class: 'lang-pkgs', type: 'npm' },
        },
        () => undefined,
      ),
    );
    expect(npm.vulnerabilities?.[0]?.VulnerablePackages?.[0]).toMatchObject({ Version: '14.0.0-canary.1' });
    expect(npm.vulnerabilities?.[0]?.VulnerablePackages?.[0]?.Release).toBeUndefined();
  });

  it('an image report with an empty ArtifactName is named by its image, not by the input file', () => {
    const finding = must(
      mapVulnerability(
        { VulnerabilityID: 'CVE-2011-3374', PkgName: 'apt', InstalledVersion: '1.8.2.3', Severity: 'LOW' },
        {
          report: { artifactType: 'container_image', image: {}, fallbackName: 'all_statuses.json' },
          result: {
            target: 'noppaknopsta/example-app:main-159 (debian 10.13)',
            class: 'os-pkgs',
            type: 'debian',
          },
        },
        () => undefined,
      ),
    );
    expect(finding.resources[0]).toMatchObject({
      Type: 'Container',
      Id: 'noppaknopsta/example-app:main-159',
      Details: { Container: { ImageName: 'noppaknopsta/example-app:main-159' } },
    });
  });

  it('a lockfile vulnerability of `trivy fs` is on the lockfile; a jar is on its PkgPath', () => {
    const fsReport = { artifactName: '.', artifactType: 'filesystem' };
    const lock = must(
      mapVulnerability(
        {
          VulnerabilityID: 'CVE-2023-43804',
          PkgName: 'urllib3',
          InstalledVersion: '1.26.3',
          Severity: 'HIGH',
        },
        { report: fsReport, result: { target: 'requirements.txt', class: 'lang-pkgs', type: 'pip' } },
        () => undefined,
      ),
    );
    expect(lock.resources[0]).toMatchObject({ Type: 'Other', Id: 'requirements.txt' });
    const jar = must(
      mapVulnerability(
        {
          VulnerabilityID: 'CVE-2025-55754',
          PkgName: 'org.apache.tomcat:tomcat-catalina',
          PkgPath: 'lib/catalina.jar',
          InstalledVersion: '9.0.109',
          Severity: 'LOW',
        },
        { report: fsReport, result: { target: 'Java', class: 'lang-pkgs', type: 'jar' } },
        () => undefined,
      ),
    );
    expect(jar.resources[0]).toMatchObject({ Type: 'Other', Id: 'lib/catalina.jar' });
    // `trivy fs lib/catalina.jar` (defectdojo__cvssv4_severity_source.json): PkgPath is the file's base name.
    const single = must(
      mapVulnerability(
        {
          VulnerabilityID: 'CVE-2025-66614',
          PkgName: 'tomcat-catalina',
          PkgPath: 'catalina.jar',
          InstalledVersion: '9.0.109',
        },
        {
          report: { artifactName: 'lib/catalina.jar', artifactType: 'filesystem' },
          result: { target: 'Java', class: 'lang-pkgs' },
        },
        () => undefined,
      ),
    );
    expect(single.resources[0]).toMatchObject({ Type: 'Other', Id: 'lib/catalina.jar' });
  });

  it('a Kubernetes workload vulnerability is a Container that names its image', () => {
    const cluster = 'arn:aws:eks:us-east-1:576036489467:cluster/monitoring-test-cluster';
    const finding = must(
      mapVulnerability(
        {
          VulnerabilityID: 'CVE-2020-27350',
          PkgName: 'apt',
          InstalledVersion: '1.8.2.1',
          Severity: 'MEDIUM',
        },
        {
          report: { clusterName: cluster, kubernetes: true },
          kubernetes: { namespace: 'default', kind: 'Deployment', name: 'redis-follower' },
          result: {
            target: 'gcr.io/google_samples/gb-redis-follower:v2 (debian 10.4)',
            class: 'os-pkgs',
            type: 'debian',
          },
        },
        () => undefined,
      ),
    );
    const [workload, eks] = finding.resources;
    expect(workload?.Type).toBe('Container');
    expect(workload?.Details?.Container).toEqual({ ImageName: 'gcr.io/google_samples/gb-redis-follower:v2' });
    expect(workload?.Details?.Other).toMatchObject({
      ClusterName: cluster,
      Namespace: 'default',
      Kind: 'Deployment',
      Name: 'redis-follower',
    });
    expect(eks?.Type).toBe('AwsEksCluster');
  });

  it('Vendor.VendorSeverity is the data source’s own word, never Trivy’s label put in its mouth', () => {
    const finding = must(
      mapVulnerability(
        {
          VulnerabilityID: 'CVE-2025-0001',
          PkgName: 'libc6',
          InstalledVersion: '2.41-12',
          SeveritySource: 'nvd',
          Severity: 'MEDIUM',
          DataSource: { ID: 'debian', Name: 'Debian Security Tracker', URL: 'https://salsa.debian.org/x' },
          VendorSeverity: { nvd: 2 },
        },
        debianImage,
        () => undefined,
      ),
    );
    expect(finding.severity).toEqual({ label: 'MEDIUM', original: 'MEDIUM' });
    expect(finding.vulnerabilities?.[0]?.Vendor).toEqual({
      Name: 'Debian Security Tracker',
      Url: 'https://salsa.debian.org/x',
    });
  });

  it('remediation is advice for ranges (old Trivy) and per-branch fixes, not a version pasted into a sentence', () => {
    const v1: RecordScope = {
      report: { fallbackName: 'trivy.json' },
      result: { target: 'node-app/package-lock.json', type: 'npm' },
    };
    const range = must(
      mapVulnerability(
        {
          VulnerabilityID: 'CVE-2018-16487',
          PkgName: 'lodash',
          InstalledVersion: '4.17.4',
          FixedVersion: '>=4.17.11',
        },
        v1,
        () => undefined,
      ),
    );
    expect(range.remediation?.Recommendation?.Text).toBe(
      'Upgrade lodash from 4.17.4 to a version >=4.17.11.',
    );
    expect(range.vulnerabilities?.[0]?.VulnerablePackages?.[0]?.Remediation).toBe(
      'Upgrade lodash to a version >=4.17.11',
    );
    const branches = must(
      mapVulnerability(
        {
          VulnerabilityID: 'CVE-2024-24790',
          PkgName: 'stdlib',
          InstalledVersion: 'v1.22.3',
          FixedVersion: '1.21.11, 1.22.4',
        },
        v1,
        () => undefined,
      ),
    );
    expect(branches.vulnerabilities?.[0]?.VulnerablePackages?.[0]?.Remediation).toBe(
      'Upgrade stdlib to one of 1.21.11, 1.22.4',
    );
  });

  it('the description leads with the evidence: what is installed where, and the fix', () => {
    const finding = must(
      mapVulnerability(
        {
          VulnerabilityID: 'CVE-2022-22965',
          PkgName: 'org.springframework:spring-beans',
          PkgPath: 'usr/local/tomcat/webapps/helloworld.war/WEB-INF/lib/spring-beans-5.3.15.jar',
          InstalledVersion: '5.3.15',
          FixedVersion: '5.3.18',
          Description:
            'A Spring MVC or Spring WebFlux application running on JDK 9+ may be vulnerable to RCE.',
        },
        debianImage,
        () => undefined,
      ),
    );
    expect(finding.description).toBe(
      'org.springframework:spring-beans 5.3.15 is installed at ' +
        'usr/local/tomcat/webapps/helloworld.war/WEB-INF/lib/spring-beans-5.3.15.jar; fixed in 5.3.18.\n\n' +
        'A Spring MVC or Spring WebFlux application running on JDK 9+ may be vulnerable to RCE.',
    );
    const unfixed = must(
      mapVulnerability(
        { VulnerabilityID: 'CVE-2011-3374', PkgName: 'apt', InstalledVersion: '2.6.1', Status: 'affected' },
        debianImage,
        () => undefined,
      ),
    );
    expect(unfixed.description.split('\n\n')[0]).toBe(
      'apt 2.6.1 is installed; no fixed version (status: affected).',
    );
  });

  it('reference URLs are the advisories: PrimaryURL first, then References', () => {
    const finding = must(
      mapVulnerability(
        {
          VulnerabilityID: 'CVE-2025-0002',
          PkgName: 'bash',
          InstalledVersion: '5.2.37-2',
          PrimaryURL: 'https://avd.aquasec.com/nvd/cve-2025-0002',
          References: ['https://security-tracker.debian.org/tracker/CVE-2025-0002'],
        },
        debianImage,
        () => undefined,
      ),
    );
    expect(finding.vulnerabilities?.[0]?.ReferenceUrls).toEqual([
      'https://avd.aquasec.com/nvd/cve-2025-0002',
      'https://security-tracker.debian.org/tracker/CVE-2025-0002',
    ]);
  });
});

describe('trivy k8s workloads with image Metadata', () => {
  it('each image of a workload is its own Container with tag, image id and digest; config findings stay on the workload', async () => {
    const { parseAll } = await import('./helpers.js');
    const { chunksOf } = await import('../../helpers/chunks.js');
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(
      new URL('../../../fixtures/trivy/k8s-workload-images.json', import.meta.url),
      'utf8',
    );
    const { findings } = await parseAll(chunksOf(text));
    const [ledger, envoy, privileged, exporter, service] = findings.map((finding) => finding.resources[0]);
    expect(ledger).toMatchObject({
      Type: 'Container',
      Id: 'staging/payments/Deployment/ledger/registry.example.org/payments/ledger:4.2.0',
      Details: {
        Container: {
          ImageName: 'registry.example.org/payments/ledger:4.2.0',
          ImageId: `sha256:aaaa${'0'.repeat(59)}1`,
        },
        Other: {
          Namespace: 'payments',
          Kind: 'Deployment',
          Name: 'ledger',
          ImageDigest: `sha256:${'1'.repeat(64)}`,
        },
      },
    });
    expect(envoy?.Id).toBe('staging/payments/Deployment/ledger/docker.io/envoyproxy/envoy:v1.29.1');
    expect(envoy?.Details?.Other?.ImageDigest).toBe(`sha256:${'2'.repeat(64)}`);
    expect(privileged).toMatchObject({ Type: 'Container', Id: 'staging/payments/Deployment/ledger' });
    // A language result names no image; the workload's only image (Metadata as one object) is the one.
    expect(exporter?.Details?.Container?.ImageName).toBe('registry.example.org/payments/export:1.0.7');
    expect(service).toMatchObject({ Type: 'Other', Id: 'staging/payments/Service/ledger' });
  });
});

describe.skipIf(!HAS_CORPUS)('one scan, one mapping: Trivy JSON and Trivy SARIF of the same image', () => {
  it('alpine-310: the same titles, resources and severities', async () => {
    const shown = (finding: AwsSecurityFinding) => ({
      title: finding.Title,
      severity: finding.Severity?.Label,
      resource: finding.Resources?.map((resource) => ({
        Type: resource.Type,
        Id: resource.Id,
        ImageName: resource.Details?.Container?.ImageName,
      })),
    });
    const json = (await convertAll(corpusFile('trivy', 'trivy__alpine-310.json.golden'))).findings.map(shown);
    const sarif = (await convertAll(corpusFile('sarif', 'trivy__alpine-310.sarif.golden'))).findings.map(
      shown,
    );
    expect(json).toHaveLength(4);
    expect(json[0]).toEqual({
      title: 'CVE-2019-1549 in libcrypto1.1@1.1.1c-r0: openssl: information disclosure in fork()',
      severity: 'MEDIUM',
      resource: [
        {
          Type: 'Container',
          Id: 'testdata/fixtures/images/alpine-310.tar.gz',
          ImageName: 'ghcr.io/aquasecurity/trivy-test-images:alpine-310',
        },
      ],
    });
    const byTitle = (a: { title?: string }, b: { title?: string }) =>
      (a.title ?? '') < (b.title ?? '') ? -1 : 1;
    expect([...json].sort(byTitle)).toEqual([...sarif].sort(byTitle));
  });
});
