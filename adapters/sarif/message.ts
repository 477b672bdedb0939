import type { ComponentInfo, RuleInfo } from './rules.js';
import { asArray, asObject, asText } from './values.js';

/**
 * Fills `{n}` placeholders from `args` (SARIF §3.11.5): `{{` and `}}` stand for literal braces, and a placeholder
 * without an argument stays as written so nothing is silently lost.
 */
export function formatMessage(template: string, args: readonly string[]): string {
  return template.replace(/\{\{|\}\}|\{(\d+)\}/g, (match, index: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    return args[Number(index)] ?? match;
  });
}

/**
 * Turns SARIF embedded links (§3.11.6) into plain text: `[value](1)` (a link to a related location) becomes
 * `value`, `[docs](https://…)` becomes `docs (https://…)`, and `\[` / `\]` escapes become brackets.
 */
export function plainLinks(text: string): string {
  let linked = text;
  // Replacement patterns instead of a callback: links to related locations (`(1)`) first, then URIs.
  if (linked.includes('](')) linked = linked.replace(/\[((?:\\[\\[\]]|[^\]\\])*)\]\((\d+)\)/g, '$1');
  if (linked.includes('](')) linked = linked.replace(/\[((?:\\[\\[\]]|[^\]\\])*)\]\(([^)\s]+)\)/g, '$1 ($2)');
  return linked.includes('\\') ? unescapeBrackets(linked) : linked;
}

function unescapeBrackets(text: string): string {
  return text.replace(/\\([[\]\\])/g, '$1');
}

/** A resolved message, or why it could not be resolved. */
export interface ResolvedMessage {
  text?: string;
  /** Set when `message.id` names a string that neither the rule nor the tool defines. */
  missingId?: string;
}

/**
 * Resolves a result's `message` (SARIF §3.11): `text` (placeholders filled when `arguments` are given), else
 * `markdown`, else `id` looked up in the rule's `messageStrings`, then the rule component's
 * `globalMessageStrings`, then the driver's, filled with `arguments`.
 */
export function resolveMessage(
  message: unknown,
  rule: RuleInfo | undefined,
  component: ComponentInfo | undefined,
  driver: ComponentInfo,
): ResolvedMessage {
  const object = asObject(message);
  if (object === undefined) return {};
  const args = asArray(object.arguments).map((argument) =>
    typeof argument === 'string' ? argument : JSON.stringify(argument),
  );
  const text = asText(object.text);
  if (text !== undefined) return { text: plainLinks(args.length > 0 ? formatMessage(text, args) : text) };
  const markdown = asText(object.markdown);
  if (markdown !== undefined)
    return { text: plainLinks(args.length > 0 ? formatMessage(markdown, args) : markdown) };
  const id = asText(object.id);
  if (id === undefined) return {};
  const template =
    rule?.messageStrings[id] ?? component?.globalMessageStrings[id] ?? driver.globalMessageStrings[id];
  if (template === undefined) return { missingId: id };
  return { text: plainLinks(formatMessage(template, args)) };
}

/** Collapses runs of whitespace and trims: the form of a message used in identities. */
export function normalizeMessage(text: string): string {
  // Most messages are already normal (single spaces, no padding): check before rebuilding the string.
  const padded = text.length > 0 && (/\s/.test(text[0]!) || /\s/.test(text[text.length - 1]!));
  return padded || /\s\s|[^\S ]/.test(text) ? text.replace(/\s+/g, ' ').trim() : text;
}

/** The first non-blank line of a text, trimmed. */
export function firstLine(text: string): string {
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.slice(start, end).trim();
    if (line !== '') return line;
    start = end + 1;
  }
  return '';
}
