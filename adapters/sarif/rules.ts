import {
  asArray,
  asIndex,
  asObject,
  asText,
  isObject,
  type JsonObject,
  multiformatText,
  stringArray,
} from './values.js';

/** A reference from a rule to a taxon (`reportingDescriptorRelationship.target`), e.g. a CWE entry. */
export interface TaxonReference {
  id?: string;
  guid?: string;
  index?: number;
  /** Name, guid or index of the taxonomy the taxon belongs to. */
  componentName?: string;
  componentGuid?: string;
  componentIndex?: number;
}

/** The parts of a SARIF `reportingDescriptor` (rule) the mapping uses; everything else is dropped on arrival. */
export interface RuleInfo {
  id?: string;
  guid?: string;
  name?: string;
  shortDescription?: string;
  fullDescription?: string;
  helpText?: string;
  helpUri?: string;
  /** `messageStrings` by id, as plain text (markdown when there is no text). */
  messageStrings: Record<string, string>;
  defaultLevel?: string;
  /** The rule's property bag (kept whole: it is small for every tool we know and carries severity, tags, CWEs). */
  properties: JsonObject;
  tags: string[];
  relationships: TaxonReference[];
}

/** A `toolComponent` (driver or extension) with its rules indexed by position, id and guid. */
export interface ComponentInfo {
  name?: string;
  guid?: string;
  version?: string;
  fullName?: string;
  informationUri?: string;
  /** Rules by their index in `rules[]`; holes where a rule was not an object. */
  rules: (RuleInfo | undefined)[];
  ruleById: Map<string, RuleInfo>;
  ruleByGuid: Map<string, RuleInfo>;
  globalMessageStrings: Record<string, string>;
}

/** A run's `tool`: the driver and its extensions (CodeQL query packs, SpotBugs plugins …). */
export interface ToolInfo {
  driver: ComponentInfo;
  extensions: ComponentInfo[];
}

/** An empty tool component, filled field by field as the stream delivers it. */
export function createComponent(): ComponentInfo {
  return { rules: [], ruleById: new Map(), ruleByGuid: new Map(), globalMessageStrings: {} };
}

/** An empty tool (a run without a `tool` section gets this). */
export function createTool(): ToolInfo {
  return { driver: createComponent(), extensions: [] };
}

/** Reads a `messageStrings` / `globalMessageStrings` object into id → text. */
export function readMessageStrings(value: unknown): Record<string, string> {
  const strings: Record<string, string> = {};
  const object = asObject(value);
  if (object === undefined) return strings;
  for (const [id, entry] of Object.entries(object)) {
    const text = multiformatText(entry);
    if (text !== undefined) strings[id] = text;
  }
  return strings;
}

function readTaxonReference(value: unknown): TaxonReference | undefined {
  const target = asObject(value);
  if (target === undefined) return undefined;
  const component = asObject(target.toolComponent);
  const reference: TaxonReference = {};
  const id = asText(target.id);
  if (id !== undefined) reference.id = id;
  const guid = asText(target.guid);
  if (guid !== undefined) reference.guid = guid;
  const index = asIndex(target.index);
  if (index !== undefined) reference.index = index;
  if (component !== undefined) {
    const name = asText(component.name);
    if (name !== undefined) reference.componentName = name;
    const componentGuid = asText(component.guid);
    if (componentGuid !== undefined) reference.componentGuid = componentGuid;
    const componentIndex = asIndex(component.index);
    if (componentIndex !== undefined) reference.componentIndex = componentIndex;
  }
  return reference;
}

/** Reads the taxon references of a rule's `relationships` or a result's `taxa`. */
export function readTaxonReferences(value: unknown, nested: boolean): TaxonReference[] {
  const references: TaxonReference[] = [];
  for (const item of asArray(value)) {
    const reference = readTaxonReference(nested ? asObject(item)?.target : item);
    if (reference !== undefined) references.push(reference);
  }
  return references;
}

/** Keeps what the mapping needs from a raw `reportingDescriptor`; `undefined` when it is not an object. */
export function compactRule(raw: unknown): RuleInfo | undefined {
  if (!isObject(raw)) return undefined;
  const properties = asObject(raw.properties) ?? {};
  const rule: RuleInfo = {
    messageStrings: readMessageStrings(raw.messageStrings),
    properties,
    tags: stringArray(properties.tags),
    relationships: readTaxonReferences(raw.relationships, true),
  };
  const id = asText(raw.id);
  if (id !== undefined) rule.id = id;
  const guid = asText(raw.guid);
  if (guid !== undefined) rule.guid = guid;
  const name = asText(raw.name);
  if (name !== undefined) rule.name = name;
  const shortDescription = multiformatText(raw.shortDescription);
  if (shortDescription !== undefined) rule.shortDescription = shortDescription;
  const fullDescription = multiformatText(raw.fullDescription);
  if (fullDescription !== undefined) rule.fullDescription = fullDescription;
  const help = asObject(raw.help);
  const helpText = asText(help?.text) ?? asText(help?.markdown);
  if (helpText !== undefined) rule.helpText = helpText;
  const helpUri = asText(raw.helpUri);
  if (helpUri !== undefined) rule.helpUri = helpUri;
  const level = asText(asObject(raw.defaultConfiguration)?.level);
  if (level !== undefined) rule.defaultLevel = level;
  return rule;
}

/** Stores a rule at its position in the component's `rules[]` and indexes its id and guid (first wins). */
export function addRule(component: ComponentInfo, index: number, raw: unknown): void {
  const rule = compactRule(raw);
  component.rules[index] = rule;
  if (rule === undefined) return;
  if (rule.id !== undefined && !component.ruleById.has(rule.id)) component.ruleById.set(rule.id, rule);
  if (rule.guid !== undefined && !component.ruleByGuid.has(rule.guid))
    component.ruleByGuid.set(rule.guid, rule);
}

/** Copies one scalar field of a `toolComponent` (as streamed) into the component. */
export function setComponentField(component: ComponentInfo, key: string, value: unknown): void {
  switch (key) {
    case 'name':
      component.name = asText(value)?.trim();
      break;
    case 'guid':
      component.guid = asText(value);
      break;
    case 'version':
      component.version ??= asText(value);
      break;
    case 'semanticVersion':
      // semanticVersion is the more precise of the two when both are present.
      component.version = asText(value) ?? component.version;
      break;
    case 'fullName':
      component.fullName = asText(value);
      break;
    case 'informationUri':
      component.informationUri = asText(value);
      break;
    case 'globalMessageStrings':
      component.globalMessageStrings = readMessageStrings(value);
      break;
    case 'rules':
      asArray(value).forEach((raw, index) => {
        addRule(component, index, raw);
      });
      break;
  }
}

/** The fields of a `toolComponent` that {@link setComponentField} reads; everything else is skipped. */
export const COMPONENT_FIELDS: ReadonlySet<string> = new Set([
  'name',
  'guid',
  'version',
  'semanticVersion',
  'fullName',
  'informationUri',
  'globalMessageStrings',
]);

/** Builds a component from a whole parsed `toolComponent` object (used by tests and replays). */
export function componentFrom(raw: unknown): ComponentInfo {
  const component = createComponent();
  const object = asObject(raw);
  if (object === undefined) return component;
  for (const [key, value] of Object.entries(object)) setComponentField(component, key, value);
  return component;
}

/** Builds a {@link ToolInfo} from a whole parsed `tool` object. */
export function toolFrom(raw: unknown): ToolInfo {
  const object = asObject(raw);
  return {
    driver: componentFrom(object?.driver),
    extensions: asArray(object?.extensions).map(componentFrom),
  };
}

/** Outcome of resolving a result's rule. */
export interface RuleLookup {
  /** The rule definition, when one was found. */
  rule?: RuleInfo;
  /** The component the rule belongs to (the driver when unknown). */
  component: ComponentInfo;
  /** The result's rule id as written (`ruleId`, else `rule.id`, else the found rule's id). */
  ruleId?: string;
  /** Why no rule was found, for the `missing-rule` issue. */
  missing?: string;
}

function componentOf(tool: ToolInfo, reference: JsonObject | undefined): ComponentInfo | undefined {
  if (reference === undefined) return tool.driver;
  const index = asIndex(reference.index);
  if (index !== undefined) return tool.extensions[index];
  const guid = asText(reference.guid);
  const name = asText(reference.name)?.trim();
  const all = [tool.driver, ...tool.extensions];
  if (guid !== undefined) {
    const byGuid = all.find((component) => component.guid?.toLowerCase() === guid.toLowerCase());
    if (byGuid !== undefined) return byGuid;
  }
  if (name !== undefined) return all.find((component) => component.name === name);
  return tool.driver;
}

/** Looks an id up exactly, then by its hierarchical parents (`a/b/c` → `a/b` → `a`), SARIF §3.27.5. */
function byHierarchicalId(component: ComponentInfo, id: string): RuleInfo | undefined {
  let candidate = id;
  for (;;) {
    const rule = component.ruleById.get(candidate);
    if (rule !== undefined) return rule;
    const cut = candidate.lastIndexOf('/');
    if (cut <= 0) return undefined;
    candidate = candidate.slice(0, cut);
  }
}

/**
 * Finds a result's rule (SARIF §3.27.6–3.27.7, §3.52): the component named by `rule.toolComponent` (index into
 * `tool.extensions`, else guid, else name; the driver when absent), then `rule.index` or `ruleIndex`, then
 * `rule.guid`, then `rule.id` / `ruleId` exactly and by hierarchical parent. When the result names no component
 * and the driver has no such rule, the extensions are searched by id too (some writers omit `toolComponent`).
 * An index whose rule has a different id than the result states loses to the id.
 */
export function findRule(result: JsonObject, tool: ToolInfo): RuleLookup {
  const reference = asObject(result.rule);
  const componentReference = asObject(reference?.toolComponent);
  const component = componentOf(tool, componentReference);
  const statedId = asText(result.ruleId) ?? asText(reference?.id);
  if (component === undefined) {
    return {
      component: tool.driver,
      ...(statedId !== undefined && { ruleId: statedId }),
      missing: 'its rule.toolComponent names no tool component of the run',
    };
  }
  const found = (rule: RuleInfo | undefined): RuleLookup | undefined =>
    rule === undefined ? undefined : { rule, component, ruleId: statedId ?? rule.id ?? '' };

  const index = asIndex(reference?.index) ?? asIndex(result.ruleIndex);
  if (index !== undefined) {
    const rule = component.rules[index];
    const consistent =
      rule !== undefined &&
      (statedId === undefined ||
        rule.id === undefined ||
        statedId === rule.id ||
        statedId.startsWith(`${rule.id}/`));
    if (consistent) return found(rule)!;
  }
  const guid = asText(reference?.guid);
  const byGuid = guid === undefined ? undefined : found(component.ruleByGuid.get(guid));
  if (byGuid !== undefined) return byGuid;
  if (statedId !== undefined) {
    const byId = found(byHierarchicalId(component, statedId));
    if (byId !== undefined) return byId;
    if (componentReference === undefined) {
      for (const extension of tool.extensions) {
        const rule = byHierarchicalId(extension, statedId);
        if (rule !== undefined) return { rule, component: extension, ruleId: statedId };
      }
    }
  }
  const where = component.name !== undefined ? `tool component "${component.name}"` : 'the tool';
  return {
    component,
    ...(statedId !== undefined && { ruleId: statedId }),
    missing:
      statedId === undefined && index === undefined
        ? 'the result names no rule (no ruleId, ruleIndex or rule)'
        : `${where} defines no rule ${statedId !== undefined ? `"${statedId}"` : `at index ${index}`}`,
  };
}
