// What the ballot page calls: a credential made and kept on this device, and a
// ballot cast with fresh randomness from crypto.getRandomValues.
//
// The credential's secret is written to the browser's storage (localStorage
// unless another Storage is given) and never returned: makeCredential answers
// only the public part, which the member's group puts on the election's list,
// and castBallot reads the secret back from storage to sign.

import { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import { BallotError, cast, credentialFromSeed, readElection, tracker } from "./ballot.js";
import { encodeScalar, scalar } from "./group.js";

const PREFIX = "groupnet/ballot/credential/";

function fresh(length) {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

function storageOf(options) {
  const storage = options.storage ?? globalThis.localStorage;
  if (!storage) throw new BallotError("no_storage", "this browser keeps no local storage, where a credential's secret must stay");
  return storage;
}

// Makes a credential, keeps its secret in this browser's storage under `name`, and
// answers {name, public}: the public credential S as hex (BALLOTS.md 4.2). An
// existing credential of that name is never overwritten: it may already be on an
// election's list.
export function makeCredential({ name = "default", storage } = {}) {
  const store = storageOf({ storage });
  if (store.getItem(PREFIX + name) !== null) {
    throw new BallotError("credential_exists", `this browser already holds the credential "${name}"; a new one would lose it`);
  }
  let made;
  do {
    try {
      made = credentialFromSeed(fresh(32));
    } catch {
      made = null; // the zero scalar, with probability 2^-252: draw again
    }
  } while (made === null);
  const credential = { name, public: bytesToHex(made.public) };
  store.setItem(PREFIX + name, JSON.stringify({ secret: bytesToHex(encodeScalar(made.secret)), public: credential.public }));
  return credential;
}

// The public part of the credential kept under `name`, or null if there is none.
export function storedCredential({ name = "default", storage } = {}) {
  const kept = storageOf({ storage }).getItem(PREFIX + name);
  return kept === null ? null : { name, public: JSON.parse(kept).public };
}

// The ballot JSON for `choices` (per question, 0 or 1 per choice): {election_id,
// credential, ballot, tracker}, hex strings. `credential` is what makeCredential
// answered; its secret is read from this browser's storage.
export function castBallot(election, credential, choices, { storage } = {}) {
  const kept = storageOf({ storage }).getItem(PREFIX + credential.name);
  if (kept === null) {
    throw new BallotError("no_credential", `this browser holds no credential "${credential.name}": a ballot can only be cast from the device that made it`);
  }
  const { secret: secretHex, public: pub } = JSON.parse(kept);
  if (credential.public !== undefined && credential.public !== pub) {
    throw new BallotError("no_credential", `the credential "${credential.name}" kept in this browser is not the one given`);
  }
  const secret = scalar(hexToBytes(secretHex));
  if (secret === null || secret === 0n) {
    throw new BallotError("no_credential", `the credential "${credential.name}" kept in this browser is damaged`);
  }
  const params = readElection(election);
  const ballot = cast(election, secret, choices, fresh(32));
  return {
    election_id: bytesToHex(params.id),
    credential: pub,
    ballot: bytesToHex(ballot),
    tracker: bytesToHex(tracker(ballot)),
  };
}
