/**
 * Bounds that keep the Nessus reader's memory flat whatever the input. Every one of them is a defence against
 * hostile or broken XML; real exports stay far below each (see `docs/nessus.md`, "Hostile XML").
 */
export interface NessusReaderLimits {
  /** Characters kept from one element's text (or one pending XML token); longer text is truncated with an issue. */
  maxTextChars: number;
  /** Characters of text kept for one `ReportItem` across all its children. */
  maxItemChars: number;
  /** Values kept for one repeated child element of a `ReportItem` (e.g. `<cve>`, `<xref>`). */
  maxValuesPerField: number;
  /** Values kept for one `ReportItem` across all its children (bounds the distinct `cm:compliance-*` names too). */
  maxItemValues: number;
  /** Element nesting depth; deeper input is refused with `E_UNSAFE`. */
  maxDepth: number;
  /** Characters in one element, attribute, entity or processing-instruction name; longer is `E_UNSAFE`. */
  maxNameChars: number;
  /** Attributes on one element; more is `E_UNSAFE`. */
  maxAttributes: number;
  /** `HostProperties` tags kept for one host (only the names the mapping reads are kept at all). */
  maxHostProperties: number;
  /** `ReportItem`s buffered while a host's `HostProperties` has not been read yet. */
  maxPendingItems: number;
  /** Characters of text held by those buffered items. */
  maxPendingChars: number;
  /** Bytes decoded into one string piece for the SAX parser; the buffer guard runs after each piece. */
  pieceBytes: number;
}

/** The limits used by the adapter. */
export const NESSUS_LIMITS = {
  maxTextChars: 1_048_576,
  maxItemChars: 4_194_304,
  maxValuesPerField: 1_000,
  maxItemValues: 10_000,
  maxDepth: 64,
  maxNameChars: 65_536,
  maxAttributes: 256,
  maxHostProperties: 128,
  maxPendingItems: 256,
  maxPendingChars: 16_777_216,
  pieceBytes: 65_536,
} as const satisfies NessusReaderLimits;
