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

/**
 * Alerts whose evidence is the secret or personal data itself: Information Disclosure - Sensitive Information in URL
 * (10024), PII Disclosure (10062), Session Management Response Identified (10112, the session token).
 */
const SECRET_ALERTS = new Set(['10024', '10062', '10112']);
const SECRET_PARAM = /pass|pwd|secret|token|key|auth|session|sid|credential/i;

/**
 * The URL as the console shows it: query values of credential-like parameters (all of them, for an alert about a
 * secret) are replaced by `…`, so a token in a URL never reaches a title or a resource.
 */
function shownUrl(uri, secretAlert) {
  const at = uri.indexOf('?');
  if (at === -1) return uri;
  const query = uri
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const [name = '', value] = pair.split('=');
      return value !== undefined && (secretAlert || SECRET_PARAM.test(name)) ? `${name}=…` : pair;
    })
    .join('&');
  return `${uri.slice(0, at)}?${query}`;
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
      const secretAlert = SECRET_ALERTS.has(child(element, 'pluginid'));
      for (const instance of instances) {
        const uri = child(instance, 'uri') || site;
        const shown = shownUrl(uri, secretAlert);
        const method = child(instance, 'method') || 'GET';
        const param = child(instance, 'param');
        // The evidence of an alert about a secret is the secret: it stays in ZAP's report.
        const evidence = secretAlert
          ? child(instance, 'evidence') && 'Evidence: omitted (ZAP reports a secret or personal data here)'
          : child(instance, 'evidence') && `Evidence: ${child(instance, 'evidence')}`;
        yield {
          identity: [site, ref, method, uri, param],
          ruleId: ref,
          title: `${name}: ${method} ${shown}${param ? ` (parameter ${param})` : ''}`,
          description: [evidence, plain(child(element, 'desc'))].filter(Boolean).join('\n\n'),
          severity: {
            label: RISK_LABELS[risk] ?? 'MEDIUM',
            original: child(element, 'riskdesc') || String(risk),
          },
          types: ['Software and Configuration Checks/Vulnerabilities'],
          resources: [
            {
              Type: 'Other',
              Id: shown,
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
