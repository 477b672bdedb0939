import { MAX_CWES, MAX_VULNERABILITIES } from '../../src/asff/limits.js';
import { distinct } from '../../src/internal/distinct.js';
import type { RuleInfo, TaxonReference } from './rules.js';
import { asArray, asObject, asText, type JsonObject } from './values.js';

/** One taxon of a run taxonomy (a CWE entry, a KICS category …). */
export interface TaxonInfo {
  id?: string;
  name?: string;
  guid?: string;
}

/** A run taxonomy (`run.taxonomies[]`), reduced to what references need. */
export interface TaxonomyInfo {
  name?: string;
  guid?: string;
  taxa: (TaxonInfo | undefined)[];
}

/** Reads one taxon. */
export function readTaxon(value: unknown): TaxonInfo | undefined {
  const object = asObject(value);
  if (object === undefined) return undefined;
  const taxon: TaxonInfo = {};
  const id = asText(object.id);
  if (id !== undefined) taxon.id = id;
  const name = asText(object.name);
  if (name !== undefined) taxon.name = name;
  const guid = asText(object.guid);
  if (guid !== undefined) taxon.guid = guid;
  return taxon;
}

/** Reads a whole taxonomy object (tests; the stream builds it field by field). */
export function readTaxonomy(value: unknown): TaxonomyInfo {
  const object = asObject(value);
  const taxonomy: TaxonomyInfo = { taxa: asArray(object?.taxa).map(readTaxon) };
  const name = asText(object?.name);
  if (name !== undefined) taxonomy.name = name;
  const guid = asText(object?.guid);
  if (guid !== undefined) taxonomy.guid = guid;
  return taxonomy;
}

const CWE_IN_TEXT = /(?:^|[^a-z0-9])cwe[-_: ]?(\d{1,5})(?!\d)/gi;
const CVE_IN_TEXT = /(?<![A-Za-z0-9])CVE-\d{4}-\d{4,7}(?!\d)/gi;
const GHSA_IN_TEXT = /(?<![A-Za-z0-9])GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}(?![A-Za-z0-9])/gi;

function taxonomyOf(
  reference: TaxonReference,
  taxonomies: readonly TaxonomyInfo[],
): TaxonomyInfo | undefined {
  if (reference.componentIndex !== undefined) return taxonomies[reference.componentIndex];
  if (reference.componentGuid !== undefined) {
    const guid = reference.componentGuid.toLowerCase();
    const byGuid = taxonomies.find((taxonomy) => taxonomy.guid?.toLowerCase() === guid);
    if (byGuid !== undefined) return byGuid;
  }
  return reference.componentName === undefined
    ? undefined
    : taxonomies.find((taxonomy) => taxonomy.name === reference.componentName);
}

/** The id (and taxonomy name) a taxon reference points to, resolving indexes through the run taxonomies. */
function referencedTaxon(
  reference: TaxonReference,
  taxonomies: readonly TaxonomyInfo[],
): { id?: string; taxonomy?: string } {
  const taxonomy = taxonomyOf(reference, taxonomies);
  const fromTable = reference.index === undefined ? undefined : taxonomy?.taxa[reference.index];
  const id = reference.id ?? fromTable?.id;
  const name = reference.componentName ?? taxonomy?.name;
  return { ...(id !== undefined && { id }), ...(name !== undefined && { taxonomy: name }) };
}

function addCwe(cwes: Set<string>, text: string, bareNumbers: boolean): void {
  if (/cwe/i.test(text)) for (const match of text.matchAll(CWE_IN_TEXT)) cwes.add(`CWE-${Number(match[1])}`);
  if (bareNumbers)
    for (const match of text.matchAll(/(?:^|[^\d-])(\d{1,5})(?!\d)/g)) cwes.add(`CWE-${Number(match[1])}`);
}

function propertyStrings(properties: JsonObject | undefined, key: RegExp): string[] {
  const values: string[] = [];
  for (const name in properties) {
    if (!key.test(name)) continue;
    const value = properties[name];
    for (const item of Array.isArray(value) ? value : [value])
      if (typeof item === 'string' || typeof item === 'number') values.push(String(item));
  }
  return values;
}

function addTaxaCwes(
  cwes: Set<string>,
  references: readonly TaxonReference[],
  taxonomies: readonly TaxonomyInfo[],
) {
  for (const reference of references) {
    const { id, taxonomy } = referencedTaxon(reference, taxonomies);
    if (id !== undefined && taxonomy !== undefined && /cwe/i.test(taxonomy)) addCwe(cwes, id, true);
  }
}

/** Every CVE id in a text, upper-cased, in order of appearance. */
export function cvesInText(text: string | undefined): string[] {
  if (text === undefined || !/cve-/i.test(text)) return [];
  return [...text.matchAll(CVE_IN_TEXT)].map((match) => match[0].toUpperCase());
}

/** Every GitHub advisory id (`GHSA-xxxx-xxxx-xxxx`) in a text, in its canonical case. */
export function ghsasInText(text: string | undefined): string[] {
  if (text === undefined || !/ghsa-/i.test(text)) return [];
  return [...text.matchAll(GHSA_IN_TEXT)].map((match) => `GHSA${match[0].slice(4).toLowerCase()}`);
}

const KINDS = [
  { kind: 'CVE', find: cvesInText, key: /cve/i },
  { kind: 'GHSA', find: ghsasInText, key: /ghsa/i },
] as const;

/** What a rule says by itself, worked out once per rule (results of one rule share it). */
interface RuleFacts {
  /** The taxonomies table (and its size) the relationship-dependent parts were computed with. */
  taxonomies: readonly TaxonomyInfo[];
  taxonomyCount: number;
  cwes: string[];
  /** Per kind (CVE, GHSA): ids from the rule's id/name, properties/tags, relationships, descriptions. */
  ids: [string[], string[], string[], string[]][];
}

const RULE_FACTS = new WeakMap<RuleInfo, RuleFacts>();

function factsOf(rule: RuleInfo, taxonomies: readonly TaxonomyInfo[]): RuleFacts {
  const cached = RULE_FACTS.get(rule);
  if (cached !== undefined && cached.taxonomies === taxonomies && cached.taxonomyCount === taxonomies.length)
    return cached;
  const cwes = new Set<string>();
  for (const tag of rule.tags) addCwe(cwes, tag, false);
  for (const value of propertyStrings(rule.properties, /^cwes?$/i)) addCwe(cwes, value, true);
  addTaxaCwes(cwes, rule.relationships, taxonomies);
  const facts: RuleFacts = {
    taxonomies,
    taxonomyCount: taxonomies.length,
    cwes: [...cwes],
    ids: KINDS.map(({ find, key }) => [
      [rule.id, rule.name].flatMap(find),
      [...propertyStrings(rule.properties, key), ...rule.tags].flatMap(find),
      rule.relationships.flatMap((reference) => find(referencedTaxon(reference, taxonomies).id)),
      [rule.shortDescription, rule.fullDescription].flatMap(find),
    ]),
  };
  RULE_FACTS.set(rule, facts);
  return facts;
}

function hasCweProperty(properties: JsonObject): boolean {
  for (const name in properties) if (/^cwes?$/i.test(name)) return true;
  return false;
}

/**
 * CWE ids of a result, as `CWE-<n>`: rule tags (`external/cwe/cwe-79`, `CWE-79`, `CWE-798: …`), `cwe`/`cwes`
 * properties of the rule and the result, and rule relationships / result taxa that point into a taxonomy named
 * CWE (`798` or `CWE-798`). At most {@link MAX_CWES}.
 */
export function cwesOf(
  rule: RuleInfo | undefined,
  result: JsonObject,
  resultTaxa: readonly TaxonReference[],
  taxonomies: readonly TaxonomyInfo[],
): string[] {
  const fromRule = rule === undefined ? [] : factsOf(rule, taxonomies).cwes;
  const properties = asObject(result.properties);
  if (resultTaxa.length === 0 && (properties === undefined || !hasCweProperty(properties)))
    return fromRule.slice(0, MAX_CWES);
  const cwes = new Set<string>(fromRule);
  if (properties !== undefined)
    for (const value of propertyStrings(properties, /^cwes?$/i)) addCwe(cwes, value, true);
  addTaxaCwes(cwes, resultTaxa, taxonomies);
  return [...cwes].slice(0, MAX_CWES);
}

/** The vulnerability ids of a result: CVE ids, else GitHub advisory ids (Grype and Trivy report both). */
export interface VulnerabilityIds {
  kind: 'CVE' | 'GHSA';
  ids: string[];
}

/**
 * Vulnerability ids of a result. For CVE ids, and failing that GHSA ids, the first source that names any wins:
 * rule ids and names; then `cve*`/`ghsa*` properties and tags of the result and rule; then taxa and
 * relationships; then the message and the rule's descriptions (Snyk writes the CVE only in `fullDescription`).
 * At most {@link MAX_VULNERABILITIES}. `undefined` when there is none. The rule's own parts are worked out once
 * per rule.
 */
export function vulnerabilityIdsOf(
  ruleId: string | undefined,
  rule: RuleInfo | undefined,
  result: JsonObject,
  resultTaxa: readonly TaxonReference[],
  taxonomies: readonly TaxonomyInfo[],
  message: string | undefined,
): VulnerabilityIds | undefined {
  const resultProperties = asObject(result.properties);
  const facts = rule === undefined ? undefined : factsOf(rule, taxonomies);
  for (let index = 0; index < KINDS.length; index += 1) {
    const { kind, find, key } = KINDS[index]!;
    const fromRule = facts?.ids[index];
    for (let tier = 0; tier < 4; tier += 1) {
      let found: string[];
      if (tier === 0) found = find(ruleId);
      else if (tier === 1)
        found = resultProperties === undefined ? [] : propertyStrings(resultProperties, key).flatMap(find);
      else if (tier === 2)
        found =
          resultTaxa.length === 0
            ? []
            : resultTaxa.flatMap((reference) => find(referencedTaxon(reference, taxonomies).id));
      else found = find(message);
      const ruleIds = fromRule?.[tier];
      if (ruleIds !== undefined && ruleIds.length > 0) found = [...found, ...ruleIds];
      if (found.length > 0) return { kind, ids: distinct(found).slice(0, MAX_VULNERABILITIES) };
    }
  }
  return undefined;
}
