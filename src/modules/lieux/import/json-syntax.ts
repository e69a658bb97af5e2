/**
 * Where a JSON text stops being valid. Node 20's JSON.parse does not always give a position
 * (« Unexpected token '}', … is not valid JSON »), and people need one to fix their file.
 */
class Stop {
  constructor(readonly at: number) {}
}

const LITERAL = /true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/** Offset of the first syntax error (text.length when the text ends too early), or null if valid. */
export function jsonErrorOffset(text: string): number | null {
  let i = 0;
  const stop = (): never => {
    throw new Stop(i);
  };
  const space = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return;
      }
      if (c === 0x5c) {
        ESCAPE.lastIndex = i;
        const m = ESCAPE.exec(text);
        if (!m) stop();
        i += m?.[0].length ?? 0;
      } else if (c < 0x20) stop();
      else i++;
    }
    stop();
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      space();
      if (text[i] === close) {
        i++;
        return;
      }
      for (;;) {
        if (c === '{') {
          space();
          if (text[i] !== '"') stop();
          string();
          space();
          if (text[i] !== ':') stop();
          i++;
        }
        value();
        space();
        if (text[i] === ',') i++;
        else if (text[i] === close) {
          i++;
          return;
        } else stop();
      }
    }
    if (c === '"') {
      string();
      return;
    }
    LITERAL.lastIndex = i;
    const m = LITERAL.exec(text);
    if (!m) stop();
    i += m?.[0].length ?? 0;
  };
  try {
    value();
    space();
    if (i < text.length) stop();
    return null;
  } catch (e) {
    if (e instanceof Stop) return e.at;
    return null; // nested too deeply to locate
  }
}
