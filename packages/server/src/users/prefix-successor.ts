/**
 * The least string, in code point order, greater than every string that starts with `prefix`:
 * the prefix with its last code point raised by one (a last U+10FFFF is dropped and the one before
 * raised instead). Then "starts with prefix" is exactly prefix <= s < successor, a range an index
 * reads, with no LIKE and so no wildcard to escape: `a_%` is only ever those three characters.
 * undefined when there is no such string (empty, or only U+10FFFF): no upper bound then.
 */
export function prefixSuccessor(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0)!);
  while (points.length > 0) {
    const last = points.pop()!;
    if (last === 0x10ffff) continue;
    // Surrogates are not characters: the code point after U+D7FF that a string can hold is U+E000.
    points.push(last === 0xd7ff ? 0xe000 : last + 1);
    return String.fromCodePoint(...points);
  }
  return undefined;
}
