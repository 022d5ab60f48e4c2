/**
 * The DER that X.509 certificates need (ITU-T X.690), written and read: just
 * the types drydock's certificates use, each encoded the one way DER allows.
 */

/** A non-negative number as big-endian bytes, at least one. */
function unsigned(n: number): Buffer {
  const out = [n & 0xff];
  for (let v = Math.floor(n / 256); v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Buffer.from(out);
}

/** A tag, its length (short form below 128, else long) and the content. */
export function tlv(tag: number, content: Uint8Array): Buffer {
  const n = content.length;
  if (n < 0x80) return Buffer.concat([Buffer.of(tag, n), content]);
  const len = unsigned(n);
  return Buffer.concat([Buffer.of(tag, 0x80 | len.length), len, content]);
}

export const sequence = (...items: readonly Uint8Array[]): Buffer => tlv(0x30, Buffer.concat(items));
export const set = (...items: readonly Uint8Array[]): Buffer => tlv(0x31, Buffer.concat(items));
export const octetString = (b: Uint8Array): Buffer => tlv(0x04, b);
export const utf8String = (s: string): Buffer => tlv(0x0c, Buffer.from(s, "utf8"));
export const NULL = Buffer.of(0x05, 0x00);
/** DER writes only TRUE: a FALSE field is a DEFAULT and left out. */
export const TRUE = Buffer.of(0x01, 0x01, 0xff);

/** A non-negative INTEGER from its big-endian bytes (or a small number): minimal, with a 0x00 when the top bit is set. */
export function integer(value: Uint8Array | number): Buffer {
  let b = typeof value === "number" ? unsigned(value) : Buffer.from(value);
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  b = b.subarray(i);
  return tlv(0x02, b[0]! & 0x80 ? Buffer.concat([Buffer.of(0), b]) : b);
}

/** A BIT STRING of whole bytes (a key, a signature). */
export const bitString = (b: Uint8Array): Buffer => tlv(0x03, Buffer.concat([Buffer.of(0), b]));

/** A named-bit BIT STRING (KeyUsage): bit 0 is the most significant, trailing zero bits dropped. */
export function namedBits(bits: readonly number[]): Buffer {
  const top = Math.max(...bits);
  const bytes = Buffer.alloc(Math.floor(top / 8) + 1);
  for (const n of bits) bytes[n >> 3]! |= 0x80 >> (n & 7);
  return tlv(0x03, Buffer.concat([Buffer.of(7 - (top & 7)), bytes]));
}

/** An OBJECT IDENTIFIER from dotted form: "2.5.4.3". */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const out: number[] = [];
  for (const arc of [arcs[0]! * 40 + arcs[1]!, ...arcs.slice(2)]) {
    const group = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) group.unshift(0x80 | (v & 0x7f));
    out.push(...group);
  }
  return tlv(0x06, Buffer.from(out));
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050; whole seconds, UTC. */
export function time(d: Date): Buffer {
  const s = d.toISOString().replace(/\.\d+/, "").replace(/[-:T]/g, ""); // YYYYMMDDHHMMSSZ
  return d.getUTCFullYear() < 2050 ? tlv(0x17, Buffer.from(s.slice(2), "ascii")) : tlv(0x18, Buffer.from(s, "ascii"));
}

/** [n] EXPLICIT: a constructed context tag around an encoded value. */
export const explicit = (n: number, encoded: Uint8Array): Buffer => tlv(0xa0 | n, encoded);
/** [n] IMPLICIT of a primitive type: the type's content under a context tag. */
export const implicit = (n: number, content: Uint8Array): Buffer => tlv(0x80 | n, content);

// ---- reading -----------------------------------------------------------------------------

/** One element of DER in `buf`: its tag, where it starts, where its content starts, where it ends. */
export interface Element {
  readonly tag: number;
  readonly start: number;
  readonly content: number;
  readonly end: number;
}

export function element(buf: Uint8Array, at: number): Element {
  const tag = buf[at];
  let len = buf[at + 1];
  if (tag === undefined || len === undefined) throw new Error(`DER: truncated at byte ${at}`);
  if ((tag & 0x1f) === 0x1f) throw new Error(`DER: multi-byte tag at byte ${at}`);
  let content = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error(`DER: bad length at byte ${at}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[content + i]!;
    content += n;
  }
  const end = content + len;
  if (end > buf.length) throw new Error(`DER: element at byte ${at} runs past the end`);
  return { tag, start: at, content, end };
}

/** The elements inside a constructed one. */
export function children(buf: Uint8Array, parent: Element): Element[] {
  const out: Element[] = [];
  for (let at = parent.content; at < parent.end; at = out[out.length - 1]!.end) out.push(element(buf, at));
  return out;
}

export const bytes = (buf: Uint8Array, e: Element): Buffer => Buffer.from(buf.subarray(e.start, e.end));
export const contentOf = (buf: Uint8Array, e: Element): Buffer => Buffer.from(buf.subarray(e.content, e.end));
