import type { SoftwarePackage } from '@aws-sdk/client-securityhub';
import { MAX_DESCRIPTION_LENGTH, MAX_VULNERABLE_PACKAGES } from './asff/limits.js';
import { truncateText } from './asff/text.js';

/**
 * How a Tenable plugin result (Nessus, Tenable.sc, Tenable WAS) reads in the console, whatever format it came in:
 * the `.nessus` adapter and the Tenable CSV profiles both use these, so one scan gives the same titles and
 * descriptions in both formats (docs/nessus.md, "What a person reads").
 */

/** Where a plugin result is: its port and protocol, or for Tenable WAS the URL and parameter from the output. */
export interface PluginPlace {
  port?: string | undefined;
  protocol?: string | undefined;
  /** Tenable WAS results: the plugin output, read for the vulnerable URL and parameter instead of the port. */
  wasOutput?: string | undefined;
}

/**
 * The title of a plugin result: the plugin name plus the place that tells it from its neighbours:
 * `SSL Certificate Cannot Be Trusted on 443/tcp` (port 0, blank or absent: the name alone); Tenable WAS:
 * `Cross-Site Scripting (XSS) at http://site/search.jsp, parameter 'query'`.
 */
export function pluginTitle(name: string, place: PluginPlace): string {
  if (place.wasOutput !== undefined) {
    const where = wasLocation(place.wasOutput);
    if (where.url === undefined) return name;
    return `${name} at ${where.url}${where.parameter !== undefined ? `, ${where.parameter}` : ''}`;
  }
  const port = place.port?.trim();
  if (port === undefined || port === '' || port === '0') return name;
  const protocol = place.protocol?.trim().toLowerCase();
  return `${name} on ${port}${protocol !== undefined && protocol !== '' ? `/${protocol}` : ''}`;
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s'"<>`]+/i;
const PARAMETER = /\b(element|parameter|input|field|header|cookie)\s+(?:named\s+)?'([^'\n]{1,200})'/i;

/**
 * The vulnerable URL (the first http(s) URL of a Tenable WAS plugin output) and the parameter it names
 * (`element named 'query'` → `parameter 'query'`, `cookie named 'JSESSIONID'` → `cookie 'JSESSIONID'`).
 */
export function wasLocation(output: string): { url?: string; parameter?: string } {
  const url = URL_IN_TEXT.exec(output)?.[0].replace(/[.,;:)\]]+$/, '');
  if (url === undefined) return {};
  const parameter = PARAMETER.exec(output);
  if (parameter === null) return { url };
  const kind = parameter[1]!.toLowerCase();
  return {
    url,
    parameter: `${kind === 'cookie' || kind === 'header' ? kind : 'parameter'} '${parameter[2]}'`,
  };
}

/** Characters of the plugin's description kept ahead of a long plugin output. */
const DESCRIPTION_RESERVE = 256;
const OUTPUT_LABEL = 'Output:\n';

/**
 * The description of a plugin result, evidence first: the synopsis, then the plugin output (`Output:` …), then
 * the plugin's long description, within ASFF's 1,024 characters. A long output is cut (with the truncation
 * marker) so that the start of the description still fits; the whole is cut with the marker where needed.
 */
export function pluginDescription(parts: {
  synopsis?: string | undefined;
  output?: string | undefined;
  description?: string | undefined;
}): string {
  const synopsis = blankless(parts.synopsis);
  const output = blankless(parts.output);
  const description = blankless(parts.description);
  const blocks: string[] = [];
  if (synopsis !== undefined) blocks.push(truncateText(synopsis, MAX_DESCRIPTION_LENGTH / 2));
  if (output !== undefined) {
    const used = blocks.reduce((n, block) => n + block.length + 2, 0);
    const reserve = description === undefined ? 0 : Math.min(description.length, DESCRIPTION_RESERVE) + 2;
    const room = Math.max(MAX_DESCRIPTION_LENGTH - used - reserve - OUTPUT_LABEL.length, 64);
    blocks.push(OUTPUT_LABEL + truncateText(output, room));
  }
  if (description !== undefined) blocks.push(description);
  return truncateText(blocks.join('\n\n'), MAX_DESCRIPTION_LENGTH);
}

function blankless(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.replace(/^\s*\n/, '').trimEnd();
  return /\S/.test(trimmed) ? trimmed : undefined;
}

/** A v3 vector with its `CVSS:3.x/` prefix; Nessus writes them bare, and its bare v3 vectors are CVSS 3.0. */
export function prefixedV3Vector(vector: string | undefined): string | undefined {
  if (vector === undefined) return undefined;
  const trimmed = vector.trim();
  if (trimmed === '') return undefined;
  return trimmed.startsWith('CVSS:') ? trimmed : `CVSS:3.0/${trimmed}`;
}

/** What a `Key : value` line of a local check's output says, by its lower-cased key. */
const OUTPUT_KEYS: ReadonlyMap<string, 'product' | 'path' | 'installed' | 'installed-package' | 'fixed'> =
  new Map([
    ['product', 'product'],
    ['path', 'path'],
    ['file', 'path'],
    ['installed version', 'installed'],
    ['remote version', 'installed'],
    ['reported version', 'installed'],
    ['current version', 'installed'],
    ['installed package', 'installed-package'],
    ['remote package installed', 'installed-package'],
    ['fixed version', 'fixed'],
    ['fixed in version', 'fixed'],
    ['minimum fixed version', 'fixed'],
    ['should be', 'fixed'],
    ['fixed package', 'fixed'],
  ] as const);
const NOT_PATCHED = ' has not been patched';

/**
 * The packages a local check's plugin output names with an installed and a fixed version:
 * `Installed package : openssl_1.0.1t-1+deb8u6` / `Fixed package : …` (Debian, `name_version`),
 * `Remote package installed : openssl-1.0.1e-30.el6` / `Should be : …` (RPM, `name-version-release`),
 * `Installed version`/`Remote version` … `Fixed version`/`Should be` (named after the `Product :` line, else
 * `productHint` (the CPE product or {@link productInPluginName}), else the patched file, with `Path :` or the
 * patched file as FilePath). Version pairs without a fixed version (detections) are not packages. At most 20,
 * distinct.
 */
export function packagesInPluginOutput(output: string | undefined, productHint?: string): SoftwarePackage[] {
  // Most outputs name no fixed version: one cheap test before any line is read.
  if (output === undefined || !/fixed|should be/i.test(output)) return [];
  const packages: SoftwarePackage[] = [];
  const seen = new Set<string>();
  let product: string | undefined;
  let path: string | undefined;
  let installed: { name?: string; version: string } | undefined;
  // Lines are walked with indexOf, and only `Key : value` lines with a known key are looked at further
  // (this runs for every item with an output; the benchmark's outputs are full of version lines).
  let colon = -1;
  for (let start = 0; start < output.length; ) {
    let end = output.indexOf('\n', start);
    if (end === -1) end = output.length;
    // The next colon is remembered across lines, so lines without one cost no search each (linear overall).
    if (colon !== -1 && colon < start) colon = output.indexOf(':', start);
    else if (colon === -1 && start === 0) colon = output.indexOf(':');
    const kind =
      colon !== -1 && colon < end && colon - start <= 48 ? keyKind(output.slice(start, colon)) : undefined;
    if (kind === undefined) {
      // `  - C:\\Office16\\mso.dll has not been patched.`: the file the next versions belong to.
      const tailStart = Math.max(start, end - NOT_PATCHED.length - 4);
      const at = output.slice(tailStart, end).indexOf(NOT_PATCHED);
      if (at !== -1) {
        path = output
          .slice(start, tailStart + at)
          .trim()
          .replace(/^-\s+/, '');
        installed = undefined;
      }
      start = end + 1;
      continue;
    }
    const value = output.slice(colon + 1, end).trim();
    start = end + 1;
    if (value === '') continue;
    if (kind === 'product') {
      product = value;
      path = undefined;
      installed = undefined;
    } else if (kind === 'path') {
      path = value;
    } else if (kind === 'installed-package') {
      installed = splitPackage(value);
    } else if (kind === 'installed') {
      installed = { version: value };
    } else if (installed !== undefined) {
      const fixed = installed.name !== undefined ? splitPackage(value).version : value;
      const name = installed.name ?? product ?? productHint ?? baseName(path);
      if (name !== undefined) {
        const pkg: SoftwarePackage = { Name: name, Version: installed.version, FixedInVersion: fixed };
        if (installed.name === undefined && path !== undefined) pkg.FilePath = path;
        const key = `${pkg.Name}\u0000${pkg.Version}\u0000${pkg.FixedInVersion}\u0000${pkg.FilePath ?? ''}`;
        if (!seen.has(key)) {
          seen.add(key);
          packages.push(pkg);
          if (packages.length >= MAX_VULNERABLE_PACKAGES) break;
        }
      }
      installed = undefined;
    }
  }
  return packages;
}

/** The meaning of a line's key (`  Fixed version     `, `- Product`), `undefined` for any other key. */
function keyKind(rawKey: string) {
  // Outputs repeat the same few padded keys: a bounded memo turns most lines into one lookup.
  const known = keyMemo.get(rawKey);
  if (known !== undefined || keyMemo.has(rawKey)) return known;
  let key = rawKey.trim().toLowerCase();
  if (key.startsWith('-')) key = key.slice(1).trimStart();
  if (key.includes('  ')) key = key.replace(/\s{2,}/g, ' ');
  const kind = OUTPUT_KEYS.get(key);
  if (keyMemo.size >= KEY_MEMO_SIZE) keyMemo.clear();
  keyMemo.set(rawKey, kind);
  return kind;
}

const KEY_MEMO_SIZE = 1024;
const keyMemo = new Map<string, ReturnType<typeof OUTPUT_KEYS.get>>();

/** `openssl_1.0.1t-1+deb8u6` → openssl + `1.0.1t-1+deb8u6`; `openssl-1.0.1e-30.el6` → openssl + `1.0.1e-30.el6`. */
function splitPackage(text: string): { name?: string; version: string } {
  // RPM first: its release may hold an underscore (`openssl-1.1.1k-12.el8_9`), a Debian name never holds `-<digit>…-`.
  const rpm = /^([^\s_]+?)-(\d[^-\s]*-[^-\s]+)$/.exec(text);
  if (rpm !== null) return { name: rpm[1]!, version: rpm[2]! };
  const debian = /^([a-z0-9][a-z0-9+.-]*)_(\d\S*)$/i.exec(text);
  if (debian !== null) return { name: debian[1]!, version: debian[2]! };
  return { version: text };
}

function baseName(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  const name = path
    .replace(/[\\/]+$/, '')
    .split(/[\\/]/)
    .pop();
  return name === undefined || name === '' ? undefined : name;
}

/**
 * The product a version-check plugin is named after: `PHP < 7.3.24 Multiple Vulnerabilities` → `PHP`,
 * `Adobe Flash Player <= 27.0.0.187 (APSB17-42)` → `Adobe Flash Player`; `undefined` without a `<`.
 */
export function productInPluginName(name: string | undefined): string | undefined {
  const match = name === undefined ? null : /^(.{2,80}?)\s+(?:version\s+)?<=?\s*\d/i.exec(name);
  return match?.[1];
}

/** `cpe:/a:php:php` or `cpe:2.3:a:php:php:…` → `php`, the product part of the first application CPE. */
export function cpeProduct(cpes: readonly string[]): string | undefined {
  for (const cpe of cpes) {
    const match = /^cpe:(?:\/a|2\.3:a):[^:\s]+:([^:\s]+)/i.exec(cpe.trim());
    if (match !== null && match[1] !== '*' && match[1] !== '-') return match[1];
  }
  return undefined;
}
