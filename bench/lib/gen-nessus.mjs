/**
 * Nessus v2 (`NessusClientData_v2`) generator: a Policy block (preferences, a long plugin_set, family and plugin
 * selections), then many `ReportHost`s with `HostProperties` tags and `ReportItem`s carrying plugin_output,
 * CVEs, CVSS v2/v3, xrefs — indented like Nessus exports, with XML entities and multi-byte text.
 */
import { makeHost, makePlugins, RISK } from './nessus-model.mjs';
import { pool, word } from './random.mjs';

/** @param {string} text */
function esc(text) {
  return text.replace(/[&<>"']/g, (c) =>
    c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;',
  );
}

/**
 * The child elements of a ReportItem that do not depend on the host, rendered once per plugin.
 * @param {import('./nessus-model.mjs').Plugin} plugin
 */
function staticItemBody(plugin) {
  const pad = '                ';
  const parts = [];
  if (plugin.severity === 0) parts.push(`${pad}<agent>all</agent>`);
  if (plugin.cvss3 !== undefined) {
    parts.push(`${pad}<cvss3_base_score>${plugin.cvss3}</cvss3_base_score>`);
    parts.push(`${pad}<cvss3_vector>${plugin.cvss3Vector}</cvss3_vector>`);
    parts.push(`${pad}<cvss_base_score>${plugin.cvss2}</cvss_base_score>`);
    parts.push(`${pad}<cvss_vector>CVSS2#AV:N/AC:L/Au:N/C:P/I:N/A:N</cvss_vector>`);
  }
  for (const cve of plugin.cves) parts.push(`${pad}<cve>${cve}</cve>`);
  parts.push(`${pad}<description>${esc(plugin.description)}\n${pad}</description>`);
  parts.push(`${pad}<fname>${plugin.fname}</fname>`);
  parts.push(`${pad}<plugin_modification_date>2024/01/15</plugin_modification_date>`);
  parts.push(`${pad}<plugin_name>${esc(plugin.name)}</plugin_name>`);
  parts.push(`${pad}<plugin_publication_date>${plugin.published}</plugin_publication_date>`);
  parts.push(`${pad}<plugin_type>${plugin.pluginType}</plugin_type>`);
  parts.push(`${pad}<risk_factor>${RISK[plugin.severity]}</risk_factor>`);
  parts.push(`${pad}<script_version>${plugin.scriptVersion}</script_version>`);
  if (plugin.seeAlso.length > 0) parts.push(`${pad}<see_also>${plugin.seeAlso.join('\n')}</see_also>`);
  parts.push(`${pad}<solution>${esc(plugin.solution)}</solution>`);
  parts.push(`${pad}<synopsis>${esc(plugin.synopsis)}</synopsis>`);
  for (const xref of plugin.xrefs) parts.push(`${pad}<xref>${xref}</xref>`);
  return parts.join('\n');
}

/**
 * @param {import('./random.mjs').Random} rng
 * @param {import('./nessus-model.mjs').Plugin[]} plugins
 */
function policy(rng, plugins) {
  const prefs = pool(30, (i) =>
    i === 0
      ? `                <preference>\n                    <name>plugin_set</name>\n                    <value>${plugins.map((p) => p.id).join(';')}</value>\n                </preference>`
      : `                <preference>\n                    <name>${word(rng)}_${word(rng)}</name>\n                    <value>${rng.pick(['yes', 'no', String(rng.range(1, 9999))])}</value>\n                </preference>`,
  );
  const families = pool(
    40,
    () =>
      `            <FamilyItem>\n                <FamilyName>${word(rng)} ${word(rng)}</FamilyName>\n                <Status>enabled</Status>\n            </FamilyItem>`,
  );
  const individual = plugins
    .slice(0, 50)
    .map(
      (p) =>
        `            <PluginItem>\n                <PluginId>${p.id}</PluginId>\n                <PluginName>${esc(p.name)}</PluginName>\n                <Family>${esc(p.family)}</Family>\n                <Status>enabled</Status>\n            </PluginItem>`,
    );
  return `    <Policy>\n        <policyName>Advanced Network Scan</policyName>\n        <Preferences>\n            <ServerPreferences>\n${prefs.join('\n')}\n            </ServerPreferences>\n        </Preferences>\n        <FamilySelection>\n${families.join('\n')}\n        </FamilySelection>\n        <IndividualPluginSelection>\n${individual.join('\n')}\n        </IndividualPluginSelection>\n    </Policy>\n`;
}

/**
 * @param {import('./nessus-model.mjs').Host} host
 */
function hostProperties(host) {
  const pad = '                ';
  const end = new Date(host.start * 1000 + 1_800_000).toUTCString();
  const tags = [
    ['HOST_END_TIMESTAMP', String(host.start + 1800)],
    ['HOST_END', end],
    ['LastUnauthenticatedResults', String(host.start + 1800)],
    ['Credentialed_Scan', 'false'],
    ['policy-used', 'Advanced Network Scan'],
    ['patch-summary-total-cves', String(host.items.reduce((n, p) => n + p.cves.length, 0))],
    ['cpe-0', 'cpe:/o:microsoft:windows_server_2019 -> Microsoft Windows Server 2019'],
    ['os', host.os.startsWith('Microsoft') ? 'windows' : 'linux'],
    ['operating-system', host.os],
    ['operating-system-conf', '95'],
    ['system-type', 'general-purpose'],
    ['mac-address', host.mac],
    ['host-fqdns', `[{"FQDN":"${host.fqdn}","sources":["get_host_report_name()","determine_fqdn()"]}]`],
    ['traceroute-hop-0', '10.0.0.1'],
    ['traceroute-hop-1', '?'],
    ['netbios-name', host.netbios],
    ['host-fqdn', host.fqdn],
    ['host-rdns', host.fqdn],
    ['host-ip', host.ip],
    ['HOST_START_TIMESTAMP', String(host.start)],
    ['HOST_START', new Date(host.start * 1000).toUTCString()],
  ];
  return tags
    .map(([name, value]) => `${pad}<tag name="${name}">${esc(/** @type {string} */ (value))}</tag>`)
    .join('\n');
}

/**
 * Yields the Nessus document piece by piece until `state.bytes` reaches `target`.
 * @param {import('./random.mjs').Random} rng
 * @param {{ bytes: number; records: number; informational?: number }} state
 * @param {number} target
 * @returns {Generator<string>}
 */
export function* generateNessus(rng, state, target) {
  const plugins = makePlugins(rng);
  const bodies = new Map(plugins.map((p) => [p, staticItemBody(p)]));
  yield `<?xml version="1.0" ?>\n<NessusClientData_v2>\n${policy(rng, plugins)}    <Report name="Weekly scan ${word(rng)}" xmlns:cm="http://www.nessus.org/cm">\n`;
  const tail = '    </Report>\n</NessusClientData_v2>\n';
  state.informational = 0;
  let index = 1;
  do {
    const host = makeHost(rng, plugins, index++);
    const parts = [
      `        <ReportHost name="${host.ip}">\n            <HostProperties>\n${hostProperties(host)}\n            </HostProperties>\n`,
    ];
    for (const plugin of host.items) {
      const s = plugin.service;
      const output = `${rng.pick(plugin.outputs)}\n  Host : ${host.fqdn} (${host.ip})`;
      parts.push(
        `            <ReportItem port="${s.port}" svc_name="${s.svc}" protocol="${s.protocol}" severity="${plugin.severity}" pluginID="${plugin.id}"\n                        pluginName="${esc(plugin.name)}" pluginFamily="${esc(plugin.family)}">\n${bodies.get(plugin)}\n                <plugin_output>${esc(output)}\n                </plugin_output>\n            </ReportItem>\n`,
      );
      state.records++;
      if (plugin.severity === 0) state.informational++;
    }
    parts.push('        </ReportHost>\n');
    yield parts.join('');
  } while (state.bytes + tail.length < target);
  yield tail;
}
