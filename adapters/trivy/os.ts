import type { OsVersionScheme } from '../../src/asff/package-version.js';
import type { ResultContext } from './types.js';

/**
 * Trivy's OS families (the `Type` of an `os-pkgs` result) and how their package manager writes versions:
 * dpkg `[epoch:]upstream[-revision]`, rpm `[epoch:]version-release`, or `null` when the version is not split
 * (apk's `-r0` is a package release, but Amazon Inspector leaves it in Version too).
 */
const OS_FAMILIES: Readonly<Record<string, OsVersionScheme | null>> = {
  debian: 'dpkg',
  ubuntu: 'dpkg',
  echo: 'dpkg',
  redhat: 'rpm',
  centos: 'rpm',
  rocky: 'rpm',
  alma: 'rpm',
  amazon: 'rpm',
  oracle: 'rpm',
  fedora: 'rpm',
  photon: 'rpm',
  'cbl-mariner': 'rpm',
  azurelinux: 'rpm',
  opensuse: 'rpm',
  'opensuse.leap': 'rpm',
  'opensuse.tumbleweed': 'rpm',
  'opensuse-leap': 'rpm',
  'opensuse-tumbleweed': 'rpm',
  sles: 'rpm',
  slem: 'rpm',
  'suse linux enterprise server': 'rpm',
  'suse linux enterprise micro': 'rpm',
  alpine: null,
  wolfi: null,
  chainguard: null,
  minimos: null,
  bottlerocket: null,
};

/** True for a result that lists OS packages: `Class: os-pkgs`, or (schema v1, no Class) an OS family `Type`. */
export function isOsResult(result: ResultContext): boolean {
  if (result.class !== undefined) return result.class === 'os-pkgs';
  return result.type !== undefined && Object.hasOwn(OS_FAMILIES, result.type.toLowerCase());
}

/** The version scheme of an OS-package result's family; `undefined` for language packages and unknown OSes. */
export function osVersionScheme(result: ResultContext): OsVersionScheme | undefined {
  if (result.type === undefined || !isOsResult(result)) return undefined;
  return OS_FAMILIES[result.type.toLowerCase()] ?? undefined;
}

/** `name (os version)` with one level of nested parentheses: `disk.img (amazon 2 (Karoo))`. */
const OS_TARGET = /^(.+?) \((?:[^()]|\([^()]*\))*\)$/;

/**
 * The scanned thing an OS-package result names in its Target, without the OS: `shop/api:1.2 (debian 12.5)` →
 * `shop/api:1.2`. `undefined` for other results, or a Target without the OS suffix.
 */
export function osResultSubject(result: ResultContext): string | undefined {
  if (!isOsResult(result)) return undefined;
  const name = OS_TARGET.exec(result.target)?.[1]?.trim();
  return name === undefined || name === '' ? undefined : name;
}
