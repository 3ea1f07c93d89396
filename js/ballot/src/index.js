// groupnet's ballot in the browser (protocol/BALLOTS.md): bundled into
// groupnet/web/static/ballot.js by scripts/build-ballot-js.sh. On the ballot page
// (a #ballot-vote section) it also runs the page's forms (form.js).

export { BallotError, ballotLength, cast, credentialFromSeed, electionHash, readElection, tracker, verify }
  from "./ballot.js";
export { castBallot, makeCredential, storedCredential } from "./page.js";
export { element, encodeScalar, hashToScalar, scalar } from "./group.js";
export { bytesToHex, hexToBytes } from "@noble/hashes/utils.js";
import "./form.js";
