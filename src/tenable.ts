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
  return trimmed.trim() === '' ? undefined : trimmed;
}

/** A v3 vector with its `CVSS:3.x/` prefix; Nessus writes them bare, and its bare v3 vectors are CVSS 3.0. */
export function prefixedV3Vector(vector: string | undefined): string | undefined {
  if (vector === undefined) return undefined;
  const trimmed = vector.trim();
  if (trimmed === '') return undefined;
  return trimmed.startsWith('CVSS:') ? trimmed : `CVSS:3.0/${trimmed}`;
}

const INSTALLED_VERSION = /^(?:installed|remote|reported|current) version$/;
const FIXED_VERSION = /^(?:fixed|fixed in|should be|minimum fixed|fix) version$|^should be$/;
const INSTALLED_PACKAGE = /^(?:installed package|remote package installed)$/;
const FIXED_PACKAGE = /^(?:fixed package|should be package)$/;
const KEY_VALUE = /^\s*-?\s*([A-Za-z][A-Za-z ]{1,40}?)\s*:\s(.*)$/;
const NOT_PATCHED = /^\s*(?:-\s+)?(\S.*?)\s+has not been patched\.?\s*$/;

/**
 * The packages a local check's plugin output names with an installed and a fixed version:
 * `Installed package : openssl_1.0.1t-1+deb8u6` / `Fixed package : …` (Debian, `name_version`),
 * `Remote package installed : openssl-1.0.1e-30.el6` / `Should be : …` (RPM, `name-version-release`),
 * `Installed version`/`Remote version` … `Fixed version`/`Should be` (named after the `Product :` line, else
 * `productHint` (the CPE product or {@link productInPluginName}), else the patched file, with `Path :` or the
 * patched file as FilePath).
 * Version pairs without a fixed version (detections) are not packages. At most 20, distinct.
 */
export function packagesInPluginOutput(output: string | undefined, productHint?: string): SoftwarePackage[] {
  // Most outputs name no fixed version: one cheap test before any line is read.
  if (output === undefined || !/fixed|should be/i.test(output)) return [];
  const packages: SoftwarePackage[] = [];
  const seen = new Set<string>();
  let product: string | undefined;
  let path: string | undefined;
  let installed: { name?: string; version: string } | undefined;
  for (const line of output.split('\n')) {
    const notPatched = NOT_PATCHED.exec(line);
    if (notPatched !== null) {
      path = notPatched[1];
      installed = undefined;
      continue;
    }
    const pair = KEY_VALUE.exec(line);
    if (pair === null) continue;
    const key = pair[1]!.toLowerCase().replace(/\s+/g, ' ');
    const value = pair[2]!.trim();
    if (value === '') continue;
    if (key === 'product') {
      product = value;
      path = undefined;
      installed = undefined;
    } else if (key === 'path' || key === 'file') {
      path = value;
    } else if (INSTALLED_PACKAGE.test(key)) {
      installed = splitPackage(value);
    } else if (INSTALLED_VERSION.test(key)) {
      installed = { version: value };
    } else if (installed !== undefined && (FIXED_VERSION.test(key) || FIXED_PACKAGE.test(key))) {
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

/** `openssl_1.0.1t-1+deb8u6` → openssl + `1.0.1t-1+deb8u6`; `openssl-1.0.1e-30.el6` → openssl + `1.0.1e-30.el6`. */
function splitPackage(text: string): { name?: string; version: string } {
  const debian = /^([a-z0-9][a-z0-9+.-]*)_(\d\S*)$/i.exec(text);
  if (debian !== null) return { name: debian[1]!, version: debian[2]! };
  const rpm = /^(\S+?)-(\d[^-\s]*-[^-\s]+)$/.exec(text);
  if (rpm !== null) return { name: rpm[1]!, version: rpm[2]! };
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
