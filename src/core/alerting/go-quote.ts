/**
 * Go's `strconv.Quote` (what `%q` prints), so matchers render exactly as Alertmanager and amtool
 * render them (`{team!="x, y"}`, `severity=~"crit\n"`): printable runes as they are, the usual
 * backslash escapes, `\xNN` for other ASCII controls and `\uNNNN` / `\UNNNNNNNN` for other
 * non-printable runes. "Printable" is Go's `unicode.IsPrint`: letters, marks, numbers,
 * punctuation, symbols and the ASCII space.
 */
const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

const shortEscapes: Record<string, string> = {
  '\u0007': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

function hex(codePoint: number, width: number): string {
  return codePoint.toString(16).padStart(width, '0');
}

function quoteRune(rune: string): string {
  const escaped = shortEscapes[rune];
  if (escaped !== undefined) return escaped;
  if (printable.test(rune)) return rune;
  const codePoint = rune.codePointAt(0) ?? 0;
  // Lone surrogates cannot come from UTF-8 input; Go would have turned them into U+FFFD.
  if (codePoint >= 0xd800 && codePoint <= 0xdfff) return '\ufffd';
  if (codePoint < 0x20 || codePoint === 0x7f) return `\\x${hex(codePoint, 2)}`;
  if (codePoint < 0x10000) return `\\u${hex(codePoint, 4)}`;
  return `\\U${hex(codePoint, 8)}`;
}

/** `text` in double quotes with Go's escaping, as `fmt.Sprintf("%q", text)` prints it. */
export function quoteGoString(text: string): string {
  let out = '"';
  for (const rune of text) out += quoteRune(rune);
  return `${out}"`;
}

/**
 * Go orders strings by their UTF-8 bytes, which is code point order; JavaScript's `<` compares
 * UTF-16 units, which differs above U+FFFF. Returns <0, 0 or >0.
 */
export function compareGoStrings(left: string, right: string): number {
  if (left === right) return 0;
  const a = left[Symbol.iterator]();
  const b = right[Symbol.iterator]();
  for (;;) {
    const x = a.next();
    const y = b.next();
    if (x.done === true) return y.done === true ? 0 : -1;
    if (y.done === true) return 1;
    const difference = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (difference !== 0) return difference;
  }
}
