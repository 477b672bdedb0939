import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import nessus from '../../../adapters/nessus/index.js';
import { convert } from '../../../src/pipeline.js';
import { CONFORMANCE_CONTEXT, testAdapter } from '../../../src/testing/index.js';
import { convertAll, detectedFormat, expectRefused, type Refusal } from '../../helpers/asff.js';
import { fileBytes, runNessus } from './run.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/nessus/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);

/** Fixtures that convert completely, with their exact finding counts (one per ReportItem). */
const CONVERTING: Record<string, number> = {
  'normal-two-hosts.nessus': 5,
  'edge-open-ports.nessus': 3,
  'edge-text.nessus': 2,
  'edge-was.nessus': 3,
  'edge-duplicates.nessus': 4,
  'edge-severity.nessus': 5,
  'pair-branch-office.nessus': 5,
  'family-local-checks.nessus': 5,
  'hostile-external-dtd.nessus': 1,
  'hostile-huge-text.nessus': 2,
};

/** Inputs refused with an error: its code, the findings converted before it, and words its message must contain. */
const REFUSED: Record<string, Refusal> = {
  'invalid-truncated.nessus': ['E_TRUNCATED', 1, 'ends inside <ReportItem>'],
  'invalid-malformed.nessus': ['E_PARSE', 1, 'unexpected close tag'],
  'invalid-not-xml.nessus': ['E_FORMAT', 0, 'not XML'],
  'invalid-v1.nessus': ['E_FORMAT', 0, 'Nessus v1 export'],
  'invalid-wrong-root.nessus': ['E_FORMAT', 0, '<NessusClientData_vwrong>'],
  'invalid-xlsx.nessus': ['E_FORMAT', 0, 'ZIP/XLSX archive, not a .nessus XML export'],
  'invalid-hostile-xxe.nessus': ['E_UNSAFE', 0, 'declares entities'],
  'invalid-hostile-billion-laughs.nessus': ['E_UNSAFE', 0, 'declares entities'],
  'invalid-hostile-deep-nesting.nessus': ['E_UNSAFE', 1, 'nested deeper than 64 levels'],
};

// The conformance suite every adapter passes (docs/adapters.md): each fixture's expected .asff.ndjson, valid ASFF
// with one Id each, the same findings in 1/7/4096-byte chunks, the same Ids for normal-two-hosts.reordered.nessus,
// and every invalid-* file refused with a positioned error, the same in every chunk size. The 1.5 MiB text node is
// fed in odd sizes across it instead (1-byte chunks would take minutes). `inspect` adds the counts and words above.
testAdapter(nessus, {
  fixtures: FIXTURES,
  invalid: FIXTURES,
  chunkSizes: (input) => (input === 'hostile-huge-text.nessus' ? [7, 4093, 65_537] : [1, 7, 4096]),
  inspect: (input, conversion) => {
    const refused = REFUSED[input];
    if (refused !== undefined) return expectRefused(conversion, refused);
    const { findings, stats } = conversion;
    const count = CONVERTING[input];
    if (count === undefined) throw new Error(`${input} is in neither CONVERTING nor REFUSED`);
    expect(findings).toHaveLength(count);
    expect(stats.complete).toBe(true);
  },
});

describe('nessus fixtures', () => {
  it('lists every fixture in one of the tables above', () => {
    const listed = [...Object.keys(CONVERTING), ...Object.keys(REFUSED)].sort();
    const present = readdirSync(FIXTURES)
      .filter((name) => name.endsWith('.nessus') && !name.includes('.reordered.'))
      .sort();
    expect(listed).toEqual(present);
  });

  it('detects every fixture as nessus without --format', async () => {
    for (const name of Object.keys(CONVERTING))
      expect(await detectedFormat(fixture(name)), name).toBe('nessus');
  });
});

describe('partial input through the pipeline', () => {
  it('emits the findings read before a truncation, then fails with E_TRUNCATED and an incomplete run', async () => {
    const run = convert(fixture('invalid-truncated.nessus'), CONFORMANCE_CONTEXT);
    const ids: string[] = [];
    const error = await (async () => {
      for await (const finding of run) ids.push(finding.Id ?? '');
    })().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'E_TRUNCATED', line: 76 });
    expect(ids).toHaveLength(1);
    expect(run.stats).toMatchObject({ received: 1, emitted: 1, complete: false });
  });

  it('stops with E_ABORTED when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const parse = nessus.parse(
      (async function* () {
        yield new Uint8Array(fileBytes(fixture('normal-two-hosts.nessus')));
      })(),
      { onIssue: () => {}, options: {}, tempDir: '.', signal: controller.signal },
    );
    await expect(parse[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'E_ABORTED' });
  });
});

describe('normal-two-hosts.nessus', () => {
  it('maps the EC2 host, its critical item and the Report name', async () => {
    const { findings } = await convertAll(fixture('normal-two-hosts.nessus'));
    const critical = findings[0];
    const raw = await runNessus(fileBytes(fixture('normal-two-hosts.nessus')));
    expect(new Set(raw.findings.map((finding) => finding.scopeHint))).toEqual(
      new Set(['Weekly internal scan']),
    );
    const scoped = await convertAll(fixture('normal-two-hosts.nessus'), { scope: '' });
    expect(scoped.stats.scope).toBe('Weekly internal scan');
    expect(critical?.Title).toBe('Example Web Framework < 2.4.1 Remote Code Execution on 443/tcp');
    expect(critical?.GeneratorId).toBe('nessus/200001');
    expect(critical?.FindingProviderFields?.Severity).toEqual({ Label: 'CRITICAL', Original: '4' });
    expect(critical?.FindingProviderFields?.Types).toEqual([
      'Software and Configuration Checks/Vulnerabilities/CVE',
    ]);
    expect(critical?.Resources?.[0]).toMatchObject({
      Type: 'AwsEc2Instance',
      Id: 'arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc1234def567890',
      Region: 'eu-west-1',
      Details: {
        AwsEc2Instance: {
          Type: 't3.medium',
          ImageId: 'ami-0123456789abcdef0',
          VpcId: 'vpc-0a1b2c3d',
          IpV4Addresses: ['10.0.0.5'],
        },
        Other: { 'netbios-name': 'WEB01', 'mac-address': '0A:1B:2C:3D:4E:5F, 0a:1b:2c:3d:4e:60' },
      },
    });
    expect(critical?.Vulnerabilities?.map((v) => v.Id)).toEqual(['CVE-2025-10001', 'CVE-2025-10002']);
    expect(critical?.Vulnerabilities?.[0]).toMatchObject({
      EpssScore: 0.9731,
      ExploitAvailable: 'YES',
      FixAvailable: 'YES',
    });
    expect(critical?.FirstObservedAt).toBe('2026-01-01T00:00:00.000Z');
    expect(critical?.LastObservedAt).toBe('2026-01-01T00:05:00.000Z');
    expect(critical?.ProductFields?.['asff-stream/nessus/cwe']).toBe('CWE-94 CWE-79');
    expect(critical?.ProductFields?.['asff-stream/nessus/vpr_score']).toBe('9.4');
    expect(critical?.Remediation?.Recommendation).toEqual({
      Text: 'Upgrade Example Web Framework to version 2.4.1 or later.',
      Url: 'https://example.org/security/advisory-2025-01',
    });
    const db = findings[3];
    expect(db?.Resources?.[0]).toMatchObject({ Type: 'Other', Id: 'db01.corp.example' });
    expect(db?.Vulnerabilities?.[0]?.Cvss).toEqual([
      {
        Version: '3.0',
        BaseScore: 8.8,
        BaseVector: 'CVSS:3.0/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
        Source: 'Tenable',
      },
    ]);
  });

  it.each([
    ['LOW', 4, 1],
    ['MEDIUM', 3, 2],
    ['HIGH', 2, 3],
    ['CRITICAL', 1, 4],
  ])('with minSeverity %s keeps %i findings and counts %i skipped', async (minSeverity, kept, skipped) => {
    const run = await runNessus(fileBytes(fixture('normal-two-hosts.nessus')), {
      adapterOptions: { minSeverity },
    });
    expect(run.findings).toHaveLength(kept);
    const below = run.issues.filter((issue) => issue.code === 'below-min-severity');
    expect(below).toHaveLength(skipped);
    expect(below.every((issue) => issue.skipped === true && issue.recordIndex !== undefined)).toBe(true);
  });

  it('counts skipped items in the pipeline stats (received = emitted + skipped)', async () => {
    const { findings, stats } = await convertAll(fixture('normal-two-hosts.nessus'), {
      adapterOptions: { minSeverity: 'high' },
    });
    expect(findings).toHaveLength(2);
    expect(stats.received).toBe(5);
    expect(stats.skipped).toBe(3);
    expect(stats.issues['below-min-severity']).toBe(3);
  });

  it('refuses an unknown minSeverity with E_CONFIG', async () => {
    const run = await runNessus(fileBytes(fixture('normal-two-hosts.nessus')), {
      adapterOptions: { minSeverity: 'severe-ish' },
    });
    expect(run.error?.code).toBe('E_CONFIG');
  });
});

describe('edge fixtures', () => {
  it('keeps carriage returns from &#xd; as line breaks, CDATA text, entities and UTF-8 names', async () => {
    const { findings } = await convertAll(fixture('edge-text.nessus'));
    expect(findings[0]?.Title).toBe('SMB Signing not required – 署名 on 445/tcp');
    expect(findings[0]?.Description).toBe(
      'Signing is not required on the remote SMB server <smb>.\n\nOutput:\nShare : C$ & ADMIN$ <hidden> — résumé 🚀 done\nsecond line\n\nSigning is not required on the remote SMB server.\nAn unauthenticated, remote attacker can exploit this to conduct\nman-in-the-middle attacks against the SMB server.',
    );
    expect(findings[0]?.ProductFields?.['asff-stream/nessus/plugin_output']).toBe(
      'Share : C$ & ADMIN$ <hidden> — résumé 🚀 done\nsecond line',
    );
    expect(findings[0]?.Resources?.[0]?.Details?.Other?.['netbios-name']).toBe('SRV-ÜBER');
    expect(findings[1]?.ProductFields?.['asff-stream/nessus/plugin_output']).toBe(
      'The remote host is up – via ARP',
    );
  });

  it('makes pluginID 0 open-port records findings, and hosts without items none', async () => {
    const { findings } = await convertAll(fixture('edge-open-ports.nessus'));
    expect(findings.map((finding) => finding.Title)).toEqual([
      'Open port 22/tcp (ssh)',
      'Open port 443/tcp (www)',
      'Open port 161/udp (snmp)',
    ]);
    expect(findings.every((finding) => finding.Severity?.Label === 'INFORMATIONAL')).toBe(true);
    expect(new Set(findings.map((finding) => finding.Resources?.[0]?.Id))).toEqual(new Set(['192.0.2.10']));
  });

  it('maps a Tenable WAS export: URL host, WAS plugin links, CVSS from cvss/cvssv3, ISO scan times', async () => {
    const { findings } = await convertAll(fixture('edge-was.nessus'));
    expect(findings[0]?.Resources?.[0]).toMatchObject({ Type: 'Other', Id: 'https://shop.example/' });
    expect(findings[0]?.SourceUrl).toBe('https://www.tenable.com/plugins/was/98104');
    expect(findings[0]?.Severity?.Label).toBe('HIGH');
    expect(findings[0]?.Vulnerabilities?.[0]?.Id).toBe('WAS-98104');
    expect(findings[0]?.FirstObservedAt).toBe('2025-03-12T12:34:30.120Z');
    expect(findings[0]?.ProductFields?.['asff-stream/nessus/see_also']).toBe(
      'https://owasp.org/www-community/attacks/xss/ https://cwe.mitre.org/data/definitions/79.html',
    );
    expect(findings[0]?.Id).not.toBe(findings[1]?.Id);
  });

  it('numbers repeated items, identifies compliance checks, and buffers items before HostProperties', async () => {
    const run = await runNessus(fileBytes(fixture('edge-duplicates.nessus')));
    expect(run.findings.map((finding) => finding.identity)).toEqual([
      ['203.0.113.20', '8834', 'tcp', '22964'],
      ['203.0.113.20', '8834', 'tcp', '22964', '#2'],
      ['203.0.113.20', '0', 'tcp', '21157', 'compliance:8a5e2f1c4b9d7e6a3c2b1a0f9e8d7c6b'],
      ['203.0.113.20', '0', 'tcp', '21157', 'compliance:1f2e3d4c5b6a79880716253443526170'],
    ]);
    // The resource is the host as Nessus names it (ReportHost@name); the FQDN stays in the details.
    expect(run.findings[0]?.resources[0]?.Id).toBe('203.0.113.20');
    expect(run.findings[0]?.resources[0]?.Details?.Other?.['host-fqdn']).toBe('scanner.example');
    expect(run.findings.map((finding) => finding.state)).toEqual(['active', 'active', 'active', 'resolved']);
    const { findings } = await convertAll(fixture('edge-duplicates.nessus'));
    expect(findings[3]?.RecordState).toBe('ARCHIVED');
    expect(findings[2]?.Compliance?.Status).toBe('FAILED');
  });

  it('reports severity, CVSS, EPSS and CVE-cap problems as issues and ignores attachments', async () => {
    const run = await runNessus(fileBytes(fixture('edge-severity.nessus')));
    expect(run.findings.map((finding) => finding.severity)).toEqual([
      { label: 'HIGH', original: 'High' },
      { label: 'INFORMATIONAL', original: 'x' },
      { label: 'HIGH', original: '3' },
      { label: 'LOW', original: '1' },
      { label: 'INFORMATIONAL', original: '0' },
    ]);
    expect(run.issues.map((issue) => [issue.code, issue.recordIndex])).toEqual([
      ['unknown-severity', 1],
      ['invalid-cvss', 2],
      ['invalid-epss', 2],
      ['vulnerabilities-capped', 2],
    ]);
    expect(JSON.stringify(run.findings)).not.toContain('iVBORw0KGgo');
  });
});

describe('hostile fixtures', () => {
  it('never reads the file an external entity names', async () => {
    const run = await runNessus(fixture('invalid-hostile-xxe.nessus'), { isPath: true });
    expect(run.error?.code).toBe('E_UNSAFE');
    expect(JSON.stringify(run)).not.toMatch(/root:|nologin/);
  });

  it('refuses an entity-expansion bomb before expanding anything', async () => {
    const run = await runNessus(fixture('invalid-hostile-billion-laughs.nessus'), { isPath: true });
    expect(run.error?.code).toBe('E_UNSAFE');
    expect(run.error?.line).toBe(13);
    expect(run.findings).toEqual([]);
  });

  it('bounds a 1.5 MiB text node to 1 MiB with an issue, and keeps converting after it', async () => {
    const run = await runNessus(fixture('hostile-huge-text.nessus'), { isPath: true });
    expect(run.error).toBeUndefined();
    expect(run.findings.map((finding) => finding.ruleId)).toEqual(['400006', '400007']);
    expect(run.issues.map((issue) => issue.code)).toEqual(['text-truncated']);
    expect(String(run.findings[0]?.productFields?.plugin_output)).toHaveLength(2048);
  });

  it('never fetches a DTD or external entity over the network', async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests++;
      response.end('<!ENTITY x "fetched">');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const url = `http://127.0.0.1:${port}/nessus.dtd`;
      const body = readFileSync(fixture('hostile-external-dtd.nessus'), 'utf8').replace(
        'http://127.0.0.1:9/nessus.dtd',
        url,
      );
      const external = await runNessus(body);
      expect(external.findings).toHaveLength(1);
      expect(external.issues.map((issue) => issue.code)).toEqual(['doctype-ignored']);
      const entity = await runNessus(
        body
          .replace(`SYSTEM "${url}"`, `[<!ENTITY x SYSTEM "${url}">]`)
          .replace('<description>', '<description>&x;'),
      );
      expect(entity.error?.code).toBe('E_UNSAFE');
      const undeclared = await runNessus(body.replace('<description>', '<description>&x;'));
      expect(undeclared.error?.code).toBe('E_PARSE');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(requests).toBe(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('refuses a 2 MiB comment streamed before the root without holding it', async () => {
    async function* comment(): AsyncGenerator<Uint8Array> {
      yield new TextEncoder().encode('<?xml version="1.0"?><!--');
      const block = new TextEncoder().encode('x'.repeat(65_536));
      for (let i = 0; i < 32; i++) yield block;
      yield new TextEncoder().encode('--><NessusClientData_v2/>');
    }
    const parse = nessus.parse(comment(), { onIssue: () => {}, options: {}, tempDir: '.' });
    await expect(parse[Symbol.asyncIterator]().next()).rejects.toMatchObject({ code: 'E_UNSAFE' });
  });
});
