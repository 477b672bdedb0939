import { type Adapter, defineAdapter } from '../../src/adapter.js';
import { detectSarif } from './detect.js';

/**
 * SARIF 2.1.0 logs from any tool (CodeQL, Semgrep, ESLint, Checkov, tfsec, Bandit, gitleaks, Trivy, Snyk,
 * Grype, KICS, Polyspace, SpotBugs, dependency-check, Dockle, Flawfinder …), streamed result by result.
 * Mapping, options and identity: `docs/sarif.md`.
 */
export default defineAdapter<Adapter>({
  name: 'sarif',
  meta: {
    description: 'SARIF 2.1.0 logs from any static-analysis, IaC, secret or dependency scanner',
    extensions: ['sarif', 'json'],
    docsUrl: 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html',
    options: [
      {
        name: 'repository',
        type: 'string',
        valueName: 'URL',
        description: 'the repository the code findings belong to, when the log does not say',
      },
      {
        name: 'target',
        type: 'string',
        valueName: 'NAME',
        description: 'the resource for results without a location (an image, a host)',
      },
    ],
    identity:
      'tool + rule id + primary file, then: all `fingerprints`; or GitHub `partialFingerprints` + message; or start line/column + logical location + message (+ other partial fingerprints)',
  },
  detect: detectSarif,
  // The parser is loaded on first use, so detecting formats and starting the CLI stay cheap.
  async *parse(input, ctx) {
    const { parseSarif } = await import('./parse.js');
    yield* parseSarif(input, ctx);
  },
});
