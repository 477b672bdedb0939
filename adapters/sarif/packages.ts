import type { SoftwarePackage } from '@aws-sdk/client-securityhub';
import {
  type OsVersionScheme,
  splitPackageVersion,
  versionSchemeOfPurl,
} from '../../src/asff/package-version.js';
import type { RuleInfo } from './rules.js';
import { clip } from './values.js';

/**
 * What dependency scanners (SCA) say about the vulnerable package of a result, read from where each tool writes
 * it (see `docs/sarif.md`, "Dependency scanners"):
 * - Trivy, Grype, Anchore: `Key: value` lines of the message (per result) or the rule help (per rule) —
 *   `Package`, `Installed Version` / `Version`, `Fixed Version` / `Fix Version`, `Type`, `Location`.
 * - Snyk Open Source: `name@version` ending the rule's `fullDescription`, `* Package Manager: maven` and the
 *   `# Remediation` section of the help markdown (`Upgrade \`name\` to version 1.3.2 or higher.`).
 * - OWASP dependency-check: no rules; the library is the scanned file, `jquery-1.8.0.min.js` → jquery 1.8.0.
 */
export interface ScaPackage {
  pkg: SoftwarePackage;
  /** Package URL when the ecosystem is known (`pkg:maven/group/artifact@1.0`). */
  purl?: string;
  /** The scanner's own fix advice (Snyk's Remediation section), as plain text. */
  advice?: string;
  /** What else the tool tells about the package, for the description (Snyk: how it is introduced, Overview). */
  details?: string[];
}

/** `Key: value` lines (Trivy, Grype and Anchore write package facts this way in messages and rule help). */
export function keyValueLines(text: string | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of (text ?? '').split('\n')) {
    const match = /^\s*([A-Za-z][A-Za-z ]{0,30}?)\s*:\s*(.*?)\s*$/.exec(line);
    if (match && !fields.has(match[1]!.toLowerCase())) fields.set(match[1]!.toLowerCase(), match[2]!);
  }
  return fields;
}

const meaningful = (value: string | undefined): string | undefined =>
  value === undefined || value === '' || /^(none|n\/a|-)$/i.test(value) ? undefined : clip(value, 256);

/** A markdown section of a help text: the lines under a heading matching `title`, up to the next heading. */
export function markdownSection(text: string | undefined, title: RegExp): string | undefined {
  if (text === undefined || !text.includes('#')) return undefined;
  const lines = text.split('\n');
  const start = lines.findIndex((line) => {
    const heading = /^\s*#{1,6}\s+(.+?)\s*#*\s*$/.exec(line);
    return heading !== null && title.test(heading[1]!);
  });
  if (start < 0) return undefined;
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^\s*#{1,6}\s/.test(line)) break;
    body.push(line);
  }
  const section = plainMarkdown(body.join('\n')).trim();
  return section === '' ? undefined : section;
}

/** Markdown inline marks a console shows literally: `code`, **bold**, [text](url) → text (url). */
export function plainMarkdown(text: string): string {
  return text
    .replace(/`([^`\n]*)`/g, '$1')
    .replace(/\*\*([^*\n]+)\*\*/g, '$1')
    .replace(/\[([^\]\n]*)\]\((https?:\/\/[^)\s]+)\)/g, '$1 ($2)');
}

/** Package managers whose package URL type is known, by the name scanners write. */
const PURL_TYPES: Readonly<Record<string, string>> = {
  maven: 'maven',
  npm: 'npm',
  yarn: 'npm',
  pip: 'pypi',
  pypi: 'pypi',
  python: 'pypi',
  gem: 'gem',
  gemspec: 'gem',
  rubygems: 'gem',
  nuget: 'nuget',
  cargo: 'cargo',
  composer: 'composer',
  gomod: 'golang',
  golang: 'golang',
};

/** OS package managers, whose package URL needs the distribution (`pkg:deb/ubuntu/bash@…?distro=ubuntu-16.04`). */
const OS_PURL_TYPES: Readonly<Record<string, string>> = {
  dpkg: 'deb',
  deb: 'deb',
  rpm: 'rpm',
  apk: 'apk',
  apkg: 'apk',
};

/**
 * A package URL (purl spec) for the ecosystems of {@link PURL_TYPES}, maven names being `group:artifact`; for OS
 * packages only when the distribution is known (`distro`: `ubuntu:16.04`, from Anchore's `Data Namespace`).
 */
export function packageUrl(
  manager: string | undefined,
  name: string,
  version: string | undefined,
  distro?: string,
) {
  const os = manager === undefined ? undefined : OS_PURL_TYPES[manager.toLowerCase()];
  const release = distro === undefined ? undefined : /^([a-z][a-z0-9]*):([\w.]+)$/i.exec(distro.trim());
  if (os !== undefined && release !== null && release !== undefined) {
    const [, vendor, number] = release as unknown as [string, string, string];
    const at = version === undefined ? '' : `@${encodeURIComponent(version)}`;
    return `pkg:${os}/${vendor.toLowerCase()}/${encodeURIComponent(name)}${at}?distro=${vendor.toLowerCase()}-${number}`;
  }
  const type = manager === undefined ? undefined : PURL_TYPES[manager.toLowerCase()];
  if (type === undefined) return undefined;
  const path =
    type === 'maven' && name.includes(':')
      ? name.split(':').map(encodeURIComponent).join('/')
      : name.split('/').map(encodeURIComponent).join('/');
  return `pkg:${type}/${path}${version === undefined ? '' : `@${encodeURIComponent(version)}`}`;
}

/** Trivy / Grype / Anchore: `Key: value` lines of the message, then of the rule help. */
function fromKeyValues(message: string | undefined, rule: RuleInfo | undefined): ScaPackage | undefined {
  const sources = [keyValueLines(message), keyValueLines(rule?.helpText)];
  const get = (...keys: string[]) => {
    for (const fields of sources)
      for (const key of keys) {
        const value = meaningful(fields.get(key));
        if (value !== undefined) return value;
      }
    return undefined;
  };
  const name = get('package');
  if (name === undefined) return undefined;
  const pkg: SoftwarePackage = { Name: name };
  const version = get('installed version', 'version');
  if (version !== undefined) pkg.Version = version;
  const fixed = get('fixed version', 'fix version');
  if (fixed !== undefined) pkg.FixedInVersion = fixed;
  const manager = get('type', 'package manager');
  if (manager !== undefined) pkg.PackageManager = manager;
  const path = get('location', 'path');
  if (path !== undefined) pkg.FilePath = path;
  // Anchore: `Data Namespace: vulnerabilities, ubuntu:16.04` names the distribution of OS packages.
  const distro = get('data namespace')?.split(',').pop();
  const purl = packageUrl(manager, name, version, distro);
  return purl === undefined ? { pkg } : { pkg, purl };
}

/** Snyk Open Source: `name@version` ending `fullDescription`, the help's package manager and Remediation. */
function fromSnyk(rule: RuleInfo | undefined): ScaPackage | undefined {
  const coordinates = /(?:^|\s)([^\s@()]+)@([^\s@()]+)\s*$/.exec(rule?.fullDescription ?? '');
  if (rule === undefined || coordinates === null) return undefined;
  const [, name, version] = coordinates as unknown as [string, string, string];
  const pkg: SoftwarePackage = { Name: name, Version: version };
  const manager = /^\s*\*\s*Package Manager:\s*(\S+)/m.exec(rule.helpText ?? '')?.[1];
  const advice = markdownSection(rule.helpText, /^remediation$/i);
  const fixed = advice === undefined ? undefined : /\bto version ([^\s,]+?)[.,]?(?:\s|$)/.exec(advice)?.[1];
  if (fixed !== undefined) pkg.FixedInVersion = fixed;
  if (manager !== undefined) pkg.PackageManager = manager;
  const purl = packageUrl(manager, name, version);
  const introduced = /^\s*\*\s*(Introduced through:.*)$/m.exec(rule.helpText ?? '')?.[1];
  const overview = markdownSection(rule.helpText, /^overview$/i);
  const details = [introduced, overview].filter((text): text is string => text !== undefined);
  return {
    pkg,
    ...(purl !== undefined && { purl }),
    ...(advice !== undefined && { advice: clip(advice, 1024) }),
    ...(details.length > 0 && { details: details.map((text) => clip(plainMarkdown(text), 1024)) }),
  };
}

/** File extensions of the libraries dependency-check reports on (its RetireJS and NVD analysers). */
const LIBRARY_FILE = /^(.+?)(?:[.-]min)?\.(?:js|jar|war|ear|dll|exe|nupkg|whl|egg|gem|tgz|zip)$/i;

/** OWASP dependency-check: the library is the scanned file, named `<name>-<version>[.min].js` or `.jar`. */
export function libraryFromFile(path: string | undefined): SoftwarePackage | undefined {
  if (path === undefined) return undefined;
  const file = path.slice(path.lastIndexOf('/') + 1);
  const stem = LIBRARY_FILE.exec(file)?.[1];
  if (stem === undefined) return undefined;
  const versioned = /^(.+?)[-_]v?(\d+(?:\.\d+)+(?:[-.+][0-9A-Za-z.]+)?)$/.exec(stem);
  const name = versioned?.[1] ?? stem;
  return versioned?.[2] !== undefined
    ? { Name: name, Version: versioned[2], FilePath: path }
    : { Name: name, FilePath: path };
}

/**
 * The vulnerable package of a result with an advisory id, or `undefined` when the tool names none. `path` is the
 * primary location (the manifest or library file); it becomes `FilePath` when the tool gives no other.
 */
export function scaPackageOf(
  toolName: string,
  message: string | undefined,
  rule: RuleInfo | undefined,
  path: string | undefined,
): ScaPackage | undefined {
  let found: ScaPackage | undefined;
  if (/^snyk/i.test(toolName) || /^SNYK-/.test(rule?.id ?? '')) found = fromSnyk(rule);
  else if (/dependency-check/i.test(toolName)) {
    const pkg = libraryFromFile(path);
    found = pkg === undefined ? undefined : { pkg };
  }
  found ??= fromKeyValues(message, rule);
  if (found !== undefined && found.pkg.FilePath === undefined && path !== undefined)
    found.pkg.FilePath = clip(path, 1024);
  return found;
}

/** dpkg / rpm by the package manager a tool names (Anchore `dpkg`, Grype `deb` / `rpm`). */
const MANAGER_SCHEMES: Readonly<Record<string, OsVersionScheme>> = { dpkg: 'dpkg', deb: 'dpkg', rpm: 'rpm' };

/**
 * The package as ASFF `VulnerablePackages` wants it: an OS package's version split into `Epoch`, `Version` and
 * `Release` (`1:2.41-5`, `4.3-14ubuntu1.4`) when its purl or package manager says dpkg or rpm, as the Trivy JSON
 * adapter splits them. Titles and descriptions keep the version as the scanner wrote it.
 */
export function asffPackage(found: ScaPackage): SoftwarePackage {
  const { pkg } = found;
  const scheme =
    versionSchemeOfPurl(found.purl) ??
    (pkg.PackageManager === undefined ? undefined : MANAGER_SCHEMES[pkg.PackageManager.toLowerCase()]);
  if (pkg.Version === undefined || scheme === undefined) return pkg;
  const { Epoch, Version, Release } = splitPackageVersion(pkg.Version, scheme);
  const { Name, Version: _asWritten, ...rest } = pkg;
  return {
    Name,
    ...(Epoch !== undefined && { Epoch }),
    Version,
    ...(Release !== undefined && { Release }),
    ...rest,
  };
}
