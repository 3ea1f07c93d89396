"""The cryptography of member ballots, as protocol/BALLOTS.md defines it.

One-member-one-vote ballots of the network: each member encrypts their ballot
on their own device under the election key, proves it well formed, and signs it
with their credential; trustees from different groups hold the decryption key
between them; every node checks every ballot, the encrypted totals, and the
trustees' partial decryptions, and so reaches the same result without trusting
any node's word.

- `ristretto`: the group, its encodings, and the hashes into it;
- `proofs`: Schnorr, Chaum–Pedersen, and the disjunctive interval proof;
- `ballot`: the election's parameters, credentials, casting and checking ballots;
- `keygen`: the trustees' key generation, with complaints;
- `tally`: the encrypted totals, partial decryptions, and the count.

All of it is pure: randomness comes in as seeds the caller draws.
"""
