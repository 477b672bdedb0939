import { describe, expect, it } from 'vitest';
import { MAX_DESCRIPTION_LENGTH, TRUNCATION_MARKER } from '../../../src/asff/limits.js';
import { convertAll } from '../../helpers/asff.js';
import { CORPUS_SKIP_REASON, corpusFile, HAS_CORPUS } from '../../helpers/corpus.js';
import { host, item, mapped } from './records.js';

/** Issue 19 (fidelity): what a person reads in the console tells findings apart and shows the evidence. */

const attributes = (port: string, protocol = 'tcp') => ({
  port,
  protocol,
  svc_name: 'ssh',
  severity: '0',
  pluginID: '14272',
  pluginName: 'Netstat Portscanner (SSH)',
});

describe('title: plugin name plus port/protocol', () => {
  it('names the port and protocol where the port is not 0', () => {
    expect(mapped(item(attributes('22'))).finding.title).toBe('Netstat Portscanner (SSH) on 22/tcp');
    expect(mapped(item(attributes('53', 'UDP'))).finding.title).toBe('Netstat Portscanner (SSH) on 53/udp');
  });

  it('leaves port 0 out of the title', () => {
    expect(mapped(item(attributes('0'))).finding.title).toBe('Netstat Portscanner (SSH)');
  });

  it.skipIf(!HAS_CORPUS)('tells the 56 Netstat Portscanner findings of mulval apart', async () => {
    const { findings } = await convertAll(corpusFile('nessus', 'mulval_1.3.1__test.nessus'));
    const netstat = findings.filter((f) => f.Title?.startsWith('Netstat Portscanner (SSH)'));
    expect(netstat).toHaveLength(56);
    expect(new Set(netstat.map((f) => f.Title)).size).toBe(56);
  });
  if (!HAS_CORPUS) it.skip(CORPUS_SKIP_REASON, () => {});
});

describe('description: leads with the evidence', () => {
  const fields = {
    synopsis: ['The remote host runs an outdated OpenSSL.'],
    description: ['OpenSSL before 1.0.2 has many problems. '.repeat(10).trim()],
    plugin_output: ['  Installed version : 1.0.1\n  Fixed version     : 1.0.2'],
  };

  it('is the synopsis, then the plugin output, then the description', () => {
    const { finding } = mapped(item({ ...attributes('443'), severity: '2' }, fields));
    expect(finding.description).toBe(
      `${fields.synopsis[0]}\n\nOutput:\n${fields.plugin_output[0]}\n\n${fields.description[0]}`,
    );
  });

  it('cuts a long plugin output with the truncation marker and keeps the start of the description', () => {
    const long = `Path : /opt/app\n${'x'.repeat(5000)}`;
    const { finding } = mapped(item(attributes('443'), { ...fields, plugin_output: [long] }));
    expect(finding.description.length).toBeLessThanOrEqual(MAX_DESCRIPTION_LENGTH);
    expect(finding.description).toContain(`Output:\nPath : /opt/app\nxxx`);
    expect(finding.description).toContain(TRUNCATION_MARKER);
    expect(finding.description).toContain('OpenSSL before 1.0.2 has many problems.');
  });
});

describe('Tenable WAS: the vulnerable URL and parameter', () => {
  const was = host({ 'host-fqdn': 'http://example.test/' }, 'http://example.test/', { type: 'was' });
  const xss = item(
    {
      port: '80',
      protocol: 'TCP',
      svc_name: 'http',
      severity: '3',
      pluginID: '98104',
      pluginName: 'Cross-Site Scripting (XSS)',
    },
    {
      description: ['Cross Site Scripting (XSS) allows clients to inject scripts.'],
      plugin_output: [
        "Vulnerability has been detected on URL 'http://example.test/search.jsp' by exploiting 'form' element named 'query' and injecting following payload:\n\n| <xss>",
      ],
    },
  );

  it('shows them in the title and the description', () => {
    const { finding } = mapped(xss, was);
    expect(finding.title).toBe(
      "Cross-Site Scripting (XSS) at http://example.test/search.jsp, parameter 'query'",
    );
    expect(finding.description).toMatch(
      /^Output:\nVulnerability has been detected on URL 'http:\/\/example\.test\/search\.jsp' by exploiting 'form' element named 'query'/,
    );
    expect(finding.resources[0]?.Id).toBe('http://example.test/');
  });
});

describe('local checks: installed and fixed versions become VulnerablePackages', () => {
  const check = (output: string, extra: Record<string, string[]> = {}) =>
    mapped(
      item(
        { ...attributes('0'), severity: '3', pluginID: '100', pluginName: 'Local check' },
        { cve: ['CVE-2020-0001'], plugin_output: [output], ...extra },
      ),
    ).finding.vulnerabilities?.[0]?.VulnerablePackages;

  it('reads Debian/Ubuntu "Installed package / Fixed package"', () => {
    expect(
      check(
        'Remote package installed : libssl1.0.0_1.0.1t-1+deb8u6\nShould be : libssl1.0.0_1.0.1t-1+deb8u7\n\n' +
          '  Installed package : openssl_1.0.1t-1+deb8u6\n  Fixed package     : openssl_1.0.1t-1+deb8u7\n',
      ),
    ).toEqual([
      { Name: 'libssl1.0.0', Version: '1.0.1t-1+deb8u6', FixedInVersion: '1.0.1t-1+deb8u7' },
      { Name: 'openssl', Version: '1.0.1t-1+deb8u6', FixedInVersion: '1.0.1t-1+deb8u7' },
    ]);
  });

  it('reads an RPM release with an underscore as RPM, not as a Debian name_version', () => {
    expect(
      check(
        'Remote package installed : openssl-1.1.1k-12.el8_9\nShould be                : openssl-1.1.1k-14.el8_9\n',
      ),
    ).toEqual([{ Name: 'openssl', Version: '1.1.1k-12.el8_9', FixedInVersion: '1.1.1k-14.el8_9' }]);
  });

  it('reads RPM "Remote package installed / Should be"', () => {
    expect(
      check(
        'Remote package installed : openssl-1.0.1e-30.el6\nShould be                : openssl-1.0.1e-42.el6\n',
      ),
    ).toEqual([{ Name: 'openssl', Version: '1.0.1e-30.el6', FixedInVersion: '1.0.1e-42.el6' }]);
  });

  it('reads "Product / Remote version / Fixed version" with the patched file as path', () => {
    expect(
      check(
        'Product           : Excel 2016\n  - C:\\Office16\\Excel.exe has not been patched.\n' +
          '    Remote version    : 16.0.4266.1001\n    Fixed version     : 16.0.4456.1003\n',
      ),
    ).toEqual([
      {
        Name: 'Excel 2016',
        Version: '16.0.4266.1001',
        FixedInVersion: '16.0.4456.1003',
        FilePath: 'C:\\Office16\\Excel.exe',
      },
    ]);
  });

  it('reads a Windows rollup: "<file> has not been patched. Remote version / Should be"', () => {
    expect(
      check(
        'The remote host is missing one of the following rollup KBs :\n  - 4338814\n\n' +
          'C:\\Windows\\system32\\ntoskrnl.exe has not been patched.\n    Remote version : 10.0.14393.1794\n' +
          '    Should be      : 10.0.14393.2363\n',
      ),
    ).toEqual([
      {
        Name: 'ntoskrnl.exe',
        Version: '10.0.14393.1794',
        FixedInVersion: '10.0.14393.2363',
        FilePath: 'C:\\Windows\\system32\\ntoskrnl.exe',
      },
    ]);
  });

  it('reads "Path / Installed version / Fixed version", naming the package after the CPE', () => {
    expect(
      check('Path              : /usr/lib/php\n  Installed version : 5.1.6\n  Fixed version     : 7.3.24\n', {
        cpe: ['cpe:/a:php:php'],
      }),
    ).toEqual([{ Name: 'php', Version: '5.1.6', FixedInVersion: '7.3.24', FilePath: '/usr/lib/php' }]);
  });

  it('gives a finding without CVE but with versions one NESSUS-<pluginID> entry that carries them', () => {
    const { finding } = mapped(
      item(
        { ...attributes('0'), severity: '2', pluginID: '200', pluginName: 'Outdated app' },
        { plugin_output: ['Installed version : 1.0\nFixed version : 1.1'], cpe: ['cpe:/a:acme:app'] },
      ),
    );
    expect(finding.vulnerabilities).toEqual([
      expect.objectContaining({
        Id: 'NESSUS-200',
        VulnerablePackages: [{ Name: 'app', Version: '1.0', FixedInVersion: '1.1' }],
        FixAvailable: 'YES',
      }),
    ]);
  });

  it.skipIf(!HAS_CORPUS)('fills VulnerablePackages on the corpus local checks (pyTenable)', async () => {
    const { findings } = await convertAll(corpusFile('nessus', 'pyTenable__example.nessus'));
    const flash = findings.find((f) =>
      f.Title?.startsWith('KB4074595: Security update for Adobe Flash Player'),
    );
    expect(flash?.Vulnerabilities?.[0]?.VulnerablePackages).toEqual([
      {
        Name: 'Flash.ocx',
        Version: '27.0.0.187',
        FixedInVersion: '28.0.0.161',
        FilePath: 'C:\\Windows\\System32\\Macromed\\Flash\\Flash.ocx',
      },
    ]);
  });
});

describe('CVSS v3 vectors', () => {
  it('gets the CVSS:3.0/ prefix when Nessus writes the vector bare', () => {
    const { finding } = mapped(
      item(
        { ...attributes('0'), severity: '3' },
        { cvss3_base_score: ['7.5'], cvss3_vector: ['AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'] },
      ),
    );
    expect(finding.vulnerabilities?.[0]?.Cvss?.[0]).toMatchObject({
      Version: '3.0',
      BaseVector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
    });
  });

  it('keeps a prefixed vector as written', () => {
    const { finding } = mapped(
      item(
        { ...attributes('0'), severity: '3' },
        { cvss3_base_score: ['7.5'], cvss3_vector: ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N'] },
      ),
    );
    expect(finding.vulnerabilities?.[0]?.Cvss?.[0]).toMatchObject({
      Version: '3.1',
      BaseVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
    });
  });
});

describe('resource: the host as Nessus names it', () => {
  it('is ReportHost@name (what the CSV export calls Host), with IP and FQDN in the details', () => {
    const { finding } = mapped(
      item(attributes('22')),
      host({ 'host-ip': '10.0.0.3', 'host-fqdn': 'desktop.example' }, '10.0.0.3'),
    );
    expect(finding.resources[0]).toMatchObject({
      Type: 'Other',
      Id: '10.0.0.3',
      Details: { Other: { 'host-ip': '10.0.0.3', 'host-fqdn': 'desktop.example' } },
    });
  });
});

describe('informational items', () => {
  it('name no vulnerable package even when their output prints versions', () => {
    const { finding } = mapped(
      item(
        { ...attributes('0'), severity: '0', pluginID: '400', pluginName: 'App < 2 Detection' },
        { cvss3_base_score: ['0.0'], plugin_output: ['Installed version : 1.0\nFixed version : 2.0'] },
      ),
    );
    expect(finding.vulnerabilities?.[0]?.VulnerablePackages).toBeUndefined();
  });
});

describe('package name from the plugin name', () => {
  it('names a version check without Product line or CPE after the product in its plugin name', () => {
    const { finding } = mapped(
      item(
        {
          ...attributes('443'),
          severity: '4',
          pluginID: '300',
          pluginName: 'Example Web Framework < 2.4.1 RCE',
        },
        {
          cve: ['CVE-2024-0001'],
          plugin_output: ['  URL : https://a/\n  Installed version : 2.3.9\n  Fixed version : 2.4.1'],
        },
      ),
    );
    expect(finding.vulnerabilities?.[0]?.VulnerablePackages).toEqual([
      { Name: 'Example Web Framework', Version: '2.3.9', FixedInVersion: '2.4.1' },
    ]);
  });
});

describe('the same plugin twice on one port', () => {
  it.skipIf(!HAS_CORPUS)(
    'numbers the second result in its title (heimdall2: Service Detection per TLS layer)',
    async () => {
      const { findings } = await convertAll(corpusFile('nessus', 'heimdall2__sample.nessus'));
      const titles = findings
        .filter(
          (f) => f.Resources?.[0]?.Id === '10.0.0.3' && f.Title?.startsWith('Service Detection on 8834/tcp'),
        )
        .map((f) => f.Title);
      expect(titles).toEqual(['Service Detection on 8834/tcp', 'Service Detection on 8834/tcp (result 2)']);
    },
  );
});
