/**
 * A guard for the zstd decoder: the FSE-compressed Huffman weights at the head of a compressed
 * block's literals (RFC 8878 §4.2.1.2) turned into "would decoding them end?". Decoding alternates
 * two FSE states, each step reading the number of bits its state says; a corrupted table can leave
 * both states in zero-bit states forever. Reference decoders stop at 255 weights; the JavaScript
 * decoder we use (fzstd 0.1) keeps going, so a flipped byte hangs it. This walks the same bits —
 * table description (§4.1.1), decoding table (§4.1.1 "FSE decoding table"), backward bitstream —
 * counting weights only, and says no once more than 255 are produced or the table is malformed.
 */

/** Highest set bit of a positive integer. */
const highbit = (n: number) => 31 - Math.clz32(n);

/**
 * True when the FSE-compressed Huffman weights of `len` bytes at `start` decode to at most 255
 * weights (or are malformed in a way the decoder itself reports); false when decoding would not end.
 */
export function huffmanWeightsEnd(d: Uint8Array, start: number, len: number): boolean {
  const end = start + len;
  if (len < 1 || end > d.length) return true; // truncation: the decoder reports it
  // --- table description: a forward little-endian bitstream ---
  let bit = 0;
  const peek = (n: number) => {
    let v = 0;
    for (let k = 0; k < n; k++) {
      const p = bit + k;
      v |= (((d[start + (p >> 3)] ?? 0) >> (p & 7)) & 1) << k;
    }
    return v;
  };
  const read = (n: number) => {
    const v = peek(n);
    bit += n;
    return v;
  };
  const al = read(4) + 5;
  if (al > 6) return true; // above the weights' maximum accuracy: the decoder refuses it
  const size = 1 << al;
  let remaining = size + 1;
  let threshold = size;
  let nb = al + 1;
  const counts: number[] = [];
  while (remaining > 1) {
    if (counts.length > 255 || bit > len * 8) return false;
    const max = 2 * threshold - 1 - remaining;
    let v = peek(nb - 1);
    if (v < max) bit += nb - 1;
    else {
      v = read(nb);
      if (v >= threshold) v -= max;
    }
    const p = v - 1;
    remaining -= p < 0 ? -p : p;
    counts.push(p);
    if (p === 0) {
      for (;;) {
        const r = read(2);
        for (let k = 0; k < r; k++) counts.push(0);
        if (r !== 3 || counts.length > 255) break;
      }
    }
    while (remaining < threshold && nb > 1) {
      nb--;
      threshold >>= 1;
    }
  }
  if (remaining !== 1 || counts.length > 256) return false;
  // --- decoding table ---
  const symbol = new Int16Array(size);
  const next: number[] = [];
  let high = size - 1;
  counts.forEach((c, s) => {
    next[s] = c === -1 ? 1 : c;
    if (c === -1) symbol[high--] = s;
  });
  if (high < 0) return false;
  const step = (size >> 1) + (size >> 3) + 3;
  let pos = 0;
  counts.forEach((c, s) => {
    for (let i = 0; i < c; i++) {
      symbol[pos] = s;
      do pos = (pos + step) & (size - 1);
      while (pos > high);
    }
  });
  if (pos !== 0) return false;
  const nbits = new Uint8Array(size);
  const base = new Uint16Array(size);
  for (let u = 0; u < size; u++) {
    const s = symbol[u]!;
    const ns = next[s]!;
    next[s] = ns + 1;
    if (ns < 1) return false;
    nbits[u] = al - highbit(ns);
    base[u] = (ns << nbits[u]!) - size;
  }
  // --- weights: a backward bitstream after the description, two interleaved states ---
  const first = start + Math.ceil(bit / 8);
  const last = d[end - 1]!;
  if (first >= end || last === 0) return true; // the decoder reports these
  const stop = first * 8;
  let fpos = (end - 1) * 8 + highbit(last);
  const bitsAt = (p: number, n: number) => {
    let v = 0;
    for (let k = 0; k < n; k++) v |= (((d[(p + k) >> 3] ?? 0) >> ((p + k) & 7)) & 1) << k;
    return v;
  };
  let st1 = 0;
  let st2 = 0;
  let b1 = al;
  let b2 = al;
  for (let n = 0; ; n += 2) {
    if (n > 256) return false;
    fpos -= b1;
    if (fpos < stop) return true;
    st1 = (st1 + bitsAt(fpos, b1)) & (size - 1);
    fpos -= b2;
    if (fpos < stop) return true;
    st2 = (st2 + bitsAt(fpos, b2)) & (size - 1);
    b1 = nbits[st1]!;
    st1 = base[st1]!;
    b2 = nbits[st2]!;
    st2 = base[st2]!;
  }
}
