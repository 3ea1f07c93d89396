// A member's ballot, made on the member's own device (protocol/BALLOTS.md 4-5).
//
// `cast` is the reference construction, byte for byte: given the same secret,
// votes and seed it gives the same ballot as groupnet/procedure/ballots/ballot.py,
// which is how the vectors are reproduced. `verify` applies the checks of 5.6 in
// their order, so a device can check its ballot before sending it. Nothing here
// draws randomness or touches storage: see page.js for that.

import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, concatBytes, hexToBytes, utf8ToBytes } from "@noble/hashes/utils.js";
import { IDENTITY, base, element, encodeScalar, frame, hashToScalar, mod, mul, u32 }
  from "./group.js";
import { encodePairs, interval, intervalValid, pairs, schnorr, schnorrValid } from "./proofs.js";

const CHOICE_BYTES = 64 + 128; // α, β, and the 0/1 proof's two (c, z) pairs
const MAX_CHOICES = 64;
const ELECTION_PREFIX = utf8ToBytes("groupnet/v1/ballot/election");
const TRACKER_PREFIX = utf8ToBytes("groupnet/v1/ballot/tracker");

// A refusal: a stable code (BALLOTS.md section 8) and a sentence citing the rule.
export class BallotError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.name = "BallotError";
    this.code = code;
  }
}

function hex(value, what) {
  if (value instanceof Uint8Array) return value;
  if (typeof value !== "string" || !/^([0-9a-f]{2})*$/.test(value)) {
    throw new BallotError("bad_election", `BALLOTS 4.1: ${what} is not lowercase hex`);
  }
  return hexToBytes(value);
}

// The election's public parameters as JSON gives them ({election_id, public_key,
// questions: [[choices, least, most], …]}, hex strings), checked as 4.1 asks.
export function readElection(election) {
  const id = hex(election.election_id, "the election id");
  if (id.length !== 32) throw new BallotError("bad_election", "BALLOTS 4.1: an election id is 32 bytes");
  const key = element(hex(election.public_key, "the election key"));
  if (key === null || key.equals(IDENTITY)) {
    throw new BallotError("bad_election", "BALLOTS 4.1: the election key is not a group element other than the identity");
  }
  const questions = (election.questions || []).map((q) =>
    Array.isArray(q) ? { choices: q[0], least: q[1], most: q[2] } : q);
  if (questions.length === 0) {
    throw new BallotError("bad_election", "BALLOTS 4.1: an election asks at least one question");
  }
  questions.forEach((q, n) => {
    const ok = [q.choices, q.least, q.most].every(Number.isInteger) && 1 <= q.choices &&
      q.choices <= MAX_CHOICES && 0 <= q.least && q.least <= q.most && q.most <= q.choices;
    if (!ok) {
      throw new BallotError("bad_election", `BALLOTS 4.1: question ${n + 1} needs 1 to ` +
        `${MAX_CHOICES} choices and 0 <= least <= most <= choices`);
    }
  });
  const parts = [ELECTION_PREFIX, id, key.toBytes(), u32(questions.length)];
  for (const q of questions) parts.push(u32(q.choices), u32(q.least), u32(q.most));
  return { id, key, questions, hash: sha256(frame(...parts)) };
}

// The election hash E (4.1).
export function electionHash(election) {
  return readElection(election).hash;
}

// How many choices a ballot encrypts (5.2): all of them, but the last where the
// number of marks is fixed (least = most) and there are two or more choices.
export function encrypted(q) {
  return q.least === q.most && q.choices >= 2 ? q.choices - 1 : q.choices;
}

// What the count proof shows the encrypted choices' marks add up to (5.2): least
// to most, or, with the last choice left out, the fixed number or one less.
export function countRange(q) {
  const leftOut = q.choices - encrypted(q);
  return [Math.max(0, q.least - leftOut), Math.min(q.most, encrypted(q))];
}

// The size in bytes of every ballot of this election (5.2).
export function ballotLength(election) {
  const { questions } = readElection(election);
  return 64 + questions.reduce((n, q) => {
    const [lo, hi] = countRange(q);
    return n + CHOICE_BYTES * encrypted(q) + 64 * (hi - lo + 1);
  }, 0) + 64;
}

// The secret s = HS(credential; seed) and S = s·G, from 32 random bytes (4.2).
export function credentialFromSeed(seed) {
  if (seed.length !== 32) throw new RangeError("credential: a seed is 32 bytes");
  const secret = hashToScalar("credential", seed);
  if (secret === 0n) throw new RangeError("credential: this seed gives the zero scalar; draw another");
  return { secret, public: base(secret).toBytes() };
}

// The ballot's receipt: SHA-256 over the prefix and the whole ballot (5.5).
export function tracker(ballot) {
  return sha256(concatBytes(TRACKER_PREFIX, ballot));
}

function checkVotes(questions, votes) {
  if (!Array.isArray(votes) || votes.length !== questions.length ||
      votes.some((v, n) => !Array.isArray(v) || v.length !== questions[n].choices)) {
    throw new BallotError("bad_vote", "BALLOTS 5.1: a vote gives one mark per choice of every question");
  }
  votes.forEach((v, n) => {
    const q = questions[n];
    const marked = v.reduce((sum, m) => sum + m, 0);
    if (v.some((m) => m !== 0 && m !== 1) || marked < q.least || marked > q.most) {
      throw new BallotError("bad_vote", `BALLOTS 5.1: question ${n + 1} takes between ` +
        `${q.least} and ${q.most} marks of 0 or 1`);
    }
  });
}

// The ballot for `votes` (per question, 0 or 1 per choice), signed by `secret`
// (a BigInt). Every nonce comes from `seed` (32 fresh random bytes) and the secret
// as 5.7 says, so a seed must never be used twice.
export function cast(election, secret, votes, seed) {
  const { key, questions, hash: e } = readElection(election);
  checkVotes(questions, votes);
  if (seed.length !== 32) throw new RangeError("cast: a seed is 32 bytes");
  const s = mod(secret);
  if (s === 0n) throw new RangeError("cast: the secret is zero");
  const sPoint = base(s).toBytes();
  const secretBytes = encodeScalar(s);
  const nonce = (...label) => hashToScalar("nonce", secretBytes, seed, ...label);
  const text = (name) => utf8ToBytes(name);

  const parts = [e, sPoint];
  votes.forEach((v, qn) => {
    const q = questions[qn];
    let sumAlpha = IDENTITY;
    let sumBeta = IDENTITY;
    let sumR = 0n;
    const sealed = v.slice(0, encrypted(q));
    sealed.forEach((m, cn) => {
      const r = nonce(text("r"), u32(qn), u32(cn));
      const alpha = base(r);
      // m·G for m in {0, 1}; JavaScript promises no constant time, and what a timing
      // could tell is the member's own choice on their own device
      const beta = mul(r, key).add(base(BigInt(m)));
      const proof = interval("choice", [e, sPoint, u32(qn), u32(cn)], key, alpha, beta, r, m, 0, 1,
        (name, k) => nonce(text("choice"), u32(qn), u32(cn), text(name), u32(k)));
      parts.push(alpha.toBytes(), beta.toBytes(), encodePairs(proof));
      sumAlpha = sumAlpha.add(alpha);
      sumBeta = sumBeta.add(beta);
      sumR += r;
    });
    const marked = sealed.reduce((sum, m) => sum + m, 0);
    const [lo, hi] = countRange(q);
    const proof = interval("count", [e, sPoint, u32(qn)], key, sumAlpha, sumBeta, mod(sumR), marked,
      lo, hi, (name, k) => nonce(text("count"), u32(qn), text(name), u32(k)));
    parts.push(encodePairs(proof));
  });
  const body = concatBytes(...parts);
  const signature = schnorr("signature", [e, body], s, base(s), nonce(text("signature")));
  return concatBytes(body, encodePairs([signature]));
}

// The ballot's contents if it passes 5.6 steps 1-7 in their order; else throws
// the first refusal as a BallotError.
export function verify(election, ballot) {
  const { key, questions, hash: e } = readElection(election);
  const size = ballotLength(election);
  if (ballot.length !== size) {
    throw new BallotError("ballot_length", `BALLOTS 5.6 step 1: a ballot of this election is ${size} bytes; this one is ${ballot.length}`);
  }
  if (bytesToHex(ballot.subarray(0, 32)) !== bytesToHex(e)) {
    throw new BallotError("wrong_election", "BALLOTS 5.6 step 2: the ballot names another election");
  }
  const sPoint = element(ballot.subarray(32, 64));
  if (sPoint === null || sPoint.equals(IDENTITY)) {
    throw new BallotError("bad_element", "BALLOTS 5.6 step 3: the credential is not a group element other than the identity");
  }
  const choices = [];
  const counts = [];
  let at = 64;
  questions.forEach((q, qn) => {
    for (let cn = 0; cn < encrypted(q); cn++, at += CHOICE_BYTES) choices.push({ qn, cn, at });
    const [lo, hi] = countRange(q);
    counts.push([at, at + 64 * (hi - lo + 1)]);
    at += 64 * (hi - lo + 1);
  });
  const signatureAt = at;
  for (const c of choices) {
    c.alpha = element(ballot.subarray(c.at, c.at + 32));
    c.beta = element(ballot.subarray(c.at + 32, c.at + 64));
    if (c.alpha === null || c.beta === null) {
      throw new BallotError("bad_element", `BALLOTS 5.6 step 3: choice ${c.cn + 1} of question ${c.qn + 1} holds a point that is not a group element`);
    }
  }
  for (const c of choices) {
    c.proof = pairs(ballot.subarray(c.at + 64, c.at + CHOICE_BYTES));
    if (c.proof === null) {
      throw new BallotError("bad_scalar", `BALLOTS 5.6 step 4: the proof of choice ${c.cn + 1} of question ${c.qn + 1} holds a scalar not below the group order`);
    }
  }
  const countProofs = counts.map(([from, to], qn) => {
    const proof = pairs(ballot.subarray(from, to));
    if (proof === null) {
      throw new BallotError("bad_scalar", `BALLOTS 5.6 step 4: the count proof of question ${qn + 1} holds a scalar not below the group order`);
    }
    return proof;
  });
  const signature = pairs(ballot.subarray(signatureAt));
  if (signature === null) {
    throw new BallotError("bad_scalar", "BALLOTS 5.6 step 4: the signature holds a scalar not below the group order");
  }
  const sBytes = sPoint.toBytes();
  if (!schnorrValid("signature", [e, ballot.subarray(0, signatureAt)], sPoint, signature[0])) {
    throw new BallotError("bad_signature", "BALLOTS 5.6 step 5: the credential's signature over the ballot does not verify");
  }
  for (const c of choices) {
    if (!intervalValid("choice", [e, sBytes, u32(c.qn), u32(c.cn)], key, c.alpha, c.beta, 0, c.proof)) {
      throw new BallotError("bad_choice_proof", `BALLOTS 5.6 step 6: the proof that choice ${c.cn + 1} of question ${c.qn + 1} holds 0 or 1 does not verify`);
    }
  }
  questions.forEach((q, qn) => {
    const mine = choices.filter((c) => c.qn === qn);
    const sumAlpha = mine.reduce((p, c) => p.add(c.alpha), IDENTITY);
    const sumBeta = mine.reduce((p, c) => p.add(c.beta), IDENTITY);
    if (!intervalValid("count", [e, sBytes, u32(qn)], key, sumAlpha, sumBeta, countRange(q)[0], countProofs[qn])) {
      throw new BallotError("bad_count_proof", `BALLOTS 5.6 step 7: the proof that question ${qn + 1} has between ${q.least} and ${q.most} choices marked does not verify`);
    }
  });
  return { credential: sBytes, tracker: tracker(ballot) };
}
