// Quick throughput check of the Nessus adapter against raw saxes on the same generated file. Not a test.
// Usage: npm run build && node bench/nessus-quick.mjs [megabytes=100] [rounds=2]
// Generates a realistic .nessus export in the OS temp dir, measures each approach in its own child process
// (raw saxes counting ReportItems; the adapter producing findings), alternating, and deletes the file.
// Prints wall-clock MB/s, CPU-time MB/s (user+system: steadier on a shared machine) and peak RSS (maxRSS).
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SaxesParser } from 'saxes';

const [, , first = '100', second = '2', third] = process.argv;
const child = first === '--measure';
const targetMb = Number(first);
const rounds = Number(second);
const file = child ? third : join(tmpdir(), `nessus-quick-${process.pid}.nessus`);

const policy = `<Policy><policyName>Advanced Scan</policyName><Preferences><ServerPreferences>${'<preference><name>opt</name><value>yes</value></preference>'.repeat(200)}</ServerPreferences><PluginsPreferences>${'<item><pluginName>Ping the remote host</pluginName><pluginId>10180</pluginId><fullName>Ping the remote host[entry]:TCP ping destination port(s) :</fullName><preferenceName>TCP ping destination port(s) :</preferenceName><preferenceType>entry</preferenceType><preferenceValues>built-in</preferenceValues><selectedValue>built-in</selectedValue></item>\n'.repeat(3000)}</PluginsPreferences></Preferences></Policy>\n`;

function item(host, n) {
  const severity = n % 5 === 0 ? (n % 4) + 1 : 0;
  const cves =
    severity > 0
      ? Array.from({ length: (n % 7) + 1 }, (_, i) => `<cve>CVE-2024-${10000 + n * 10 + i}</cve>`).join('')
      : '';
  return `<ReportItem port="${(n % 40) * 100 + 22}" svc_name="www" protocol="tcp" severity="${severity}" pluginID="${100000 + n}" pluginName="Example plugin ${n} for host ${host}" pluginFamily="General">
<description>The remote host is affected by example issue ${n}. It is, therefore,&#xd;
affected by multiple vulnerabilities including remote code execution and information disclosure.&#xd;
Note that Nessus has not tested for these issues but has instead relied only on the application's self-reported version number.</description>
<synopsis>The remote host is affected by example issue ${n}.</synopsis>
<solution>Upgrade to the latest version or apply the vendor patch.</solution>
<risk_factor>${['None', 'Low', 'Medium', 'High', 'Critical'][severity]}</risk_factor>
<plugin_modification_date>2024/05/10</plugin_modification_date><plugin_publication_date>2023/01/10</plugin_publication_date><plugin_type>remote</plugin_type>
${severity > 0 ? `<cvss3_base_score>${(severity * 2.3).toFixed(1)}</cvss3_base_score><cvss3_vector>CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H</cvss3_vector><cvss_base_score>7.5</cvss_base_score><cvss_vector>CVSS2#AV:N/AC:L/Au:N/C:P/I:P/A:P</cvss_vector><exploit_available>true</exploit_available><vpr_score>6.7</vpr_score>${cves}<xref>IAVA:2024-A-0001</xref><see_also>https://example.org/advisory/${n}\nhttp://www.nessus.org/u?${n}</see_also>` : ''}
<plugin_output>
  Path              : /usr/lib/example/${n}
  Installed version : 1.2.${n % 10}
  Fixed version     : 1.3.0
</plugin_output>
</ReportItem>
`;
}

function host(index) {
  const ip = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
  let out = `<ReportHost name="${ip}"><HostProperties><tag name="HOST_END">Wed Mar 23 15:07:52 2022</tag><tag name="host-ip">${ip}</tag><tag name="host-fqdn">host${index}.corp.example</tag><tag name="operating-system">Linux Kernel 5.15</tag><tag name="mac-address">00:50:56:aa:bb:cc</tag><tag name="traceroute-hop-0">10.0.0.1</tag><tag name="HOST_START">Wed Mar 23 14:31:51 2022</tag></HostProperties>\n`;
  for (let n = 0; n < 40; n++) out += item(ip, n);
  return `${out}</ReportHost>\n`;
}

async function generate() {
  const out = createWriteStream(file);
  const write = (text) =>
    out.write(text) ? undefined : new Promise((resolve) => out.once('drain', resolve));
  await write(
    `<?xml version="1.0" ?>\n<NessusClientData_v2>\n${policy}<Report name="bench" xmlns:cm="http://www.nessus.org/cm">\n`,
  );
  let bytes = 0;
  for (let index = 0; bytes < targetMb * 1_000_000; index++) {
    const block = host(index);
    bytes += Buffer.byteLength(block);
    await write(block);
  }
  await write('</Report>\n</NessusClientData_v2>\n');
  await new Promise((resolve) => out.end(resolve));
}

function chunks() {
  return createReadStream(file, { highWaterMark: 1 << 20 });
}

async function rawSaxes() {
  const parser = new SaxesParser();
  let items = 0;
  parser.on('opentag', (tag) => {
    if (tag.name === 'ReportItem') items++;
  });
  const decoder = new TextDecoder();
  for await (const chunk of chunks()) parser.write(decoder.decode(chunk, { stream: true }));
  parser.close();
  return items;
}

async function adapter() {
  const { default: nessus } = await import('../dist/adapters/nessus/index.js');
  let findings = 0;
  let touched = 0;
  const ctx = { onIssue: () => {}, options: {}, tempDir: tmpdir() };
  for await (const finding of nessus.parse(chunks(), ctx)) {
    findings++;
    touched += finding.title.length;
  }
  return touched >= 0 ? findings : 0;
}

async function measureHere(mode) {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const records = mode === 'raw' ? await rawSaxes() : await adapter();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const mb = statSync(file).size / 1_000_000;
  const line = {
    mode,
    records,
    wall: mb / seconds,
    cpu: mb / ((used.user + used.system) / 1e6),
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
  process.stdout.write(JSON.stringify(line));
}

if (child) {
  await measureHere(second);
} else {
  try {
    await generate();
    console.log(`generated ${(statSync(file).size / 1e6).toFixed(1)} MB at ${file}`);
    const script = fileURLToPath(import.meta.url);
    for (let round = 0; round < rounds; round++) {
      for (const mode of ['raw', 'adapter']) {
        const line = JSON.parse(
          execFileSync(process.execPath, [script, '--measure', mode, file], { encoding: 'utf8' }),
        );
        console.log(
          `${(mode === 'raw' ? 'raw saxes (count ReportItems)' : 'nessus adapter (findings)').padEnd(32)} ${String(line.records).padStart(8)} records  wall ${line.wall.toFixed(1).padStart(6)} MB/s  cpu ${line.cpu.toFixed(1).padStart(6)} MB/s  peak RSS ${line.peakRssMb.toFixed(0)} MB`,
        );
      }
    }
  } finally {
    if (process.env.KEEP === undefined) rmSync(file, { force: true });
  }
}
