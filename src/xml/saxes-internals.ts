import type { SaxesParser } from 'saxes';

/**
 * The private buffers of saxes 6 that grow with a single token (text node, comment, CDATA, attribute value,
 * name, entity reference, attribute list). saxes has no option to bound them, so a reader checks their size after
 * every piece it writes and truncates or refuses. `saxes` is pinned to 6.0.0 in package.json; the hostile-XML tests
 * fail if these fields ever move.
 */
export interface SaxesBuffers {
  text: string;
  name: string;
  entity: string;
  piTarget: string;
  attribList: unknown[];
}

/** The parser's private buffers, checked to be where saxes 6.0.x keeps them. */
export function saxesBuffers(parser: SaxesParser): SaxesBuffers {
  const candidate = parser as unknown as Partial<SaxesBuffers>;
  if (
    typeof candidate.text !== 'string' ||
    typeof candidate.name !== 'string' ||
    typeof candidate.entity !== 'string' ||
    typeof candidate.piTarget !== 'string' ||
    !Array.isArray(candidate.attribList)
  ) {
    throw new Error('saxes internals changed: the XML readers need saxes 6.0.x to bound their buffers');
  }
  return candidate as SaxesBuffers;
}

/** Drops a trailing lone high surrogate left by cutting a string at an arbitrary index. */
export function cutAt(text: string, length: number): string {
  if (text.length <= length) return text;
  const end = length > 0 && /[\uD800-\uDBFF]/.test(text.charAt(length - 1)) ? length - 1 : length;
  return text.slice(0, end);
}

/** Formats a character count for messages (`1 MiB`, `64 KiB`, `512`). */
export function sizeWords(chars: number): string {
  if (chars % 1_048_576 === 0) return `${chars / 1_048_576} MiB`;
  if (chars % 1024 === 0) return `${chars / 1024} KiB`;
  return String(chars);
}

/** True when a DOCTYPE declares entities: expansion (billion laughs) and external entities are refused. */
export function declaresEntities(doctype: string): boolean {
  return /<!ENTITY/i.test(doctype);
}

/**
 * What is wrong with the names and attribute list saxes is accumulating, if anything: a name longer than
 * `maxNameChars` or more than `maxAttributes` attributes on one element (hostile XML; refused as `E_UNSAFE`).
 */
export function oversizedStructure(
  buffers: SaxesBuffers,
  limits: { maxNameChars: number; maxAttributes: number },
): string | undefined {
  if (
    buffers.name.length > limits.maxNameChars ||
    buffers.entity.length > limits.maxNameChars ||
    buffers.piTarget.length > limits.maxNameChars
  )
    return `an element, attribute or entity name is longer than ${sizeWords(limits.maxNameChars)}`;
  if (buffers.attribList.length > limits.maxAttributes)
    return `an element has more than ${limits.maxAttributes} attributes`;
  return undefined;
}
