/**
 * Nessus CSV export generator (the 13 default columns): an unquoted header, then every field quoted, one row
 * per (plugin, host, port, CVE) — a plugin with several CVEs gives several rows — CRLF between records and bare
 * LF line breaks inside description, solution and plugin-output cells, `""` for embedded quotes.
 */
import { makeHost, makePlugins, RISK } from './nessus-model.mjs';

export const CSV_HEADER = [
  'Plugin ID',
  'CVE',
  'CVSS',
  'Risk',
  'Host',
  'Protocol',
  'Port',
  'Name',
  'Synopsis',
  'Description',
  'Solution',
  'See Also',
  'Plugin Output',
];

/** @param {string} value */
function quote(value) {
  return `"${value.replaceAll('"', '""')}"`;
}

/**
 * Yields the CSV piece by piece (one host's rows at a time) until `state.bytes` reaches `target`.
 * @param {import('./random.mjs').Random} rng
 * @param {{ bytes: number; records: number }} state
 * @param {number} target
 * @returns {Generator<string>}
 */
export function* generateCsv(rng, state, target) {
  const plugins = makePlugins(rng);
  /** Quoted cells that do not depend on the host, per plugin: [id, cvss, risk, name..see also]. */
  const cells = new Map(
    plugins.map((p) => [
      p,
      {
        id: quote(String(p.id)),
        cvss: quote(p.cvss2 ?? ''),
        risk: quote(RISK[p.severity] ?? 'None'),
        text: [p.name, p.synopsis, p.description, p.solution, p.seeAlso.join('\n')].map(quote).join(','),
      },
    ]),
  );
  yield `${CSV_HEADER.join(',')}\r\n`;
  let index = 1;
  do {
    const host = makeHost(rng, plugins, index++);
    const hostCell = quote(host.ip);
    const rows = [];
    for (const plugin of host.items) {
      const c = /** @type {{ id: string; cvss: string; risk: string; text: string }} */ (cells.get(plugin));
      const output = quote(`${rng.pick(plugin.outputs)}\n  Host : ${host.fqdn} (${host.ip})`);
      const where = `${hostCell},${quote(plugin.service.protocol)},${quote(String(plugin.service.port))}`;
      const cves = plugin.cves.length > 0 ? plugin.cves : [''];
      for (const cve of cves) {
        rows.push(`${c.id},${quote(cve)},${c.cvss},${c.risk},${where},${c.text},${output}\r\n`);
        state.records++;
      }
    }
    yield rows.join('');
  } while (state.bytes < target);
}
