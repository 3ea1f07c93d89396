// The zero-knowledge proofs a ballot carries (protocol/BALLOTS.md section 3).
//
// Every challenge hashes the whole statement and the prover's commitments under
// a tag of its own. A proof is a list of [c, z] scalar pairs, 64 bytes each. The
// prover's randomness comes in through `nonce`; nothing here draws any.

import { concatBytes } from "@noble/hashes/utils.js";
import { base, encodeScalar, hashToScalar, mod, mul, scalar } from "./group.js";

export function encodePairs(proof) {
  return concatBytes(...proof.flatMap(([c, z]) => [encodeScalar(c), encodeScalar(z)]));
}

// [c, z] pairs read from 64-byte blocks, or null if a scalar is not canonical.
export function pairs(data) {
  const out = [];
  for (let at = 0; at < data.length; at += 64) {
    const c = scalar(data.subarray(at, at + 32));
    const z = scalar(data.subarray(at + 32, at + 64));
    if (c === null || z === null) return null;
    out.push([c, z]);
  }
  return out;
}

// 3.1: R = w·G, c = HS(tag; C…, X, R), z = w + c·x.
export function schnorr(tag, context, x, point, w) {
  const c = hashToScalar(tag, ...context, point.toBytes(), base(w).toBytes());
  return [c, mod(w + c * x)];
}

export function schnorrValid(tag, context, point, [c, z]) {
  const commitment = base(z).subtract(mul(c, point));
  return hashToScalar(tag, ...context, point.toBytes(), commitment.toBytes()) === c;
}

// A_k = z·G − c·α and B_k = z·Y − c·(β − k·G): the commitments the verifier recomputes.
function commitments(alpha, beta, key, k, c, z) {
  const shifted = k === 0 ? beta : beta.subtract(base(BigInt(k)));
  return [base(z).subtract(mul(c, alpha)), mul(z, key).subtract(mul(c, shifted))];
}

// 3.3: the proof that (α, β) = (r·G, r·Y + m·G) with m in lo..hi, without saying
// which m. For k ≠ m the pair is drawn first (simulated); for m the commitments
// are w·G and w·Y, and c_m makes the c's add up to the challenge.
// `nonce(name, k)` gives the prover's random scalars (name "w", "c" or "z").
export function interval(tag, context, key, alpha, beta, r, m, lo, hi, nonce) {
  if (!(lo <= m && m <= hi)) throw new RangeError("interval: the value is outside its range");
  const points = [];
  const chosen = new Map();
  const w = nonce("w", m);
  let others = 0n;
  for (let k = lo; k <= hi; k++) {
    if (k === m) {
      points.push(base(w), mul(w, key));
    } else {
      const c = nonce("c", k);
      const z = nonce("z", k);
      chosen.set(k, [c, z]);
      others += c;
      points.push(...commitments(alpha, beta, key, k, c, z));
    }
  }
  const challenge = hashToScalar(tag, ...context, alpha.toBytes(), beta.toBytes(),
    ...points.map((p) => p.toBytes()));
  const cm = mod(challenge - others);
  chosen.set(m, [cm, mod(w + cm * r)]);
  const proof = [];
  for (let k = lo; k <= hi; k++) proof.push(chosen.get(k));
  return proof;
}

export function intervalValid(tag, context, key, alpha, beta, lo, proof) {
  const points = proof.flatMap(([c, z], i) => commitments(alpha, beta, key, lo + i, c, z));
  const challenge = hashToScalar(tag, ...context, alpha.toBytes(), beta.toBytes(),
    ...points.map((p) => p.toBytes()));
  return mod(proof.reduce((sum, [c]) => sum + c, 0n)) === challenge;
}
