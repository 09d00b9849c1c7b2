/**
 * The row where each distinct 16-byte key was first seen, in flat typed arrays rather than a Map
 * of strings: a million keys take 28 MB instead of ~80 MB, which is what keeps a million-row
 * `validate` inside its memory budget (issue 6). Keys and rows are appended in blocks (no large
 * copies as they grow); an open-addressing table of their indexes finds them. Keys are SHA-1
 * output, so their first four bytes already are a uniform hash.
 */
const SHIFT = 12;
const BLOCK = 1 << SHIFT;

export class FirstSeen {
  /** Per slot: 1 + the key's index, or 0 when empty. Doubles before it is half full. */
  private slots = new Int32Array(1 << 16);
  private readonly keyBlocks: Uint8Array[] = [];
  private readonly rowBlocks: Int32Array[] = [];
  private size = 0;

  /** The row `key` was first seen at, or undefined when it is new (and is now recorded at `row`). */
  firstRow(key: Uint8Array, row: number): number | undefined {
    const slot = this.find(key);
    const held = this.slots[slot]!;
    if (held !== 0) return this.rowBlocks[(held - 1) >>> SHIFT]![(held - 1) & (BLOCK - 1)];
    const index = this.size++;
    if ((index & (BLOCK - 1)) === 0) {
      this.keyBlocks.push(new Uint8Array(16 * BLOCK));
      this.rowBlocks.push(new Int32Array(BLOCK));
    }
    this.keyBlocks[index >>> SHIFT]!.set(key.subarray(0, 16), 16 * (index & (BLOCK - 1)));
    this.rowBlocks[index >>> SHIFT]![index & (BLOCK - 1)] = row;
    this.slots[slot] = index + 1;
    if (this.size * 2 > this.slots.length) this.grow();
    return undefined;
  }

  /** The slot holding `key`, or the empty slot where it belongs. */
  private find(key: Uint8Array): number {
    const mask = this.slots.length - 1;
    let slot = hashOf(key, 0) & mask;
    for (;;) {
      const held = this.slots[slot]!;
      if (held === 0 || this.holds(held - 1, key)) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private holds(index: number, key: Uint8Array): boolean {
    const block = this.keyBlocks[index >>> SHIFT]!;
    const at = 16 * (index & (BLOCK - 1));
    for (let i = 0; i < 16; i++) if (block[at + i] !== key[i]) return false;
    return true;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    const mask = this.slots.length - 1;
    for (let index = 0; index < this.size; index++) {
      let slot = hashOf(this.keyBlocks[index >>> SHIFT]!, 16 * (index & (BLOCK - 1))) & mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
      this.slots[slot] = index + 1;
    }
  }
}

function hashOf(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}
