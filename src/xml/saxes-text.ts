import { SaxesParser } from 'saxes';

/** The private state of saxes 6.0.0 its text loop works on (`saxes` is pinned; see `saxes-internals.ts`). */
interface TextLoop {
  chunk: string;
  i: number;
  prevI: number;
  text: string;
  textHandler: ((text: string) => void) | undefined;
  forbiddenState: number;
  state: number;
  entityReturnState: number | undefined;
  column: number;
  getCode(): number;
  fail(message: string): void;
}

// saxes 6.0.0 constants (saxes.js): character codes, getCode results, states, the `]]>` tracker.
const EOC = -1;
const NL_LIKE = -2;
const S_TEXT = 13;
const S_ENTITY = 14;
const S_OPEN_WAKA = 15;
const AMP = 0x26;
const LESS = 0x3c;
const GREATER = 0x3e;
const CLOSE_BRACKET = 0x5d;
const FORBIDDEN_START = 0;
const FORBIDDEN_BRACKET = 1;
const FORBIDDEN_BRACKET_BRACKET = 2;

/**
 * A run of characters that saxes' `getCode` returns as themselves (XML 1.0 and 1.1 alike) and that mean nothing to
 * the text loop: not `<`, `&`, `]`, `>`, line breaks (CR, LF, NEL, LS), C0/C1 controls, surrogates, U+FFFE/U+FFFF.
 */
const PLAIN_RUN = /[\t\x20-\x25\x27-\x3b\x3d\x3f-\x5c\x5e-\x7e\xa0-\u2027\u2029-\ud7ff\ue000-\ufffd]+/y;

/**
 * saxes' `handleTextInRoot` with the same events, errors and positions, but plain runs of text are skipped with
 * one sticky regular expression instead of one `getCode` call per character (~1 against ~4 ns a character: text is
 * most of a `.nessus` file). Every other character goes through `getCode` exactly as in saxes.
 */
function handleTextInRoot(this: TextLoop): void {
  let start = this.i;
  let forbiddenState = this.forbiddenState;
  const chunk = this.chunk;
  const handler = this.textHandler;
  for (;;) {
    PLAIN_RUN.lastIndex = this.i;
    if (PLAIN_RUN.test(chunk)) {
      // getCode would have counted each of these characters as one column.
      this.column += PLAIN_RUN.lastIndex - this.i;
      this.i = PLAIN_RUN.lastIndex;
      forbiddenState = FORBIDDEN_START;
    }
    switch (this.getCode()) {
      case LESS: {
        this.state = S_OPEN_WAKA;
        if (handler !== undefined) {
          const text = this.text;
          const slice = chunk.slice(start, this.prevI);
          if (text.length !== 0) {
            handler(text + slice);
            this.text = '';
          } else if (slice.length !== 0) {
            handler(slice);
          }
        }
        this.forbiddenState = FORBIDDEN_START;
        return;
      }
      case AMP:
        this.state = S_ENTITY;
        this.entityReturnState = S_TEXT;
        if (handler !== undefined) this.text += chunk.slice(start, this.prevI);
        this.forbiddenState = FORBIDDEN_START;
        return;
      case CLOSE_BRACKET:
        forbiddenState = forbiddenState === FORBIDDEN_START ? FORBIDDEN_BRACKET : FORBIDDEN_BRACKET_BRACKET;
        break;
      case GREATER:
        if (forbiddenState === FORBIDDEN_BRACKET_BRACKET)
          this.fail('the string "]]>" is disallowed in char data.');
        forbiddenState = FORBIDDEN_START;
        break;
      case NL_LIKE:
        if (handler !== undefined) this.text += `${chunk.slice(start, this.prevI)}\n`;
        start = this.i;
        forbiddenState = FORBIDDEN_START;
        break;
      case EOC:
        if (handler !== undefined) this.text += chunk.slice(start);
        this.forbiddenState = forbiddenState;
        return;
      default:
        forbiddenState = FORBIDDEN_START;
    }
  }
}

/** Gives `parser` the faster text loop ({@link handleTextInRoot}); events, errors and positions stay saxes' own. */
export function useFastTextLoop(parser: SaxesParser): void {
  (parser as unknown as { handleTextInRoot: () => void }).handleTextInRoot = handleTextInRoot;
}

/** The project's saxes parser: positions on (every error says where) and the faster text loop. */
export function createSaxesParser(): SaxesParser {
  const parser = new SaxesParser({ position: true });
  useFastTextLoop(parser);
  return parser;
}
