export type {
  JsonEvent,
  JsonKind,
  JsonPathSegment,
  JsonRawEvent,
  JsonSelect,
  JsonStreamOptions,
  RawValuePosition,
} from './stream.js';
export { parseRawValue, pathToString, streamJson } from './stream.js';
