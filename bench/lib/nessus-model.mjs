/**
 * The scan model shared by the Nessus XML and Nessus CSV generators: a pool of plugins (with CVEs, CVSS v2/v3,
 * synopsis, description, solution, references) and hosts that each report a distinct subset of them.
 */
import { codeFragment, multibyteOrPlainWord, paragraph, pool, sentence, word } from './random.mjs';

export const RISK = ['None', 'Low', 'Medium', 'High', 'Critical'];
const FAMILIES = [
  'General',
  'Web Servers',
  'Windows',
  'Ubuntu Local Security Checks',
  'CGI abuses',
  'Service detection',
  'Misc.',
  'Databases',
  'Settings',
  'Windows : Microsoft Bulletins',
];
const SERVICES = [
  { port: 0, svc: 'general', protocol: 'tcp' },
  { port: 22, svc: 'ssh', protocol: 'tcp' },
  { port: 80, svc: 'www', protocol: 'tcp' },
  { port: 443, svc: 'www', protocol: 'tcp' },
  { port: 445, svc: 'cifs', protocol: 'tcp' },
  { port: 3306, svc: 'mysql', protocol: 'tcp' },
  { port: 161, svc: 'snmp', protocol: 'udp' },
  { port: 0, svc: 'general', protocol: 'icmp' },
];
const V3 = [
  'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N',
  'AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
];

/** A prime pool size, so any stride walks a host's plugins without repeats. */
export const PLUGIN_COUNT = 601;

/**
 * Wraps prose at ~70 columns with bare LF, as Nessus does in descriptions and CSV cells.
 * @param {string} text
 */
function wrap(text) {
  const out = [];
  let line = '';
  for (const token of text.split(' ')) {
    if (line.length + token.length > 70) {
      out.push(line);
      line = token;
    } else line = line ? `${line} ${token}` : token;
  }
  if (line) out.push(line);
  return out.join('\n');
}

/**
 * @param {import('./random.mjs').Random} rng
 * @param {number} index
 */
function makePlugin(rng, index) {
  const roll = rng.float();
  const severity = roll < 0.45 ? 0 : roll < 0.55 ? 1 : roll < 0.8 ? 2 : roll < 0.95 ? 3 : 4;
  const service = rng.pick(SERVICES);
  const cves = [];
  if (severity > 0) {
    const count = rng.chance(0.3) ? 0 : rng.range(1, 8);
    for (let i = 0; i < count; i++) cves.push(`CVE-${rng.range(2005, 2025)}-${rng.range(1000, 49_999)}`);
  }
  const cvss3 = severity > 0 ? Math.min(10, severity * 2.2 + rng.range(0, 12) / 10).toFixed(1) : undefined;
  const seeAlso = pool(
    rng.range(0, 3),
    () => `https://www.${word(rng)}.example.org/advisories/${rng.hex(8)}`,
  );
  return {
    id: 10_000 + index * 37 + rng.range(0, 36),
    name: `${sentence(rng, rng.range(3, 8)).slice(0, -1)}${severity > 0 ? ` < ${rng.range(1, 9)}.${rng.range(0, 9)}` : ''}`,
    family: rng.pick(FAMILIES),
    severity,
    service,
    synopsis: sentence(rng, rng.range(6, 14)),
    description: wrap(paragraph(rng, rng.range(2, 6))),
    solution: severity > 0 ? wrap(paragraph(rng, rng.range(1, 2))) : 'n/a',
    seeAlso,
    cves,
    cvss3,
    cvss3Vector: cvss3 === undefined ? undefined : `CVSS:3.0/${rng.pick(V3)}`,
    cvss2: cvss3 === undefined ? undefined : Math.max(1, Number(cvss3) - 0.5).toFixed(1),
    fname: `${word(rng)}_${word(rng)}.nasl`,
    pluginType: rng.pick(['remote', 'local', 'combined', 'summary']),
    scriptVersion: `1.${rng.range(1, 300)}`,
    published: `20${String(rng.range(5, 23)).padStart(2, '0')}/0${rng.range(1, 9)}/1${rng.range(0, 9)}`,
    xrefs:
      cves.length > 0 && rng.chance(0.5)
        ? [
            `IAVA:${rng.range(2010, 2024)}-A-${rng.range(1, 999).toString().padStart(4, '0')}`,
            `CWE:${rng.range(20, 1400)}`,
          ]
        : [],
    outputs: pool(4, () => pluginOutput(rng)),
  };
}

/**
 * Plugin output lines: versions, Windows paths, tables, multi-byte names and characters that need escaping.
 * @param {import('./random.mjs').Random} rng
 */
function pluginOutput(rng) {
  const lines = [];
  const count = rng.range(2, 12);
  for (let i = 0; i < count; i++) {
    const kind = rng.int(6);
    if (kind === 0) lines.push(`  Path              : C:\\Program Files\\${word(rng)}\\${word(rng)}.dll`);
    else if (kind === 1)
      lines.push(`  Installed version : ${rng.range(1, 30)}.${rng.range(0, 9)}.${rng.range(0, 999)}`);
    else if (kind === 2)
      lines.push(
        `  User              : ${multibyteOrPlainWord(rng)}\\${word(rng)} <${word(rng)}@example.com>`,
      );
    else if (kind === 3) lines.push(`  ${codeFragment(rng)}`);
    else if (kind === 4)
      lines.push(`  Fixed version     : >= ${rng.range(1, 30)}.${rng.range(0, 9)} & "${word(rng)}"`);
    else lines.push(sentence(rng, rng.range(4, 12)));
  }
  return lines.join('\n');
}

/** @typedef {ReturnType<typeof makePlugin>} Plugin */

/**
 * @param {import('./random.mjs').Random} rng
 */
export function makePlugins(rng) {
  return pool(PLUGIN_COUNT, (i) => makePlugin(rng, i));
}

/**
 * A host: its address, names, OS and the distinct plugins it reports.
 * @param {import('./random.mjs').Random} rng
 * @param {Plugin[]} plugins
 * @param {number} index
 */
export function makeHost(rng, plugins, index) {
  const ip = `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}`;
  const fqdn = `${word(rng)}-${index}.${rng.pick(['corp', 'prod', 'dev'])}.example.com`;
  const itemCount = rng.range(8, 120);
  const offset = rng.int(plugins.length);
  const stride = rng.range(1, plugins.length - 1);
  /** @type {Plugin[]} */
  const items = [];
  for (let k = 0; k < itemCount; k++)
    items.push(/** @type {Plugin} */ (plugins[(offset + k * stride) % plugins.length]));
  return {
    ip,
    fqdn,
    netbios: `${word(rng).toUpperCase()}${index}`,
    os: rng.pick([
      'Microsoft Windows Server 2019 Standard',
      'Linux Kernel 5.15 on Ubuntu 22.04',
      'Debian 12',
      'CentOS Linux 7',
    ]),
    mac: `00:50:56:${rng.hex(2)}:${rng.hex(2)}:${rng.hex(2)}`,
    start: 1_700_000_000 + index * 97,
    items,
  };
}

/** @typedef {ReturnType<typeof makeHost>} Host */
