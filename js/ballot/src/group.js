// The group ristretto255 and the hashes into it (protocol/BALLOTS.md section 2).
//
// Points are @noble/curves' ristretto255 points; scalars are BigInts modulo L.
// Whatever is read from outside goes through `element` or `scalar` first, which
// refuse what is not the canonical encoding of a group element (RFC 9496 4.3.1)
// or of an integer below L.

import { ristretto255 } from "@noble/curves/ed25519.js";
import { expand_message_xmd } from "@noble/curves/abstract/hash-to-curve.js";
import { bytesToNumberLE, numberToBytesLE } from "@noble/curves/utils.js";
import { sha512 } from "@noble/hashes/sha2.js";
import { concatBytes, utf8ToBytes } from "@noble/hashes/utils.js";

export const Point = ristretto255.Point;
// The order of the group (RFC 9496 section 4.1).
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
export const G = Point.BASE;
export const IDENTITY = Point.ZERO;
const DST_PREFIX = "groupnet/v1/ballot/";

export function mod(x) {
  const r = x % L;
  return r < 0n ? r + L : r;
}

// x·P. The scalar is reduced first; 0 gives the identity (noble's constant-time
// multiply takes 1..L-1 only).
export function mul(x, point) {
  const k = mod(x);
  return k === 0n ? IDENTITY : point.multiply(k);
}

export function base(x) {
  return mul(x, G);
}

export function encodeScalar(x) {
  return numberToBytesLE(mod(x), 32);
}

// The integer of a canonical scalar encoding, or null if it is L or more (2.2).
export function scalar(bytes) {
  if (bytes.length !== 32) return null;
  const x = bytesToNumberLE(bytes);
  return x < L ? x : null;
}

// The point of a canonical ristretto255 encoding, or null (2.1).
export function element(bytes) {
  if (bytes.length !== 32) return null;
  try {
    return Point.fromBytes(bytes);
  } catch {
    return null;
  }
}

export function u32(n) {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError("u32: out of range");
  return new Uint8Array([n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

// Each part preceded by its length as u32: no two lists read alike (2.3).
export function frame(...parts) {
  return concatBytes(...parts.flatMap((part) => [u32(part.length), part]));
}

// HS(name; parts): expand_message_xmd with SHA-512 to 64 bytes, little-endian, mod L (2.4).
export function hashToScalar(tag, ...parts) {
  const uniform = expand_message_xmd(frame(...parts), utf8ToBytes(DST_PREFIX + tag), 64, sha512);
  return mod(bytesToNumberLE(uniform));
}
