/**
 * SARIF 2.1.0 generator, in two shapes seen in the corpus:
 * - `codeql`: pretty-printed, `tool.driver.rules` first, results with `ruleIndex` + `rule{id,index}`,
 *   `partialFingerprints`, `relatedLocations`, `codeFlows`, artifacts with `index`, numeric `security-severity`;
 * - `semgrep`: compact one-line JSON in Semgrep OSS key order — `invocations`, `results`, then `tool` (so every
 *   result comes BEFORE the rule it references), `fingerprints`, snippets, label `security-severity`.
 */
import {
  codeFragment,
  multibyteChance,
  multibyteWord,
  paragraph,
  pool,
  prettyAt,
  sentence,
  word,
} from './random.mjs';

const LANGS = ['js', 'py', 'java', 'go', 'cs', 'rb', 'cpp'];
const EXT = { js: 'ts', py: 'py', java: 'java', go: 'go', cs: 'cs', rb: 'rb', cpp: 'cc' };
const DIRS = [
  'src',
  'lib',
  'app',
  'internal',
  'pkg',
  'controllers',
  'models',
  'utils',
  'api',
  'web',
  'server',
];
const LABELS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const LEVELS = ['error', 'warning', 'note'];

/**
 * @param {import('./random.mjs').Random} rng
 * @param {number} index
 */
function makeRule(rng, index) {
  const lang = rng.pick(LANGS);
  const slug = `${word(rng)}-${word(rng)}-${index}`;
  const cwe = rng.range(20, 1400);
  const title = sentence(rng, rng.range(3, 7)).slice(0, -1);
  const full = paragraph(rng, rng.range(1, 3));
  const markdown = `# ${title}\n\n${paragraph(rng, rng.range(3, 6))}\n\n## Recommendation\n\n${paragraph(rng, 2)}\n\n## Example\n\n\`\`\`${lang}\n${codeFragment(rng)}\n${codeFragment(rng)}\n\`\`\`\n\n## References\n* [CWE-${cwe}](https://cwe.mitre.org/data/definitions/${cwe}.html)\n`;
  return {
    lang,
    slug,
    cwe,
    title,
    full,
    markdown,
    level: rng.pick(LEVELS),
    securitySeverity: rng.chance(0.85) ? (rng.range(10, 100) / 10).toFixed(1) : undefined,
    label: rng.pick(LABELS),
    pathProblem: rng.chance(0.3),
    messages: pool(3, () => sentence(rng, rng.range(8, 20))),
  };
}

/**
 * @param {import('./random.mjs').Random} rng
 * @param {number} index
 */
function makeArtifact(rng, index) {
  const depth = rng.range(1, 4);
  const parts = [];
  for (let i = 0; i < depth; i++) parts.push(rng.pick(DIRS));
  const name = multibyteChance(rng, 0.03)
    ? `${word(rng)}_${multibyteWord(rng)}`
    : `${word(rng)}_${word(rng)}`;
  return `${parts.join('/')}/${name}${index}.${rng.pick(Object.values(EXT))}`;
}

/**
 * @param {import('./random.mjs').Random} rng
 * @param {number} size
 */
function sizeRules(rng, size) {
  const count = Math.max(3, Math.min(400, Math.floor(size / 10_000)));
  return pool(count, (i) => makeRule(rng, i));
}

/**
 * @param {import('./random.mjs').Random} rng
 * @param {string} uri
 * @param {number} artifactIndex
 * @param {number} line
 */
function physicalLocation(rng, uri, artifactIndex, line) {
  const start = rng.range(1, 60);
  return {
    artifactLocation: { uri, uriBaseId: '%SRCROOT%', index: artifactIndex },
    region: { startLine: line, startColumn: start, endColumn: start + rng.range(3, 60) },
  };
}

/**
 * @param {import('./random.mjs').Random} rng
 * @param {ReturnType<typeof makeRule>[]} rules
 * @param {string[]} artifacts
 */
function codeqlResult(rng, rules, artifacts) {
  const ruleIndex = rng.int(rules.length);
  const rule = /** @type {ReturnType<typeof makeRule>} */ (rules[ruleIndex]);
  const ruleId = `${rule.lang}/${rule.slug}`;
  const artifactIndex = rng.int(artifacts.length);
  const uri = /** @type {string} */ (artifacts[artifactIndex]);
  const line = rng.range(1, 4000);
  const related = rng.chance(0.5) ? rng.range(1, 3) : 0;
  let text = rng.pick(rule.messages);
  for (let i = 1; i <= related; i++) text += `\n${rule.title} due to a [user-provided value](${i}).`;
  /** @type {Record<string, unknown>} */
  const result = { ruleId, ruleIndex, rule: { id: ruleId, index: ruleIndex } };
  if (rng.chance(0.3)) result.level = rule.level;
  result.message = { text };
  result.locations = [{ physicalLocation: physicalLocation(rng, uri, artifactIndex, line) }];
  result.partialFingerprints = {
    primaryLocationLineHash: `${rng.hex(16)}:${rng.range(1, 3)}`,
    primaryLocationStartColumnFingerprint: String(rng.range(0, 40)),
  };
  if (related > 0) {
    const relatedLocations = [];
    for (let i = 1; i <= related; i++) {
      relatedLocations.push({
        id: i,
        physicalLocation: physicalLocation(rng, uri, artifactIndex, line + rng.range(-20, 20) || 1),
        message: {
          text: multibyteChance(rng, 0.2) ? `user-provided ${multibyteWord(rng)}` : 'user-provided value',
        },
      });
    }
    result.relatedLocations = relatedLocations;
  }
  if (rule.pathProblem) {
    const steps = [];
    const count = rng.range(2, 6);
    for (let i = 0; i < count; i++) {
      const stepIndex = rng.int(artifacts.length);
      steps.push({
        location: {
          physicalLocation: physicalLocation(
            rng,
            /** @type {string} */ (artifacts[stepIndex]),
            stepIndex,
            rng.range(1, 4000),
          ),
          message: { text: codeFragment(rng) },
        },
      });
    }
    result.codeFlows = [{ threadFlows: [{ locations: steps }] }];
  }
  return result;
}

/**
 * @param {ReturnType<typeof makeRule>} rule
 * @param {number} index
 */
function codeqlRule(rule, index) {
  const id = `${rule.lang}/${rule.slug}`;
  /** @type {Record<string, unknown>} */
  const properties = {
    tags: ['security', `external/cwe/cwe-${String(rule.cwe).padStart(3, '0')}`],
    description: rule.full,
    id,
    kind: rule.pathProblem ? 'path-problem' : 'problem',
    name: rule.title,
    precision: index % 3 === 0 ? 'very-high' : 'high',
    'problem.severity': rule.level === 'note' ? 'recommendation' : rule.level,
  };
  if (rule.securitySeverity !== undefined) properties['security-severity'] = rule.securitySeverity;
  return {
    id,
    name: id,
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.full },
    defaultConfiguration: { enabled: true, level: rule.level },
    help: { text: rule.markdown, markdown: rule.markdown },
    properties,
  };
}

/**
 * @param {import('./random.mjs').Random} rng
 * @param {ReturnType<typeof makeRule>[]} rules
 * @param {string[]} artifacts
 */
function semgrepResult(rng, rules, artifacts) {
  const rule = rng.pick(rules);
  const uri = rng.pick(artifacts);
  const startLine = rng.range(1, 4000);
  const startColumn = rng.range(1, 40);
  const span = rng.range(0, 3);
  return {
    fingerprints: { 'matchBasedId/v1': `${rng.hex(128)}_${rng.range(0, 4)}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri, uriBaseId: '%SRCROOT%' },
          region: {
            endColumn: startColumn + rng.range(5, 80),
            endLine: startLine + span,
            snippet: { text: codeFragment(rng) },
            startColumn,
            startLine,
          },
        },
      },
    ],
    message: { text: `${rule.full}\n${rng.pick(rule.messages)}` },
    properties: {},
    ruleId: semgrepRuleId(rule),
  };
}

/** @param {ReturnType<typeof makeRule>} rule */
function semgrepRuleId(rule) {
  return `${rule.lang}.lang.security.${rule.slug}.${rule.slug}`;
}

/** @param {ReturnType<typeof makeRule>} rule */
function semgrepRule(rule) {
  const id = semgrepRuleId(rule);
  return {
    defaultConfiguration: { level: rule.level },
    fullDescription: { text: rule.full },
    help: { markdown: rule.markdown, text: rule.full },
    helpUri: `https://semgrep.dev/r/${id}`,
    id,
    name: id,
    properties: {
      precision: 'very-high',
      'security-severity': rule.label,
      tags: [`CWE-${rule.cwe}: ${rule.title}`, 'OWASP-A03:2021 - Injection', 'security'],
    },
    shortDescription: { text: `Semgrep Finding: ${id}` },
  };
}

/**
 * Yields the SARIF document piece by piece until `state.bytes` reaches `target`.
 * @param {import('./random.mjs').Random} rng
 * @param {{ bytes: number; records: number }} state
 * @param {number} target
 * @param {{ variant?: string }} options
 * @returns {Generator<string>}
 */
export function* generateSarif(rng, state, target, options) {
  const rules = sizeRules(rng, target);
  const artifacts = pool(Math.max(10, Math.min(3000, rules.length * 5)), (i) => makeArtifact(rng, i));
  if ((options.variant ?? 'codeql') === 'semgrep') {
    yield* semgrep(rng, state, target, rules, artifacts);
  } else {
    yield* codeql(rng, state, target, rules, artifacts);
  }
}

/**
 * @param {import('./random.mjs').Random} rng
 * @param {{ bytes: number; records: number }} state
 * @param {number} target
 * @param {ReturnType<typeof makeRule>[]} rules
 * @param {string[]} artifacts
 */
function* codeql(rng, state, target, rules, artifacts) {
  const driver = {
    name: 'CodeQL',
    organization: 'GitHub',
    semanticVersion: '2.12.5',
    rules: rules.map(codeqlRule),
  };
  const tool = {
    driver,
    extensions: [
      {
        name: 'codeql/javascript-queries',
        semanticVersion: '0.5.4',
        locations: [{ uri: 'file:///q/', description: { text: 'The QL pack root directory.' } }],
      },
    ],
  };
  yield `{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",\n  "version": "2.1.0",\n  "runs": [\n    {\n      "tool": ${prettyAt(tool, '      ').trimStart()},\n`;
  yield `      "invocations": [\n        {\n          "toolExecutionNotifications": [],\n          "executionSuccessful": true\n        }\n      ],\n`;
  const artifactItems = artifacts.map((uri, index) => ({ location: { uri, uriBaseId: '%SRCROOT%', index } }));
  yield `      "artifacts": ${prettyAt(artifactItems, '      ').trimStart()},\n      "results": [\n`;
  const tail =
    '\n      ],\n      "newlineSequences": ["\\r\\n", "\\n", "\\u2028", "\\u2029"],\n      "columnKind": "utf16CodeUnits",\n      "properties": {\n        "semmle.formatSpecifier": "sarif-latest"\n      }\n    }\n  ]\n}\n';
  let first = true;
  do {
    const text = prettyAt(codeqlResult(rng, rules, artifacts), '        ');
    yield first ? text : `,\n${text}`;
    first = false;
    state.records++;
  } while (state.bytes + tail.length < target);
  yield tail;
}

/**
 * @param {import('./random.mjs').Random} rng
 * @param {{ bytes: number; records: number }} state
 * @param {number} target
 * @param {ReturnType<typeof makeRule>[]} rules
 * @param {string[]} artifacts
 */
function* semgrep(rng, state, target, rules, artifacts) {
  const notifications = pool(3, () => ({
    descriptor: { id: 'Syntax error' },
    level: 'warning',
    message: {
      text: `Syntax error at line ${rng.pick(artifacts)}:${rng.range(1, 99)}:\n \`${codeFragment(rng)}\` was unexpected`,
    },
  }));
  yield `{"version":"2.1.0","runs":[{"invocations":[${JSON.stringify({ executionSuccessful: true, toolExecutionNotifications: notifications })}],"results":[`;
  const tail = `],"tool":{"driver":{"name":"Semgrep OSS","rules":${JSON.stringify(rules.map(semgrepRule))},"semanticVersion":"1.69.0"}}}],"$schema":"https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json"}\n`;
  const tailBytes = Buffer.byteLength(tail);
  let first = true;
  do {
    const text = JSON.stringify(semgrepResult(rng, rules, artifacts));
    yield first ? text : `,${text}`;
    first = false;
    state.records++;
  } while (state.bytes + tailBytes < target);
  yield tail;
}
