import type { Resource } from '@aws-sdk/client-securityhub';
import type { Finding } from '../../src/adapter.js';
import type { ImageInfo, RunContext } from './context.js';
import type { DuplicateCounter } from './identity.js';
import type { ResolvedLocation } from './locations.js';
import { firstLine } from './message.js';
import { markdownSection, plainMarkdown } from './packages.js';
import type { RuleInfo } from './rules.js';
import { clip } from './values.js';

/** Longest location shown in a title; longer paths keep their end (`…/testcode/BenchmarkTest02660.java:59`). */
const MAX_TITLE_PLACE = 90;
/** Longest rule text used as the "what" of a title before it is cut to its first sentence. */
const MAX_TITLE_WHAT = 120;

/** Snyk's `High severity - ` prefix: the severity is shown as Severity, not repeated in the title. */
const SNYK_SEVERITY_PREFIX = /^(?:low|medium|high|critical) severity - /i;

/** A one-line, sentence-sized name for a rule text: first line, first sentence when long, no final period. */
export function shortText(text: string): string {
  let line = firstLine(text).trim();
  // Semgrep 0.17 writes the whole message, wrapped over lines, as the rule's short description.
  if (line.length > MAX_TITLE_WHAT || (text.trim().includes('\n') && !/[.!?:]$/.test(line))) {
    const sentence = /^(.{20,}?[.!?])(?:\s|$)/.exec(line)?.[1];
    line = sentence ?? line;
  }
  return line.replace(SNYK_SEVERITY_PREFIX, '').replace(/(?<!\.)\.$/, '');
}

const RULE_WHAT = new WeakMap<RuleInfo, string>();

/** What a finding is about: the rule's short description, else its name when it is prose, else the message. */
export function ruleWhat(
  rule: RuleInfo | undefined,
  ruleId: string | undefined,
  message: string | undefined,
) {
  const prose = (text: string | undefined) =>
    text !== undefined && /\s/.test(text.trim()) ? text : undefined;
  const own = rule?.shortDescription ?? prose(rule?.name);
  if (own !== undefined) {
    // The rule's own text: worked out once per rule.
    let what = RULE_WHAT.get(rule!);
    if (what === undefined) {
      what = shortText(own);
      RULE_WHAT.set(rule!, what);
    }
    return what;
  }
  const fromMessage = message === undefined ? undefined : firstLine(message) || undefined;
  return shortText(fromMessage ?? rule?.name ?? ruleId ?? 'SARIF result');
}

/** `path:line` of a location (logical name when there is no file), its path cut from the left when long. */
export function titlePlace(location: ResolvedLocation | undefined): string | undefined {
  if (location === undefined) return undefined;
  const place = location.path ?? location.logical;
  if (place === undefined) return undefined;
  const line = location.startLine === undefined ? '' : `:${location.startLine}`;
  const room = MAX_TITLE_PLACE - line.length;
  if (place.length <= room) return `${place}${line}`;
  const tail = place.slice(place.length - room + 2);
  const cut = tail.indexOf('/');
  return `…/${cut >= 0 && cut < tail.length - 1 ? tail.slice(cut + 1) : tail}${line}`;
}

/**
 * The human name of a vulnerability from the rule, when the rule has one of its own: Trivy's
 * `openssl: information disclosure in fork()`, Snyk's `Denial of Service (DoS)`. Generated texts that repeat the
 * advisory id or the package (Grype, Anchore, the old Trivy template) give none.
 */
export function vulnerabilityName(rule: RuleInfo | undefined, advisory: string): string | undefined {
  for (const text of [rule?.shortDescription, rule?.fullDescription]) {
    if (text === undefined || text.includes('\n')) continue;
    const name = text
      .trim()
      .replace(SNYK_SEVERITY_PREFIX, '')
      .replace(/ vulnerability in \S+$/, '')
      .replace(/(?<!\.)\.$/, '');
    if (name === '' || name.length > MAX_TITLE_WHAT || name.includes(advisory) || /package/i.test(name))
      continue;
    return name;
  }
  return undefined;
}

/** A Markdown heading that introduces advice in rule help (CodeQL `## Recommendation`, Snyk `# Remediation`). */
const ADVICE_HEADING = /^(?:remediation|recommendations?|how to fix|fix|fixes|solution|mitigations?)$/i;

const flat = (value: string) => plainMarkdown(value).replace(/\s+/g, ' ').trim().toLowerCase();

/** The per-rule part of {@link adviceFromHelp}: the advice section, or the plain help text to compare. */
interface HelpAdvice {
  section?: string;
  text?: string;
  flatText?: string;
}

const HELP_ADVICE = new WeakMap<RuleInfo, HelpAdvice>();

function helpAdviceOf(helpText: string, what: string): HelpAdvice {
  const section = markdownSection(helpText, ADVICE_HEADING);
  if (section !== undefined) return { section };
  if (/^\s*#{1,6}\s/m.test(helpText)) return {};
  // Semgrep appends an advertisement line to every help text.
  const text = plainMarkdown(
    helpText.replace(/^.*(?:sg\.run\/pro|Enable cross-file analysis).*$/gm, ''),
  ).trim();
  if (text === '') return {};
  // Checkov's help repeats the check name and the resource (`Ensure …\nResource: aws_s3_bucket.x`): no advice.
  if (flat(firstLine(text).replace(/^["']+/, '')).startsWith(flat(what))) return {};
  return { text, flatText: flat(text) };
}

/**
 * Remediation text of a code finding from its rule help: the advice section when the help has one, else the help
 * itself when it says something the description does not already say. Never a whole help page: a help text with
 * headings but no advice section gives nothing (the rule URL remains). The rule's part is worked out once per rule.
 */
export function adviceFromHelp(
  rule: RuleInfo | undefined,
  helpText: string | undefined,
  description: string,
  what: string,
): string | undefined {
  if (helpText === undefined) return undefined;
  let advice = rule === undefined ? undefined : HELP_ADVICE.get(rule);
  if (advice === undefined) {
    advice = helpAdviceOf(helpText, what);
    if (rule !== undefined) HELP_ADVICE.set(rule, advice);
  }
  if (advice.section !== undefined) return advice.section;
  if (advice.text === undefined || flat(description).includes(advice.flatText!)) return undefined;
  return advice.text;
}

/** `Guideline: https://…` in a rule help (Checkov 2 writes its documentation link there, with no `helpUri`). */
export function guidelineUrl(helpText: string | undefined): string | undefined {
  return /^\s*Guideline\s*:\s*(https?:\/\/[^\s"]+)/im.exec(helpText ?? '')?.[1];
}

/** `Link: [CVE-…](https://…)` or `Link: https://…` lines of a rule help (Trivy, Grype, Anchore). */
export function helpLinks(helpText: string | undefined): string[] {
  if (helpText === undefined || !/link\s*:/i.test(helpText)) return [];
  const links: string[] = [];
  for (const match of helpText.matchAll(/^\s*Link\s*:\s*(?:\[[^\]]*\]\()?(https?:\/\/[^)\s]+)/gim))
    links.push(match[1]!);
  return links;
}

/**
 * True when a URL is the scanner's homepage rather than a page about the finding: the driver's
 * `informationUri`, a site root, or a bare `github.com/<owner>/<repo>` (Grype writes its repository as every
 * rule's `helpUri`).
 */
export function isToolHomepage(url: string, run: RunContext): boolean {
  const normal = (text: string) => text.trim().replace(/\/+$/, '').toLowerCase();
  const information = run.tool.driver.informationUri;
  if (information !== undefined && normal(information) === normal(url)) return true;
  return (
    /^https?:\/\/[^/]+\/?$/i.test(url) ||
    /^https?:\/\/(?:www\.)?github\.com\/(?!advisories\/)[^/]+\/[^/]+\/?$/i.test(url)
  );
}

/** The canonical advisory page of a vulnerability id, for tools that link none. */
export function advisoryPage(id: string): string | undefined {
  if (/^CVE-\d{4}-\d+$/.test(id)) return `https://nvd.nist.gov/vuln/detail/${id}`;
  if (/^GHSA(?:-[a-z0-9]{4}){3}$/.test(id)) return `https://github.com/advisories/${id}`;
  if (/^SNYK-[A-Z0-9-]+$/.test(id)) return `https://security.snyk.io/vuln/${id}`;
  return undefined;
}

/**
 * A `Container` resource for a run's scanned image, laid out as the Trivy JSON adapter lays out the same scan (one
 * scan, one mapping): `Id` and `Name` what was scanned (an image or a `--input` tarball), `ImageName` the image's
 * first tag (`repoTags`) or else its name, `ImageId` the image id; the digest (first `repoDigests` entry) in
 * `Details.Other`, which has no ASFF field for it.
 */
export function imageResource(image: ImageInfo & { name: string }): Resource {
  const digest = image.digests
    .map((reference) => /@(sha256:[a-f0-9]{64})$/.exec(reference)?.[1])
    .find(Boolean);
  const tagged = image.tags[0] ?? image.name;
  // Security Hub refuses a longer ImageName (aquasecurity/trivy#1896): keep the end, where the tag is.
  const imageName = tagged.length <= 128 ? tagged : `…${tagged.slice(-127)}`;
  const container: Record<string, string> = { Name: clip(image.name, 1024), ImageName: imageName };
  if (image.id !== undefined) container.ImageId = image.id;
  const other: Record<string, string> = {};
  if (digest !== undefined) other.ImageDigest = digest;
  return {
    Type: 'Container',
    Id: clip(image.name, 512),
    Details:
      Object.keys(other).length > 0 ? { Container: container, Other: other } : { Container: container },
  };
}

/** What a console row shows of a finding: its title and its resources. */
function shownKey(finding: Finding): string[] {
  return [finding.title, ...finding.resources.map((resource) => `${resource.Type}\u0000${resource.Id}`)];
}

/**
 * Makes a finding tellable from the earlier findings of the log that show the same title and resource: the same
 * rule twice on one line with different messages (CodeQL), two rules with one name on one line (Semgrep rules
 * named after their CWE), or a result the scanner wrote twice (Snyk IaC). The later finding's title gets the
 * first sentence of its message when that says something the title does not, else its rule id, and
 * `(occurrence n)` when that is still not enough; a repeated result (`repeated`, its occurrence number) gets
 * `(occurrence n)` directly. `shown` holds a 53-bit hash per distinct title + resources
 * (see {@link DuplicateCounter}); the first finding of a kind keeps its plain title, so which one gets the detail
 * follows the order of the results.
 */
export function distinguish(finding: Finding, shown: DuplicateCounter, repeated: number | undefined): void {
  if (shown.seen(shownKey(finding)) === 0) return;
  const base = finding.title;
  const message = shortText(finding.description);
  const rule = finding.ruleId.slice(finding.ruleId.lastIndexOf('/') + 1);
  const ruleTail = rule.slice(rule.lastIndexOf('.') + 1);
  const detail = !base.toLowerCase().includes(message.toLowerCase()) ? message : ruleTail;
  // A result the scanner wrote twice (same identity) is said to be a repeat; others get what sets them apart.
  finding.title =
    repeated !== undefined ? `${base} (occurrence ${repeated})` : `${base} — ${clip(detail, MAX_TITLE_WHAT)}`;
  for (let occurrence = 2; shown.seen(shownKey(finding)) > 0; occurrence += 1)
    finding.title = `${base} (occurrence ${occurrence})`;
}
