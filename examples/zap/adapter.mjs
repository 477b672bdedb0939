// An example adapter for OWASP ZAP's XML report (`zap-baseline.py -x report.xml`, or Report → Generate XML),
// written only against asff-stream's public API: one finding per alert and affected URL.
// CLI:      asff-stream convert report.xml --adapter ./adapter.mjs --account 123456789012 --region eu-west-1
import { defineAdapter } from 'asff-stream';
import { xmlElements } from 'asff-stream/toolkit';

const NAME = 'zap';
/** ZAP's riskcode: 0 informational, 1 low, 2 medium, 3 high. */
const RISK_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH'];

/** The text of a child element, e.g. `<name>`. */
function child(element, name) {
  return element.children.find((c) => c.name === name)?.text.trim() ?? '';
}

/** ZAP writes descriptions as escaped HTML paragraphs: plain text for the console. */
function plain(html) {
  return html
    .replace(/<\/p>\s*<p>/g, '\n')
    .replace(/<[^>]+>/g, '')
    .trim();
}

export default defineAdapter({
  name: NAME,
  meta: {
    description: 'OWASP ZAP XML report: one finding per alert and affected URL',
    extensions: ['xml'],
    docsUrl: 'https://www.zaproxy.org/docs/desktop/addons/report-generation/',
    identity: 'site + alert reference + method + URL + parameter',
    // Declared options become CLI flags: `--zap-min-confidence 3`, listed by `asff-stream convert --help --adapter …`.
    options: [
      {
        name: 'zapMinConfidence',
        flag: 'zap-min-confidence',
        type: 'number',
        valueName: 'N',
        description: 'skip alerts below this ZAP confidence (0 false positive … 4 confirmed; default 1)',
      },
    ],
  },
  detect: ({ head }) => (head.includes('<OWASPZAPReport') ? 0.95 : 0),
  async *parse(input, ctx) {
    const minConfidence = typeof ctx.options.zapMinConfidence === 'number' ? ctx.options.zapMinConfidence : 1;
    for await (const { element, ancestors, line, index } of xmlElements(input, {
      element: 'alertitem',
      adapter: NAME,
    })) {
      const site = ancestors.find((a) => a.name === 'site')?.attributes.name ?? '';
      const name = child(element, 'alert') || child(element, 'name');
      const ref = child(element, 'alertRef') || child(element, 'pluginid');
      const risk = Number(child(element, 'riskcode'));
      const instances = element.children.find((c) => c.name === 'instances')?.children ?? [];
      if (instances.length === 0) {
        ctx.onIssue({
          code: 'no-instances',
          message: `alert ${ref} lists no URL`,
          line,
          recordIndex: index,
          skipped: true,
        });
        continue;
      }
      const confidence = Number(child(element, 'confidence') || '2');
      if (confidence < minConfidence) {
        ctx.onIssue({
          code: 'below-min-confidence',
          message: `alert ${ref} has ZAP confidence ${confidence}, below ${minConfidence}`,
          line,
          recordIndex: index,
          skipped: true,
        });
        continue;
      }
      const cwe = child(element, 'cweid');
      const solution = plain(child(element, 'solution'));
      const references = plain(child(element, 'reference'))
        .split('\n')
        .filter((url) => /^https?:\/\//.test(url));
      for (const instance of instances) {
        const uri = child(instance, 'uri') || site;
        const method = child(instance, 'method') || 'GET';
        const param = child(instance, 'param');
        const evidence = child(instance, 'evidence');
        yield {
          identity: [site, ref, method, uri, param],
          ruleId: ref,
          title: `${name}: ${method} ${uri}${param ? ` (parameter ${param})` : ''}`,
          description: [evidence && `Evidence: ${evidence}`, plain(child(element, 'desc'))]
            .filter(Boolean)
            .join('\n\n'),
          severity: {
            label: RISK_LABELS[risk] ?? 'MEDIUM',
            original: child(element, 'riskdesc') || String(risk),
          },
          types: ['Software and Configuration Checks/Vulnerabilities'],
          resources: [
            {
              Type: 'Other',
              Id: uri,
              Details: { Other: { site, method, ...(param ? { parameter: param } : {}) } },
            },
          ],
          ...(solution
            ? {
                remediation: {
                  Recommendation: { Text: solution, ...(references[0] ? { Url: references[0] } : {}) },
                },
              }
            : {}),
          productFields: {
            pluginId: child(element, 'pluginid'),
            cwe: cwe && cwe !== '-1' ? `CWE-${cwe}` : undefined,
          },
          confidence: Math.min(100, Math.max(0, confidence * 25)),
          state: 'active',
        };
      }
    }
  },
});
