import type { SaxesParser, SaxesTagPlain } from 'saxes';
import { ConverterError, type ErrorCode } from '../errors.js';
import {
  cutAt,
  declaresEntities,
  oversizedStructure,
  type SaxesBuffers,
  saxesBuffers,
  sizeWords,
} from './saxes-internals.js';
import { createSaxesParser } from './saxes-text.js';

/** One element read by {@link xmlElements}: its attributes, its text and its child elements. */
export interface XmlElement {
  /** The element's name as written, prefix included (e.g. `ReportItem`, `xs:element`). */
  name: string;
  /** Its attributes by name as written, entity references decoded; `{}` when it has none. */
  attributes: Readonly<Record<string, string>>;
  /** The element's own text (CDATA included), child elements' text excluded; untrimmed. */
  text: string;
  /** Its child elements in document order, each read whole; empty for a leaf element. */
  children: readonly XmlElement[];
}

/** An element's ancestor: its name and attributes (children and text are not kept). */
export interface XmlAncestor {
  /** The ancestor's element name as written, prefix included. */
  name: string;
  /** Its attributes by name as written, entity references decoded; `{}` when it has none. */
  attributes: Readonly<Record<string, string>>;
}

/** A matched element of {@link xmlElements}, with where it is. */
export interface XmlRecord {
  /** The matched element, with its attributes, text and descendants. */
  element: XmlElement;
  /** The open elements around it, root first (e.g. `<site name=…>` around a ZAP `<alertitem>`). */
  ancestors: readonly XmlAncestor[];
  /** 1-based line of its start tag. */
  line: number;
  /** 0-based index among the matched elements. */
  index: number;
}

/** Bounds that refuse hostile XML (`E_UNSAFE`) instead of filling memory. */
export interface XmlLimits {
  /** Characters of text in one matched element and everything inside it. @defaultValue 4 MiB */
  maxRecordChars: number;
  /** Elements inside one matched element. @defaultValue 100000 */
  maxRecordElements: number;
  /** Element nesting depth anywhere. @defaultValue 256 */
  maxDepth: number;
  /** Characters of one pending token saxes accumulates (a comment, CDATA section, attribute value). @defaultValue 1 MiB */
  maxTokenChars: number;
  /** Characters of one element, attribute or entity name. @defaultValue 64 KiB */
  maxNameChars: number;
  /** Attributes on one element. @defaultValue 256 */
  maxAttributes: number;
}

/** Options of {@link xmlElements}. */
export interface XmlElementsOptions {
  /** Which elements are records: an element name, or a test of the name and the names of its ancestors. */
  element: string | ((name: string, ancestors: readonly string[]) => boolean);
  /** Adapter name put into errors; `convert` puts your adapter's name into an error without one. */
  adapter?: string;
  /** Bounds to change; each one not given keeps its default (see {@link XmlLimits}). */
  limits?: Partial<XmlLimits>;
}

const DEFAULT_LIMITS: XmlLimits = {
  maxRecordChars: 4 * 1_048_576,
  maxRecordElements: 100_000,
  maxDepth: 256,
  maxTokenChars: 1_048_576,
  maxNameChars: 65_536,
  maxAttributes: 256,
};

/** Bytes decoded into one string piece for the parser; the buffer guard runs after each piece. */
const PIECE_BYTES = 65_536;

interface Building {
  name: string;
  attributes: Record<string, string>;
  text: string;
  children: XmlElement[];
}

/**
 * Streams the elements of an XML document that match `options.element`, each as a small tree, through saxes.
 * Elements outside matches are walked without collecting their text: memory is bounded by one matched element plus
 * one piece of input. Hostile XML is refused safely: a DOCTYPE that declares entities (billion laughs, external
 * entities), nesting, names, attribute lists, tokens and records beyond {@link XmlLimits} (`E_UNSAFE`); external
 * DTDs are never fetched. Broken XML is `E_PARSE`, a cut-off document `E_TRUNCATED`, each with line and column.
 *
 * @example
 * ```ts
 * for await (const { element, ancestors } of xmlElements(input, { element: 'testcase' })) {
 *   const failure = element.children.find((c) => c.name === 'failure');
 *   if (failure) console.log(ancestors.at(-1)?.attributes.name, element.attributes.name, failure.text);
 * }
 * ```
 */
export async function* xmlElements(
  input: AsyncIterable<Uint8Array>,
  options: XmlElementsOptions,
): AsyncGenerator<XmlRecord> {
  const reader = new ElementReader(options);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of input) {
    for (let offset = 0; offset < chunk.length; offset += PIECE_BYTES) {
      const piece = chunk.length <= PIECE_BYTES ? chunk : chunk.subarray(offset, offset + PIECE_BYTES);
      reader.write(decoder.decode(piece, { stream: true }));
      yield* reader.take();
    }
  }
  reader.write(decoder.decode());
  reader.end();
  yield* reader.take();
}

class ElementReader {
  private readonly parser: SaxesParser = createSaxesParser();
  private readonly buffers: SaxesBuffers;
  private readonly limits: XmlLimits;
  private readonly isRecord: (name: string, ancestors: readonly string[]) => boolean;
  private readonly adapter: string | undefined;
  /** Every open element outside a record (name and attributes). */
  private readonly open: XmlAncestor[] = [];
  private readonly openNames: string[] = [];
  /** The record being read, innermost element last; empty outside records. */
  private readonly building: Building[] = [];
  private recordLine = 0;
  private recordChars = 0;
  private recordElements = 0;
  private count = 0;
  private rootSeen = false;
  private ready: XmlRecord[] = [];

  constructor(options: XmlElementsOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    const wanted = options.element;
    this.isRecord = typeof wanted === 'string' ? (name) => name === wanted : wanted;
    this.adapter = options.adapter;
    this.buffers = saxesBuffers(this.parser);
    this.parser.on('opentag', (tag) => this.openTag(tag));
    this.parser.on('closetag', () => this.closeTag());
    this.parser.on('text', (text) => this.append(text));
    this.parser.on('cdata', (text) => this.append(text));
    this.parser.on('doctype', (text) => {
      if (declaresEntities(text))
        throw this.error(
          'E_UNSAFE',
          'the DOCTYPE declares entities; entity expansion and external entities are refused',
        );
    });
    this.parser.on('error', (error) => {
      throw this.syntaxError(error);
    });
  }

  write(text: string): void {
    this.parser.write(text);
    this.guardBuffers();
  }

  end(): void {
    if (!this.rootSeen) throw this.error('E_FORMAT', 'the input has no XML element');
    const depth = this.open.length + this.building.length;
    if (depth > 0) {
      const inside = this.building.at(-1)?.name ?? this.open.at(-1)?.name ?? '?';
      throw this.error(
        'E_TRUNCATED',
        `the input ends inside <${cutAt(inside, 64)}> (${depth} element(s) left open)`,
      );
    }
    this.parser.close();
  }

  take(): XmlRecord[] {
    const ready = this.ready;
    this.ready = [];
    return ready;
  }

  private openTag(tag: SaxesTagPlain): void {
    this.rootSeen = true;
    if (this.open.length + this.building.length >= this.limits.maxDepth)
      throw this.error('E_UNSAFE', `elements are nested deeper than ${this.limits.maxDepth} levels`);
    const node: Building = { name: tag.name, attributes: tag.attributes, text: '', children: [] };
    if (this.building.length > 0) {
      this.recordElements += 1;
      if (this.recordElements > this.limits.maxRecordElements)
        throw this.error('E_UNSAFE', `an element holds more than ${this.limits.maxRecordElements} elements`);
      this.building.push(node);
      return;
    }
    if (this.isRecord(tag.name, this.openNames)) {
      this.recordLine = this.parser.line;
      this.recordChars = 0;
      this.recordElements = 0;
      this.building.push(node);
      return;
    }
    this.open.push({ name: tag.name, attributes: tag.attributes });
    this.openNames.push(tag.name);
  }

  private closeTag(): void {
    const node = this.building.pop();
    if (node === undefined) {
      this.open.pop();
      this.openNames.pop();
      return;
    }
    const element: XmlElement = node;
    const parent = this.building.at(-1);
    if (parent !== undefined) {
      parent.children.push(element);
      return;
    }
    this.ready.push({ element, ancestors: [...this.open], line: this.recordLine, index: this.count++ });
  }

  private append(text: string): void {
    const node = this.building.at(-1);
    if (node === undefined) return;
    this.recordChars += text.length;
    if (this.recordChars > this.limits.maxRecordChars)
      throw this.error(
        'E_UNSAFE',
        `<${cutAt(node.name, 64)}> holds more than ${sizeWords(this.limits.maxRecordChars)} of text`,
      );
    node.text += text;
  }

  private guardBuffers(): void {
    const { buffers, limits } = this;
    if (buffers.text.length > limits.maxTokenChars) {
      if (this.building.length === 0 || buffers.text.length + this.recordChars > limits.maxRecordChars)
        throw this.error(
          'E_UNSAFE',
          `a text node, comment, CDATA section or attribute value is longer than ${sizeWords(limits.maxTokenChars)}`,
        );
    }
    const problem = oversizedStructure(buffers, limits);
    if (problem !== undefined) throw this.error('E_UNSAFE', problem);
  }

  private syntaxError(error: Error): ConverterError {
    const message = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    if (/^unexpected end$/.test(message))
      return this.error('E_TRUNCATED', 'the input ends inside an XML construct');
    // Text before any element is not XML at all (a JSON or CSV file given to an XML adapter): "not this format", as
    // jsonRecords and the Nessus reader say. No position: saxes notices stray text only at the end of a piece, so
    // its position depends on the chunking.
    if (!this.rootSeen && /text data outside of root node/.test(message))
      return new ConverterError('E_FORMAT', 'the input is not XML (text before the first element)', {
        cause: error,
        ...(this.adapter === undefined ? {} : { adapter: this.adapter }),
      });
    if (/undefined entity/.test(message))
      return this.error('E_PARSE', `XML is not well-formed: ${message} (DTD entities are never expanded)`);
    return this.error('E_PARSE', `XML is not well-formed: ${message}`);
  }

  private error(code: ErrorCode, message: string): ConverterError {
    return new ConverterError(code, message, {
      line: this.parser.line,
      column: this.parser.column + 1,
      ...(this.adapter === undefined ? {} : { adapter: this.adapter }),
    });
  }
}
