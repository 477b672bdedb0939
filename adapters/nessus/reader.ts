import type { SaxesParser, SaxesTagPlain } from 'saxes';
import type { Issue } from '../../src/adapter.js';
import { ConverterError } from '../../src/errors.js';
import {
  cutAt,
  declaresEntities,
  oversizedStructure,
  type SaxesBuffers,
  saxesBuffers,
  sizeWords,
} from '../../src/xml/saxes-internals.js';
import { createSaxesParser } from '../../src/xml/saxes-text.js';
import { isWantedHostTag, wantedItemFieldName } from './fields.js';
import { NESSUS_LIMITS, type NessusReaderLimits } from './limits.js';
import { tidy } from './text.js';

const ADAPTER = 'nessus';

/** Attributes of the `<Report>` element. */
export interface ReportInfo {
  /** `Report@name`: the scan name. */
  name?: string;
  /** `Report@type`: `was` for Tenable Web App Scanning exports. */
  type?: string;
}

/** One `<ReportHost>`, as far as the mapping needs it. */
export interface HostRecord {
  /** `ReportHost@name`: an IP, a host name, or a URL (Tenable WAS). */
  readonly name: string;
  /** The `HostProperties` tags the mapping reads (see {@link isWantedHostTag}), by tag name, as written. */
  readonly properties: ReadonlyMap<string, string>;
  /** 0-based position of the host in the file. */
  readonly index: number;
  readonly report: Readonly<ReportInfo>;
}

/** One `<ReportItem>`: its attributes and the text of its child elements. */
export interface ItemRecord {
  /** `port`, `svc_name`, `protocol`, `severity`, `pluginID`, `pluginName`, `pluginFamily` … as written. */
  readonly attributes: Readonly<Record<string, string>>;
  /**
   * Child element name → its texts in document order (`<cve>`, `<xref>` … repeat), trimmed, with CR LF and lone
   * CR turned into LF (Nessus writes `&#xd;`); blank texts are dropped. Only {@link isWantedItemField} names.
   */
  readonly fields: ReadonlyMap<string, readonly string[]>;
  /** 0-based position of the item among all `ReportItem`s of the file. */
  readonly index: number;
  /** 1-based line of the `<ReportItem>` start tag. */
  readonly line: number;
}

/** Where the reader delivers what it reads. */
export interface ReaderSink {
  /** A complete `ReportItem`, with its host's properties known (or known to be absent). */
  item(host: HostRecord, item: ItemRecord): void;
  /** A record-level problem. */
  issue(issue: Issue): void;
  /**
   * Asked at each `<ReportItem>` start tag; return `false` to skip the item without reading its children
   * (the sink reports the skip itself).
   */
  wants(attributes: Readonly<Record<string, string>>, index: number, line: number): boolean;
}

/** What an open element means to the reader (one entry per open element). */
const NODE = {
  ignored: 0,
  root: 1,
  report: 2,
  host: 3,
  hostProperties: 4,
  hostTag: 5,
  item: 6,
  itemField: 7,
  /** An element nested inside a captured field: its text joins the field's text. */
  insideField: 8,
} as const;
type Node = (typeof NODE)[keyof typeof NODE];

/** The text of the element being captured. */
interface Capture {
  node: Node;
  /** Element name (`plugin_output`) or host tag name (`host-ip`). */
  name: string;
  text: string;
  /** Characters this capture may still take. */
  room: number;
  truncated: boolean;
}

interface HostState {
  name: string;
  properties: Map<string, string>;
  index: number;
  /** `HostProperties` read (or given up on): items go straight to the sink. */
  settled: boolean;
  /** Items waiting for `HostProperties`. */
  pending: ItemRecord[];
  pendingChars: number;
  droppedProperties: number;
}

interface ItemState {
  attributes: Record<string, string>;
  fields: Map<string, string[]>;
  index: number;
  line: number;
  chars: number;
  values: number;
  droppedValues: number;
}

/**
 * Streams a `.nessus` (NessusClientData_v2) document through saxes and hands each `ReportItem` to a sink
 * together with its host, one host at a time: only the current host's properties and the current item are held.
 * `Policy` and every element the mapping does not read are walked without collecting their text.
 *
 * Feed it with {@link NessusReader.write} (strings of any length, split anywhere) and finish with
 * {@link NessusReader.end}. Problems with the whole input are thrown as `ConverterError`.
 */
export class NessusReader {
  private readonly parser: SaxesParser;
  private readonly buffers: SaxesBuffers;
  private readonly nodes: Node[] = [];
  private readonly names: string[] = [];
  private rootSeen = false;
  private sawContent = false;
  private report: ReportInfo = {};
  private host: HostState | undefined;
  private item: ItemState | undefined;
  private capture: Capture | undefined;
  private itemCount = 0;
  private hostCount = 0;
  private readonly onText = (text: string): void => this.append(text);
  private readonly sink: ReaderSink;
  private readonly limits: NessusReaderLimits;

  constructor(sink: ReaderSink, limits: NessusReaderLimits = NESSUS_LIMITS) {
    this.sink = sink;
    this.limits = limits;
    this.parser = createSaxesParser();
    this.buffers = saxesBuffers(this.parser);
    this.parser.on('opentag', (tag) => this.openTag(tag));
    this.parser.on('closetag', () => this.closeTag());
    this.parser.on('cdata', (text) => this.append(text));
    this.parser.on('doctype', (text) => this.doctype(text));
    this.parser.on('error', (error) => {
      throw this.syntaxError(error);
    });
  }

  /** Parses the next piece of the document. Items completed by it are delivered before it returns. */
  write(text: string): void {
    if (!this.rootSeen && !this.sawContent && /\S/.test(text)) this.sawContent = true;
    this.parser.write(text);
    this.guardBuffers();
  }

  /** Ends the document: throws `E_TRUNCATED` when it stopped before its root element closed. */
  end(): void {
    if (!this.rootSeen) {
      if (!this.sawContent) throw new ConverterError('E_FORMAT', 'the input is empty', { adapter: ADAPTER });
      throw this.error('E_TRUNCATED', 'the input ends before its root element <NessusClientData_v2>');
    }
    if (this.nodes.length > 0) {
      // Items already complete but waiting for HostProperties are delivered: they were read in full.
      if (this.host !== undefined) this.settle(this.host);
      const inside = this.names[this.names.length - 1] ?? 'NessusClientData_v2';
      throw this.error(
        'E_TRUNCATED',
        `the input ends inside <${inside}> (${this.nodes.length} element(s) left open); findings read before that point were kept`,
      );
    }
    this.parser.close();
  }

  private openTag(tag: SaxesTagPlain): void {
    const depth = this.nodes.length;
    if (depth >= this.limits.maxDepth) {
      throw this.error('E_UNSAFE', `elements are nested deeper than ${this.limits.maxDepth} levels`);
    }
    const node =
      depth === 0 ? this.openRoot(tag) : this.childNode(this.nodes[depth - 1] ?? NODE.ignored, tag);
    this.nodes.push(node);
    this.names.push(tag.name);
  }

  private openRoot(tag: SaxesTagPlain): Node {
    this.rootSeen = true;
    if (tag.name === 'NessusClientData_v2') return NODE.root;
    if (tag.name === 'NessusClientData') {
      throw this.error(
        'E_FORMAT',
        'this is a Nessus v1 export (<NessusClientData>), which is not supported; export the scan again as .nessus (v2)',
      );
    }
    throw this.error(
      'E_FORMAT',
      `the root element is <${cutAt(tag.name, 64)}>, not <NessusClientData_v2>: this is not a .nessus v2 export`,
    );
  }

  private childNode(parent: Node, tag: SaxesTagPlain): Node {
    switch (parent) {
      case NODE.root:
        if (tag.name === 'Report') {
          this.report = { name: tag.attributes.name, type: tag.attributes.type };
          return NODE.report;
        }
        return NODE.ignored;
      case NODE.report:
        return tag.name === 'ReportHost' ? this.openHost(tag) : NODE.ignored;
      case NODE.host:
        if (tag.name === 'ReportItem') return this.openItem(tag);
        if (tag.name === 'HostProperties') return this.openHostProperties();
        return NODE.ignored;
      case NODE.hostProperties:
        return tag.name === 'tag' ? this.openHostTag(tag) : NODE.ignored;
      case NODE.item: {
        const name = this.item === undefined ? undefined : wantedItemFieldName(tag.name);
        if (this.item === undefined || name === undefined) return NODE.ignored;
        this.startCapture(NODE.itemField, name, this.limits.maxItemChars - this.item.chars);
        return NODE.itemField;
      }
      case NODE.itemField:
      case NODE.insideField:
      case NODE.hostTag:
        return this.capture === undefined ? NODE.ignored : NODE.insideField;
      default:
        return NODE.ignored;
    }
  }

  private openHost(tag: SaxesTagPlain): Node {
    this.host = {
      name: tag.attributes.name ?? '',
      properties: new Map(),
      index: this.hostCount++,
      settled: false,
      pending: [],
      pendingChars: 0,
      droppedProperties: 0,
    };
    return NODE.host;
  }

  private openHostProperties(): Node {
    const host = this.host;
    if (host === undefined) return NODE.ignored;
    if (host.settled) {
      this.sink.issue({
        code: 'host-properties-late',
        message: `HostProperties of host "${cutAt(host.name, 200)}" come after ${this.limits.maxPendingItems} of its items were already converted; they were ignored`,
        line: this.parser.line,
        recordIndex: host.index,
      });
      return NODE.ignored;
    }
    return NODE.hostProperties;
  }

  private openHostTag(tag: SaxesTagPlain): Node {
    const host = this.host;
    const name = tag.attributes.name;
    if (host === undefined || name === undefined || !isWantedHostTag(name)) return NODE.ignored;
    if (host.properties.size >= this.limits.maxHostProperties && !host.properties.has(name)) {
      host.droppedProperties++;
      return NODE.ignored;
    }
    this.startCapture(NODE.hostTag, name, this.limits.maxTextChars);
    return NODE.hostTag;
  }

  private openItem(tag: SaxesTagPlain): Node {
    const index = this.itemCount++;
    const line = this.parser.line;
    if (this.host === undefined || !this.sink.wants(tag.attributes, index, line)) return NODE.ignored;
    this.item = {
      attributes: tag.attributes,
      fields: new Map(),
      index,
      line,
      chars: 0,
      values: 0,
      droppedValues: 0,
    };
    return NODE.item;
  }

  private closeTag(): void {
    const node = this.nodes.pop();
    this.names.pop();
    switch (node) {
      case NODE.itemField:
        this.closeItemField();
        break;
      case NODE.hostTag:
        this.closeHostTag();
        break;
      case NODE.item:
        this.closeItem();
        break;
      case NODE.hostProperties:
        if (this.host !== undefined) this.settle(this.host);
        break;
      case NODE.host:
        this.closeHost();
        break;
      default:
        break;
    }
  }

  private closeItemField(): void {
    const capture = this.endCapture();
    const item = this.item;
    if (capture === undefined || item === undefined) return;
    if (capture.truncated) {
      this.sink.issue({
        code: 'text-truncated',
        message: `<${cutAt(capture.name, 64)}> of plugin ${item.attributes.pluginID ?? '?'} is longer than the reader keeps (${sizeWords(this.limits.maxTextChars)} per element, ${sizeWords(this.limits.maxItemChars)} per item); the rest was dropped`,
        line: item.line,
        recordIndex: item.index,
      });
    }
    item.chars += capture.text.length;
    const text = tidy(capture.text);
    if (text === undefined) return;
    const values = item.fields.get(capture.name);
    if (item.values >= this.limits.maxItemValues || (values?.length ?? 0) >= this.limits.maxValuesPerField) {
      item.droppedValues++;
      return;
    }
    if (values === undefined) item.fields.set(capture.name, [text]);
    else values.push(text);
    item.values++;
  }

  private closeHostTag(): void {
    const capture = this.endCapture();
    const host = this.host;
    if (capture === undefined || host === undefined) return;
    if (capture.truncated) {
      this.sink.issue({
        code: 'text-truncated',
        message: `host tag "${cutAt(capture.name, 64)}" of host "${cutAt(host.name, 200)}" is longer than ${sizeWords(this.limits.maxTextChars)}; the rest was dropped`,
        line: this.parser.line,
        recordIndex: host.index,
      });
    }
    host.properties.set(capture.name, capture.text);
  }

  private closeItem(): void {
    const item = this.item;
    const host = this.host;
    this.item = undefined;
    if (item === undefined || host === undefined) return;
    if (item.droppedValues > 0) {
      this.sink.issue({
        code: 'values-capped',
        message: `plugin ${item.attributes.pluginID ?? '?'} has more child values than the reader keeps (${this.limits.maxValuesPerField} per element name, ${this.limits.maxItemValues} per item); ${item.droppedValues} value(s) were dropped`,
        line: item.line,
        recordIndex: item.index,
      });
    }
    const record: ItemRecord = {
      attributes: item.attributes,
      fields: item.fields,
      index: item.index,
      line: item.line,
    };
    if (host.settled) {
      this.sink.item(this.hostRecord(host), record);
      return;
    }
    host.pending.push(record);
    host.pendingChars += item.chars;
    if (
      host.pending.length >= this.limits.maxPendingItems ||
      host.pendingChars >= this.limits.maxPendingChars
    ) {
      this.sink.issue({
        code: 'host-properties-late',
        message: `host "${cutAt(host.name, 200)}" has ${host.pending.length} items before its HostProperties; they were converted without host properties`,
        line: item.line,
        recordIndex: host.index,
      });
      this.settle(host);
    }
  }

  private closeHost(): void {
    const host = this.host;
    if (host === undefined) return;
    this.settle(host);
    if (host.droppedProperties > 0) {
      this.sink.issue({
        code: 'host-properties-capped',
        message: `host "${cutAt(host.name, 200)}" has more than ${this.limits.maxHostProperties} host tags the mapping reads; ${host.droppedProperties} were ignored`,
        line: this.parser.line,
        recordIndex: host.index,
      });
    }
    this.host = undefined;
  }

  /** Marks the host's properties as final and delivers the items that waited for them. */
  private settle(host: HostState): void {
    if (host.settled) return;
    host.settled = true;
    const pending = host.pending;
    host.pending = [];
    host.pendingChars = 0;
    const record = this.hostRecord(host);
    for (const item of pending) this.sink.item(record, item);
  }

  private hostRecord(host: HostState): HostRecord {
    return { name: host.name, properties: host.properties, index: host.index, report: this.report };
  }

  private startCapture(node: Node, name: string, room: number): void {
    this.capture = { node, name, text: '', room: Math.min(room, this.limits.maxTextChars), truncated: false };
    if (room <= 0) {
      this.capture.room = 0;
      this.capture.truncated = true;
      return;
    }
    this.parser.on('text', this.onText);
  }

  private endCapture(): Capture | undefined {
    const capture = this.capture;
    this.capture = undefined;
    this.parser.off('text');
    return capture;
  }

  /** Adds text (or CDATA) to the current capture, truncating at its room. */
  private append(text: string): void {
    const capture = this.capture;
    if (capture === undefined || capture.truncated) return;
    if (text.length <= capture.room) {
      capture.text += text;
      capture.room -= text.length;
      return;
    }
    capture.text += cutAt(text, capture.room);
    capture.room = 0;
    capture.truncated = true;
    // No more text for this element: saxes stops accumulating it when no text handler is set.
    this.parser.off('text');
  }

  private doctype(text: string): void {
    if (declaresEntities(text)) {
      throw this.error(
        'E_UNSAFE',
        'the DOCTYPE declares entities (<!ENTITY …>); entity expansion and external entities are refused',
      );
    }
    this.sink.issue({
      code: 'doctype-ignored',
      message: 'the DOCTYPE was ignored (external DTDs are never fetched)',
      line: this.parser.line,
    });
  }

  /**
   * Bounds saxes' own buffers: it accumulates a whole text node, comment, CDATA section or attribute value
   * before handing it over. Text of a captured element is truncated; anything else that large is refused.
   */
  private guardBuffers(): void {
    const buffers = this.buffers;
    const limits = this.limits;
    if (buffers.text.length > limits.maxTextChars) {
      if (!this.rootSeen) {
        throw this.error(
          'E_UNSAFE',
          `more than ${sizeWords(limits.maxTextChars)} of DOCTYPE, comment or processing-instruction text before the root element`,
        );
      }
      if (this.capture === undefined) {
        throw this.error(
          'E_UNSAFE',
          `an XML comment, CDATA section, processing instruction or attribute value is longer than ${sizeWords(limits.maxTextChars)}`,
        );
      }
      this.append(buffers.text);
      buffers.text = '';
    }
    const problem = oversizedStructure(buffers, limits);
    if (problem !== undefined) throw this.error('E_UNSAFE', problem);
  }

  private syntaxError(error: Error): ConverterError {
    const message = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '');
    if (!this.rootSeen && /text data outside of root node/.test(message)) {
      // No position: saxes notices stray text only at the end of a piece, so its position depends on chunking.
      return new ConverterError('E_FORMAT', 'the input is not XML (text before the first element)', {
        adapter: ADAPTER,
        cause: error,
      });
    }
    if (/^unexpected end$/.test(message)) {
      return this.error('E_TRUNCATED', 'the input ends inside an XML construct', error);
    }
    if (/undefined entity/.test(message)) {
      return this.error(
        'E_PARSE',
        `XML is not well-formed: ${message} (DTD entities are never expanded)`,
        error,
      );
    }
    return this.error('E_PARSE', `XML is not well-formed: ${message}`, error);
  }

  private error(code: ConverterError['code'], message: string, cause?: unknown): ConverterError {
    return new ConverterError(code, message, {
      adapter: ADAPTER,
      line: this.parser.line,
      column: this.parser.column + 1,
      cause,
    });
  }
}
