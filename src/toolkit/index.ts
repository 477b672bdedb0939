/**
 * `asff-stream/toolkit`: the streaming parts the built-in adapters stand on, for your own adapter. Each reads byte
 * chunks (what `Adapter.parse` receives), keeps memory bounded by one record, and throws `ConverterError` with a
 * position for bad input. See docs/adapters.md.
 *
 * @packageDocumentation
 */
export type { CsvHeader } from '../csv/header.js';
export type { CsvHeaderRow, CsvHeaderRowsOptions, CsvRow, CsvRowsOptions } from '../csv/rows.js';
export { csvRows } from '../csv/rows.js';
export type { JsonPathSegment, JsonReaderOptions } from '../json/stream.js';
export type { XmlAncestor, XmlElement, XmlElementsOptions, XmlLimits, XmlRecord } from '../xml/elements.js';
export { xmlElements } from '../xml/elements.js';
export type { JsonPattern, JsonPatternSegment, JsonRecord, JsonRecordsOptions } from './json-records.js';
export { jsonRecords } from './json-records.js';
export type { Line, LinesOptions } from './lines.js';
export { lines } from './lines.js';
