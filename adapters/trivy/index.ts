import { type Adapter, defineAdapter } from '../../src/adapter.js';
import { detectTrivy } from './detect.js';

/**
 * Trivy JSON reports (`trivy image|fs|repo|vm|rootfs|sbom --format json`, schema v1 arrays and `trivy k8s`)
 * into findings: vulnerabilities, misconfigurations, secrets and (with the `trivyLicenses` option) licenses.
 */
export default defineAdapter<Adapter>({
  name: 'trivy',
  meta: {
    description:
      'Trivy JSON: image, filesystem, repository, VM, rootfs and SBOM scans (schema v2 and v1) and trivy k8s reports',
    extensions: ['json'],
    docsUrl: 'https://trivy.dev/latest/docs/configuration/reporting/#json',
    options: [
      {
        name: 'trivyLicenses',
        flag: 'trivy-licenses',
        type: 'boolean',
        description: 'include Trivy license findings (off by default)',
      },
    ],
    identity:
      'artifact (or cluster + namespace/kind/name), target, class, then per kind — vulnerability: package (PURL, PkgID or name), installed version, PkgPath, vulnerability id; misconfiguration: result type, check id, cause resource, lines, occurrence chain; secret: rule, lines, offset; license: package, file, license name',
  },
  detect: detectTrivy,
  // The parser is loaded on first use, so detecting formats and starting the CLI stay cheap.
  async *parse(input, ctx) {
    const { parseTrivy } = await import('./parse.js');
    yield* parseTrivy(input, ctx);
  },
});
