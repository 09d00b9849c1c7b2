/**
 * 16 bytes as a UUID's text (RFC 9562 §4: lower-case hex, 8-4-4-4-12). uuid's stringify does the
 * same but checks its output with a regular expression, a cost paid once per row of million-row
 * files for bytes we set the version and variant of ourselves; test/keys.test.ts compares the two.
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function uuidText(b: Uint8Array, at = 0): string {
  const h = (i: number): string => HEX[b[at + i]!]!;
  return `${h(0)}${h(1)}${h(2)}${h(3)}-${h(4)}${h(5)}-${h(6)}${h(7)}-${h(8)}${h(9)}-${h(10)}${h(11)}${h(12)}${h(13)}${h(14)}${h(15)}`;
}
