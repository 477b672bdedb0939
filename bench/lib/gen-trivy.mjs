/**
 * Trivy JSON (schema v2, `trivy image -f json --list-all-pkgs`) generator: an image report whose OS result
 * holds most of the file in one huge `Vulnerabilities` array, followed by language-package results; every
 * vulnerability with `CVSS` blocks from several sources, CWE ids, references and vendor severities.
 * Pretty-printed with two spaces, as Trivy writes it.
 */
import { isoDate, multibyteOrPlainWord, paragraph, pool, prettyAt, sentence, word } from './random.mjs';

const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'];
const STATUSES = ['fixed', 'affected', 'will_not_fix', 'fix_deferred', 'end_of_life', 'under_investigation'];
const V3 = [
  'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:H',
  'AV:N/AC:H/PR:N/UI:R/S:C/C:L/I:L/A:N',
];

/** The results after the OS one: language ecosystems and the share of vulnerability bytes each gets. */
const RESULTS = [
  { target: null, klass: 'os-pkgs', type: 'debian', share: 0.7, ecosystem: 'deb' },
  { target: 'Python', klass: 'lang-pkgs', type: 'python-pkg', share: 0.12, ecosystem: 'pypi' },
  { target: 'app/package-lock.json', klass: 'lang-pkgs', type: 'npm', share: 0.08, ecosystem: 'npm' },
  { target: 'opt/app/lib/app-all.jar', klass: 'lang-pkgs', type: 'jar', share: 0.06, ecosystem: 'maven' },
  { target: 'usr/local/bin/server', klass: 'lang-pkgs', type: 'gobinary', share: 0.04, ecosystem: 'golang' },
];

/**
 * @param {import('./random.mjs').Random} rng
 * @param {string} ecosystem
 * @param {number} index
 */
function makePackage(rng, ecosystem, index) {
  const name = rng.chance(0.5) ? `${word(rng)}-${word(rng)}${index}` : `lib${word(rng)}${index}`;
  const version = `${rng.range(0, 9)}.${rng.range(0, 30)}.${rng.range(0, 99)}${ecosystem === 'deb' ? `-${rng.range(1, 9)}+deb12u${rng.range(1, 5)}` : ''}`;
  const purl =
    ecosystem === 'deb'
      ? `pkg:deb/debian/${name}@${version}?arch=amd64&distro=debian-12.8`
      : ecosystem === 'maven'
        ? `pkg:maven/org.${word(rng)}/${name}@${version}`
        : `pkg:${ecosystem}/${name}@${version}`;
  return {
    ID: `${name}@${version}`,
    Name: name,
    Identifier: { PURL: purl, UID: rng.hex(16) },
    Version: version,
    ...(ecosystem === 'deb'
      ? {
          Arch: 'amd64',
          SrcName: name,
          SrcVersion: version,
          Maintainer: `${multibyteOrPlainWord(rng)} Maintainers <pkg-${name}@lists.debian.org>`,
        }
      : {}),
    Licenses: [rng.pick(['MIT', 'Apache-2.0', 'GPL-2.0-only', 'BSD-3-Clause', 'LGPL-2.1-or-later'])],
    Layer: { Digest: `sha256:${rng.hex(64)}`, DiffID: `sha256:${rng.hex(64)}` },
  };
}

/**
 * @param {import('./random.mjs').Random} rng
 * @param {ReturnType<typeof makePackage>} pkg
 * @param {string} ecosystem
 * @param {{ titles: string[]; descriptions: string[] }} text
 * @param {number} serial
 */
function makeVulnerability(rng, pkg, ecosystem, text, serial) {
  const year = rng.range(2005, 2025);
  const id =
    ecosystem !== 'deb' && rng.chance(0.4)
      ? `GHSA-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}`
      : `CVE-${year}-${10_000 + serial}`;
  const severity = rng.pick(SEVERITIES);
  const score = rng.range(10, 100) / 10;
  const vector = `CVSS:3.1/${rng.pick(V3)}`;
  /** @type {Record<string, Record<string, unknown>>} */
  const cvss = { nvd: { V3Vector: vector, V3Score: score } };
  if (rng.chance(0.4)) {
    cvss.nvd = {
      V2Vector: 'AV:N/AC:M/Au:N/C:N/I:P/A:N',
      V3Vector: vector,
      V2Score: rng.range(10, 100) / 10,
      V3Score: score,
    };
  }
  if (rng.chance(0.5))
    cvss.redhat = { V3Vector: `CVSS:3.1/${rng.pick(V3)}`, V3Score: rng.range(10, 100) / 10 };
  if (rng.chance(0.1)) {
    cvss.ghsa = {
      V40Vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
      V40Score: score,
    };
  }
  const references = [];
  const refCount = rng.range(2, 8);
  for (let i = 0; i < refCount; i++) {
    references.push(
      i === 0
        ? `https://nvd.nist.gov/vuln/detail/${id}`
        : `https://${rng.pick(['github.com', 'access.redhat.com', 'security-tracker.debian.org', 'lists.debian.org'])}/${word(rng)}/${rng.hex(8)}`,
    );
  }
  /** @type {Record<string, unknown>} */
  const vulnerability = {
    VulnerabilityID: id,
    PkgID: pkg.ID,
    PkgName: pkg.Name,
    PkgIdentifier: pkg.Identifier,
    InstalledVersion: pkg.Version,
  };
  const status = rng.pick(STATUSES);
  if (status === 'fixed') vulnerability.FixedVersion = `${pkg.Version}.${rng.range(1, 9)}`;
  vulnerability.Status = status;
  vulnerability.Layer = pkg.Layer;
  vulnerability.SeveritySource = ecosystem === 'deb' ? 'debian' : 'ghsa';
  vulnerability.PrimaryURL = `https://avd.aquasec.com/nvd/${id.toLowerCase()}`;
  vulnerability.DataSource =
    ecosystem === 'deb'
      ? {
          ID: 'debian',
          Name: 'Debian Security Tracker',
          URL: 'https://salsa.debian.org/security-tracker-team/security-tracker',
        }
      : {
          ID: 'ghsa',
          Name: `GitHub Security Advisory ${ecosystem}`,
          URL: `https://github.com/advisories?query=type%3Areviewed+ecosystem%3A${ecosystem}`,
        };
  vulnerability.Fingerprint = `sha256:${rng.hex(64)}`;
  vulnerability.Title = `${pkg.Name}: ${rng.pick(text.titles)}`;
  vulnerability.Description = rng.pick(text.descriptions);
  vulnerability.Severity = severity;
  vulnerability.CweIDs = [`CWE-${rng.range(20, 1400)}`];
  vulnerability.VendorSeverity = {
    nvd: rng.range(1, 4),
    [ecosystem === 'deb' ? 'debian' : 'ghsa']: rng.range(1, 4),
  };
  vulnerability.CVSS = cvss;
  vulnerability.References = references;
  vulnerability.PublishedDate = isoDate(-rng.range(30, 5000));
  vulnerability.LastModifiedDate = isoDate(-rng.range(0, 29));
  return vulnerability;
}

/**
 * Yields the Trivy report piece by piece until `state.bytes` reaches `target`.
 * @param {import('./random.mjs').Random} rng
 * @param {{ bytes: number; records: number }} state
 * @param {number} target
 * @returns {Generator<string>}
 */
export function* generateTrivy(rng, state, target) {
  const image = `registry.example.com/${word(rng)}/${word(rng)}-service:1.${rng.range(0, 40)}.${rng.range(0, 9)}`;
  const diffIds = pool(8, () => `sha256:${rng.hex(64)}`);
  const text = {
    titles: pool(300, () => sentence(rng, rng.range(5, 12)).slice(0, -1)),
    descriptions: pool(400, () => {
      const body = paragraph(rng, rng.range(2, 7));
      return rng.chance(0.01)
        ? `\u001b[1m${body}\u001b[0m`
        : rng.chance(0.2)
          ? `### Impact\n\n${body}\n\n### Patches\n\nv${rng.range(1, 9)}.${rng.range(0, 9)}`
          : body;
    }),
  };
  const metadata = {
    Size: rng.range(50, 900) * 1_048_576,
    OS: { Family: 'debian', Name: '12.8' },
    ImageID: `sha256:${rng.hex(64)}`,
    DiffIDs: diffIds,
    RepoTags: [image],
    RepoDigests: [`${image.split(':')[0]}@sha256:${rng.hex(64)}`],
    ImageConfig: {
      architecture: 'amd64',
      created: isoDate(rng.range(0, 400)),
      history: pool(12, () => ({
        created: isoDate(rng.range(0, 400)),
        created_by: `RUN /bin/sh -c set -eux; \tapt-get update; \tapt-get install -y --no-install-recommends \t\t${word(rng)} \t\t${word(rng)}`,
        comment: 'buildkit.dockerfile.v0',
      })),
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: diffIds },
      config: {
        Cmd: ['python3', 'app.py'],
        Env: ['PATH=/usr/local/bin:/usr/bin', 'LANG=C.UTF-8'],
        WorkingDir: '/app',
      },
    },
  };
  const head = {
    SchemaVersion: 2,
    Trivy: { Version: '0.58.1' },
    ReportID: `${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}`,
    CreatedAt: isoDate(rng.range(400, 600)),
    ArtifactID: `sha256:${rng.hex(64)}`,
    ArtifactName: image,
    ArtifactType: 'container_image',
    Metadata: metadata,
  };
  const headText = JSON.stringify(head, null, 2);
  yield `${headText.slice(0, -2)},\n  "Results": [\n`;
  const tail = '\n  ]\n}\n';
  const bodyStart = state.bytes;
  const body = Math.max(0, target - bodyStart - tail.length);
  let cumulative = 0;
  let serial = 0;
  const packagesPerResult = Math.max(3, Math.min(250, Math.floor(target / 40_000)));
  for (let r = 0; r < RESULTS.length; r++) {
    const spec = /** @type {(typeof RESULTS)[number]} */ (RESULTS[r]);
    cumulative += spec.share;
    const limit = bodyStart + body * cumulative;
    const packages = pool(packagesPerResult, (i) => makePackage(rng, spec.ecosystem, i));
    const target_ = spec.target ?? `${image} (debian 12.8)`;
    const packagesText = prettyAt(packages, '      ').trimStart();
    yield `${r === 0 ? '' : ',\n'}    {\n      "Target": ${JSON.stringify(target_)},\n      "Class": "${spec.klass}",\n      "Type": "${spec.type}",\n      "Packages": ${packagesText},\n      "Vulnerabilities": [\n`;
    const resultTail = '\n      ]\n    }';
    let first = true;
    do {
      const vulnerability = makeVulnerability(rng, rng.pick(packages), spec.ecosystem, text, serial++);
      const pretty = prettyAt(vulnerability, '        ');
      yield first ? pretty : `,\n${pretty}`;
      first = false;
      state.records++;
    } while (state.bytes + resultTail.length < limit);
    yield resultTail;
  }
  yield tail;
}
