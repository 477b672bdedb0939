/**
 * How a finding's title names a vulnerable package, the same in every format (issue 19, principle 5: the same
 * package vulnerability reported by Trivy, a SARIF dependency scanner or a CSV export reads the same in the console).
 */

/** A package as a title names it: `openssl@3.0.2-0ubuntu1.10` (`name@version`), the name alone without a version. */
export function packageAtVersion(name: string, version?: string): string {
  return version === undefined || version === '' ? name : `${name}@${version}`;
}

/**
 * The title of a vulnerability in a package: `<advisory> in <package>@<version>`, then `: <summary>` when the
 * scanner names the vulnerability — `CVE-2023-4911 in libc6@2.36-9+deb12u1: glibc: buffer overflow in ld.so`.
 * `subject` is what {@link packageAtVersion} made, or what else holds the vulnerability when no package is named
 * (a file); without one the title is the advisory (and summary) alone.
 */
export function vulnerabilityTitle(advisory: string, subject?: string, summary?: string): string {
  const where = subject === undefined || subject === '' ? '' : ` in ${subject}`;
  const what = summary === undefined || summary === '' ? '' : `: ${summary}`;
  return `${advisory}${where}${what}`;
}
