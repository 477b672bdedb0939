/**
 * How an OS package manager writes versions: dpkg `[epoch:]upstream[-revision]` (Debian, Ubuntu) or rpm
 * `[epoch:]version-release` (Red Hat, Amazon Linux, SUSE …). Language ecosystems have no such scheme (`1.0.0-rc1`
 * is one semver version), so they get no split.
 */
export type OsVersionScheme = 'dpkg' | 'rpm';

/** The ASFF `SoftwarePackage` version fields: `Epoch`, `Version`, `Release`. */
export interface PackageVersionParts {
  Epoch?: string;
  Version: string;
  Release?: string;
}

const EPOCH = /^(\d+):(.+)$/;

/**
 * Splits an OS package version into ASFF `Epoch`, `Version` and `Release`, as Amazon Inspector fills them:
 * `1:2.41-5` → `{Epoch: '1', Version: '2.41', Release: '5'}`, `2.17-317.el7` → `{Version: '2.17', Release:
 * '317.el7'}`. The release is what follows the last `-` (dpkg: the Debian revision); a version without `-` (a
 * native Debian package) has no release. Without a scheme, or with nothing to split, the version is returned whole.
 */
export function splitPackageVersion(
  version: string,
  scheme: OsVersionScheme | undefined,
): PackageVersionParts {
  if (scheme === undefined) return { Version: version };
  const epochMatch = EPOCH.exec(version);
  const epoch = epochMatch?.[1];
  const rest = epochMatch?.[2] ?? version;
  const dash = rest.lastIndexOf('-');
  // A leading or trailing '-' splits nothing a reader would call a version and a release.
  const hasRelease = dash > 0 && dash < rest.length - 1;
  const parts: PackageVersionParts = { Version: hasRelease ? rest.slice(0, dash) : rest };
  if (epoch !== undefined) parts.Epoch = epoch;
  if (hasRelease) parts.Release = rest.slice(dash + 1);
  return parts;
}

/** Package-URL types of OS packages and their version scheme (`pkg:deb/…`, `pkg:rpm/…`). */
const PURL_SCHEMES: Readonly<Record<string, OsVersionScheme>> = { deb: 'dpkg', rpm: 'rpm' };

/** The version scheme of a package URL (`pkg:deb/debian/bash@5.2.15-2` → `dpkg`); `undefined` for any other type. */
export function versionSchemeOfPurl(purl: string | undefined): OsVersionScheme | undefined {
  if (purl === undefined || !purl.startsWith('pkg:')) return undefined;
  const slash = purl.indexOf('/', 4);
  return slash < 0 ? undefined : PURL_SCHEMES[purl.slice(4, slash).toLowerCase()];
}
