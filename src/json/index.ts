export type { JsonEvent, JsonKind, JsonPathSegment, JsonSelect, JsonStreamOptions } from './stream.js';
export { pathToString, streamJson } from './stream.js';
