/**
 * JSON from clients, with a nesting limit. JSON.parse itself copes with any depth, but everything
 * after it (zod, JSON.stringify of an error's input, logging) recurses, and a body of a few
 * hundred KB of `[[[[…` overflowed the stack: a 500 and an unhandled RangeError. No action,
 * tool argument or grading request needs more than a few dozen levels.
 */

/** Deepest nesting of arrays and objects accepted in a request body or frame. */
export const MAX_JSON_DEPTH = 256;

/** A body nested deeper than MAX_JSON_DEPTH: a 400 over HTTP, an INVALID_JSON error frame over WS. */
export class JsonDepthError extends SyntaxError {
  override readonly name = "JsonDepthError";
  readonly maxDepth: number;
  constructor(maxDepth: number) {
    super(`JSON nested deeper than ${maxDepth} levels`);
    this.maxDepth = maxDepth;
  }
}

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** JSON.parse after a linear scan of the nesting depth (strings skipped). */
export function parseJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  // Each level takes two characters: a short text cannot be too deep (most frames are short).
  if (text.length <= 2 * maxDepth) return JSON.parse(text);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === BACKSLASH) i++;
      else if (ch === QUOTE) inString = false;
    } else if (ch === QUOTE) {
      inString = true;
    } else if (ch === OPEN_BRACE || ch === OPEN_BRACKET) {
      if (++depth > maxDepth) throw new JsonDepthError(maxDepth);
    } else if (ch === CLOSE_BRACE || ch === CLOSE_BRACKET) {
      depth--;
    }
  }
  return JSON.parse(text);
}
