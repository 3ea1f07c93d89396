"""Member ballots (SPEC 5.10): one member, one vote, across the network.

Kinds: `ballot.call`, `ballot.trustee_key`, `ballot.deal`, `ballot.complaint`,
`ballot.extract`, `ballot.disclosure`, `ballot.credentials`, `ballot.cast`,
`ballot.cut`, `ballot.cosign`, `ballot.partial`. A ballot's id, and its election
id (BALLOTS.md 4.1), is the id of the `ballot.call` that called it. The bytes
every entry carries are protocol/BALLOTS.md's; the rules, numbered as SPEC 5.10
numbers them:

- BL1 (C6, who calls). A ballot decides only what the constitution's
  `ballots.decisions` names, and is called on a `call-ballot` decision of a body
  (a power the constitution gives it), opening when the decision says. It stands
  once that decision is carried and the call reached the network with
  `BALLOT_NOTICE_DAYS` notice; void if the decision fell or the call came late.
- BL2 (window). Members vote from `opens` to `closes`, at least the
  constitution's `min_window_days`. No kind closes, extends or reopens a ballot:
  the window is the call's.
- BL3 (trustees). At least three distinct member groups, any `threshold` of them
  (at least two) decrypt. They make the election key together (BALLOTS.md 6): keys
  by `keys_by`, deals and complaints against deals by `deals_by`, extractions and
  complaints against them by `extracts_by`, disclosures by `opens`, each judged
  by witnessed time. The key is derived by every node from those entries.
- BL4 (trustee entries). Only a trustee writes them, each once, by its deadline;
  every proof is checked at receipt and a refusal carries BALLOTS.md's code. A
  complaint is accepted only when upheld: a false one changes nothing.
- BL5 (credentials). Each group lists its members' public credentials before the
  opening, at most its committed active members in all (`too_many_credentials`),
  none twice in the network; a list counts if it reached the network by `opens`.
- BL6 (casting). A group's node writes its members' ballots between `opens` and
  `closes`; each is checked as BALLOTS.md 5.6 says and its credential must be on
  that group's lists. The last ballot of a credential counts.
- BL7 (close). After `closes` a participant (a group whose list counts) writes a
  cut, the heads of the logs whose ballots count; participants cosign it with
  the hash of its totals, and a cosign is refused if the cut leaves out a ballot
  its author witnessed by the close. A cut cosigned by more than half of the
  participants is final.
- BL8 (count). Trustees decrypt the final cut's totals, the network's and each
  group's with at least `PRIVACY_FLOOR` ballots; every node checks each partial
  decryption and derives the result from any `threshold` of them.

What the entry and its author's own log decide is refused at receipt; what
depends on time or other groups (the key, the lists that count, finality, the
result) is derived from the state when asked, never a refusal. No I/O, no clock.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, NamedTuple

import msgspec

from ...wire.messages import (
    BallotCall,
    BallotCast,
    BallotComplaint,
    BallotCosign,
    BallotCredentials,
    BallotCut,
    BallotDeal,
    BallotDisclosure,
    BallotExtract,
    BallotPartial,
    BallotTrusteeKey,
    Entry,
    EntryRef,
)
from ...wire.rejection import Rejection
from ..ballots import ballot as ballots_ballot
from ..ballots import keygen, tally
from ..ballots.ristretto import IDENTITY, element
from .bodies import Bodies
from .commitments import Commitments
from .constitution import DAY_MS
from .witness import Witnesses

if TYPE_CHECKING:
    from .state import NetworkState

# BL1: a ballot is called at least this long before it opens
BALLOT_NOTICE_DAYS = 7
# BL2: and lasts at most this long
MAX_WINDOW_DAYS = 90
# BL8: a group's own result is published only from this many counted ballots
PRIVACY_FLOOR = 50
# BL2: a ballot's bytes fit in an entry, written in hex
MAX_BALLOT_BYTES = 28_000


# -- what the state holds ------------------------------------------------------------


class Held(msgspec.Struct):
    id: str
    author: str
    seq: int
    ts: int


class Call(Held):
    body: BallotCall


class Cast(Held):
    data: bytes
    credential: bytes
    tracker: str
    ciphertexts: tuple


class Cut(Held):
    ballot: str
    heads: dict[str, tuple[int, str]]


class KeyGeneration(msgspec.Struct):
    """The election key as the trustees' entries make it (BALLOTS.md 6), or why not yet."""

    status: str  # "pending", "failed" or "ready"
    reason: str
    qualified: list[int] = []
    public_key: bytes = b""
    verification_keys: dict[int, bytes] = {}


class Result(msgspec.Struct):
    """A ballot's standing, its final cut and its count, as every node derives them."""

    ballot: str
    status: str  # "pending", "void", "failed", "open", "counting" or "counted"
    reason: str
    key: KeyGeneration
    participants: list[str]
    final_cut: str | None
    ballots: int
    counts: list[list[int]] | None
    groups: dict[str, list[list[int]]]
    trackers: list[str]


class _CutSums(NamedTuple):
    totals: dict[str, tally.Tally]  # scope ("" for the network) -> encrypted totals
    trackers: list[str]  # of the ballots the cut counts, sorted


# the network's count (or why there is none yet) and each group's above the privacy floor
_Count = tuple[list[list[int]] | Rejection, dict[str, list[list[int]]]]


class Ballots:
    """Every ballot called, its trustees' entries, credentials, ballots, cuts and count."""

    kinds = frozenset({
        "ballot.call", "ballot.trustee_key", "ballot.deal", "ballot.complaint",
        "ballot.extract", "ballot.disclosure", "ballot.credentials", "ballot.cast",
        "ballot.cut", "ballot.cosign", "ballot.partial",
    })

    def __init__(self) -> None:
        self.calls: dict[str, Call] = {}
        # ballot -> trustee number -> (entry, body), for the trustees' own entries
        self.keys: dict[str, dict[int, tuple[Held, BallotTrusteeKey]]] = {}
        self.deals: dict[str, tuple[str, int, Held, BallotDeal]] = {}  # deal id -> …
        self.extracts: dict[str, dict[int, tuple[Held, BallotExtract]]] = {}
        # deal id -> [(complainer, phase, entry)]
        self.complaints: dict[str, list[tuple[int, str, Held]]] = {}
        # deal id -> trustee -> (entry, shares)
        self.disclosures: dict[str, dict[int, tuple[Held, tuple[int, int]]]] = {}
        # ballot -> group -> [(entry, credentials)]
        self.credentials: dict[str, dict[str, list[tuple[Held, list[str]]]]] = {}
        self._credential_owner: dict[tuple[str, str], str] = {}
        # ballot -> author -> casts in log order
        self.casts: dict[str, dict[str, list[Cast]]] = {}
        self.cuts: dict[str, Cut] = {}
        # cut -> cosigner -> entry
        self.cosigns: dict[str, dict[str, Held]] = {}
        self.cosigned: set[tuple[str, str]] = set()  # (ballot, group)
        # cut -> (group or "") -> trustee -> points D
        self.partials: dict[str, dict[str, dict[int, list[bytes]]]] = {}
        self._key_cache: dict[str, KeyGeneration] = {}
        # entry id -> the ballot `check` found valid, for `apply` to take rather than
        # check a second time (an entry's id fixes its bytes, so the answer is the same)
        self._checked: dict[str, ballots_ballot.Ballot] = {}
        # cut id -> its totals and trackers, once nothing can change them (`_cut_sums`)
        self._sums_cache: dict[str, _CutSums] = {}
        # ballot -> (the lists held, participants, counted credentials), once decided
        self._lists_cache: dict[str, tuple[int, list[str], frozenset[str]]] = {}
        # ballot -> (the cut and partial decryptions it was made from, the count)
        self._count_cache: dict[str, tuple[tuple, _Count]] = {}
        self._entries: list[tuple[str, str, str]] = []

    # -- check ------------------------------------------------------------------

    def check(self, state: NetworkState, entry: Entry) -> Rejection | None:
        return _CHECKS[entry.kind](self, state, entry)

    def _check_call(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotCall = entry.body  # type: ignore[assignment]
        constitution = state.constitution_for(entry.ts)  # C5.7, C5.8
        if constitution is None:
            return Rejection(
                "missing_dependency", "C5.8: whether a rule change is in force for this "
                "call's date is not decided yet: it waits until the network has witnessed "
                "the outcome")
        rules = constitution.ballots
        if body.decision not in rules.decisions:
            allowed = ", ".join(rules.decisions) or "nothing"
            return Rejection(
                "not_empowered", f"C6: a member ballot decides only what the constitution "
                f"names ({allowed}); this one would decide `{body.decision}`")
        window = body.closes - body.opens
        if window < rules.min_window_days * DAY_MS:
            return Rejection(
                "short_window", f"BL2: members vote for at least {rules.min_window_days} "
                f"days (C6); this window is {_days(window)}")
        if window > MAX_WINDOW_DAYS * DAY_MS:
            return Rejection(
                "bad_ballot", f"BL2: a ballot lasts at most {MAX_WINDOW_DAYS} days")
        if not entry.ts < body.keys_by < body.deals_by < body.extracts_by < body.opens:
            return Rejection(
                "bad_ballot", "BL3: the trustees' keys, deals and extractions are due in "
                "that order, after the call and before the opening")
        if body.opens - entry.ts < BALLOT_NOTICE_DAYS * DAY_MS:
            return Rejection(
                "short_notice", f"BL1: a ballot is called with {BALLOT_NOTICE_DAYS} days' "
                f"notice; this call gives {_days(body.opens - entry.ts)}")
        if len(set(body.trustees)) != len(body.trustees) or \
                not 2 <= body.threshold <= len(body.trustees):
            return Rejection(
                "bad_trustees", "BL3: the trustees are distinct groups, and the threshold "
                "is between 2 and their number")
        outsider = next((t for t in body.trustees if not state.is_member(t)), None)
        if outsider is not None:
            return Rejection(
                "bad_trustees", f"BL3: every trustee is a member group; {outsider} is not")
        for number, q in enumerate(body.questions, start=1):
            if not 0 <= q.least <= q.most <= len(q.choices):
                return Rejection(
                    "bad_ballot", f"BL2: question {number} marks between least and most of "
                    "its choices (BALLOTS.md 4.1)")
        if ballots_ballot.length(_election(entry.id, body, b"")) > MAX_BALLOT_BYTES:
            return Rejection(
                "bad_ballot", f"BL2: a ballot of these questions would exceed "
                f"{MAX_BALLOT_BYTES} bytes")
        refused = _check_authority(state, body)
        if refused is not None:
            return refused
        ground = (body.authority.meeting.entry, body.authority.item)
        if any((c.body.authority.meeting.entry, c.body.authority.item) == ground
               for c in self.calls.values()):
            return Rejection(
                "already_called", "BL2: a decision calls one ballot; no kind closes, extends "
                "or reopens a ballot, so another call on it cannot move the window")
        return None

    def _call_of(self, state: NetworkState, ref: EntryRef) -> Call | Rejection:
        missing = _missing(state, ref, "BL4")
        if missing is not None:
            return missing
        call = self.calls.get(ref.entry)
        if call is None or call.author != ref.group or call.seq > ref.seen:
            return Rejection(
                "unknown_ballot", "BL4: that group's log holds no ballot called there at the "
                "seq cited")
        return call

    def _trustee(self, call: Call, author: str) -> int | Rejection:
        if author not in call.body.trustees:
            return Rejection(
                "not_trustee", "BL4: only the ballot's trustees write its key generation")
        return call.body.trustees.index(author) + 1

    def _trustee_call(self, state: NetworkState, ballot: EntryRef,
                      author: str) -> tuple[Call, int] | Rejection:
        """The ballot a trustee's entry names, and the author's number among its trustees."""
        call = self._call_of(state, ballot)
        if isinstance(call, Rejection):
            return call
        number = self._trustee(call, author)
        return number if isinstance(number, Rejection) else (call, number)

    def _check_trustee_key(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotTrusteeKey = entry.body  # type: ignore[assignment]
        found = self._trustee_call(state, body.ballot, entry.author)
        if isinstance(found, Rejection):
            return found
        call, j = found
        if j in self.keys.get(call.id, {}):
            return Rejection("already_published", "BL4: a trustee publishes its key once")
        if entry.ts > call.body.keys_by:
            return _late("keys", call.body.keys_by)
        if not keygen.key_proof_valid(bytes.fromhex(call.id), j, bytes.fromhex(body.key),
                                      bytes.fromhex(body.proof)):
            return Rejection(
                "bad_ceremony", f"BALLOTS 6.1: trustee {j}'s key is not a group element with "
                "a valid proof of its secret")
        if any(k.key == body.key for _, k in self.keys.get(call.id, {}).values()):
            return Rejection("bad_ceremony", "BALLOTS 6.1: every trustee key is distinct")
        return None

    def ceremony(self, call: Call) -> keygen.Ceremony | None:
        held = self.keys.get(call.id, {})
        if len(held) < len(call.body.trustees):
            return None
        return keygen.Ceremony(bytes.fromhex(call.id), call.body.threshold,
                               tuple(bytes.fromhex(held[j][1].key)
                                     for j in range(1, len(call.body.trustees) + 1)))

    def _check_deal(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotDeal = entry.body  # type: ignore[assignment]
        found = self._trustee_call(state, body.ballot, entry.author)
        if isinstance(found, Rejection):
            return found
        call, i = found
        if any(d[0] == call.id and d[1] == i for d in self.deals.values()):
            return Rejection("already_published", "BL4: a trustee deals once")
        if entry.ts > call.body.deals_by:
            return _late("deals", call.body.deals_by)
        ceremony = self.ceremony(call)
        if ceremony is None:
            return Rejection(
                "missing_dependency", "BL3: a deal is made for every trustee's key; this "
                "node does not hold them all yet")
        found = keygen.read_deal(ceremony, i, bytes.fromhex(body.deal))
        return found if isinstance(found, Rejection) else None

    def _deal_of(self, state: NetworkState, ref: EntryRef) -> tuple[Call, int, BallotDeal] | \
            Rejection:
        missing = _missing(state, ref, "BL4")
        if missing is not None:
            return missing
        found = self.deals.get(ref.entry)
        if found is None or found[2].author != ref.group or found[2].seq > ref.seen:
            return Rejection(
                "unknown_deal", "BL4: that group's log holds no deal there at the seq cited")
        return self.calls[found[0]], found[1], found[3]

    def _check_complaint(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotComplaint = entry.body  # type: ignore[assignment]
        against = self._deal_of(state, body.against)
        if isinstance(against, Rejection):
            return self._check_extract_complaint(state, entry, against)
        call, dealer, deal = against
        j = self._trustee(call, entry.author)
        if isinstance(j, Rejection):
            return j
        if entry.ts > call.body.deals_by:
            return _late("complaints against deals", call.body.deals_by)
        if any(c == j and phase == "deal" for c, phase, _ in self.complaints.get(
                body.against.entry, [])):
            return Rejection("already_published", "BL4: a trustee complains once per deal")
        ceremony = self.ceremony(call)
        found = keygen.read_deal(ceremony, dealer, bytes.fromhex(deal.deal))  # type: ignore[arg-type]
        return keygen.check_complaint(ceremony, found, dealer, j,  # type: ignore[arg-type]
                                      bytes.fromhex(body.complaint))

    def _check_extract_complaint(self, state: NetworkState, entry: Entry,
                                 why: Rejection) -> Rejection | None:
        """A complaint against an extraction (BALLOTS.md 6.5) names the extract entry."""
        body: BallotComplaint = entry.body  # type: ignore[assignment]
        if why.code != "unknown_deal":
            return why
        found = self._extract_entry(body.against)
        if found is None:
            return Rejection(
                "unknown_deal", "BL4: that group's log holds no deal or extraction there at "
                "the seq cited")
        call, dealer, extract = found
        j = self._trustee(call, entry.author)
        if isinstance(j, Rejection):
            return j
        if entry.ts > call.body.extracts_by:
            return _late("complaints against extractions", call.body.extracts_by)
        deal_id, deal = self.deal_by(call.id, dealer)
        if any(c == j and phase == "extract" for c, phase, _ in self.complaints.get(
                deal_id, [])):
            return Rejection("already_published", "BL4: a trustee complains once per "
                             "extraction")
        ceremony = self.ceremony(call)
        read = keygen.read_deal(ceremony, dealer, bytes.fromhex(deal.deal))  # type: ignore[arg-type]
        points = keygen.read_extract(ceremony, dealer, bytes.fromhex(extract.extract))  # type: ignore[arg-type]
        return keygen.check_complaint(ceremony, read, dealer, j,  # type: ignore[arg-type]
                                      bytes.fromhex(body.complaint), points)  # type: ignore[arg-type]

    def _extract_entry(self, ref: EntryRef) -> tuple[Call, int, BallotExtract] | None:
        for ballot, by_dealer in self.extracts.items():
            for dealer, (held, extract) in by_dealer.items():
                if held.id == ref.entry and held.author == ref.group and held.seq <= ref.seen:
                    return self.calls[ballot], dealer, extract
        return None

    def deal_by(self, ballot: str, dealer: int) -> tuple[str, BallotDeal]:
        return next((ident, d[3]) for ident, d in self.deals.items()
                    if d[0] == ballot and d[1] == dealer)

    def _check_extract(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotExtract = entry.body  # type: ignore[assignment]
        found = self._trustee_call(state, body.ballot, entry.author)
        if isinstance(found, Rejection):
            return found
        call, i = found
        if i in self.extracts.get(call.id, {}):
            return Rejection("already_published", "BL4: a trustee extracts once")
        if not any(d[0] == call.id and d[1] == i for d in self.deals.values()):
            return Rejection("not_trustee", "BL4: only a trustee that dealt extracts")
        if entry.ts > call.body.extracts_by:
            return _late("extractions", call.body.extracts_by)
        found = keygen.read_extract(self.ceremony(call), i,  # type: ignore[arg-type]
                                    bytes.fromhex(body.extract))
        return found if isinstance(found, Rejection) else None

    def _check_disclosure(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotDisclosure = entry.body  # type: ignore[assignment]
        against = self._deal_of(state, body.deal)
        if isinstance(against, Rejection):
            return against
        call, dealer, deal = against
        j = self._trustee(call, entry.author)
        if isinstance(j, Rejection):
            return j
        if j in self.disclosures.get(body.deal.entry, {}):
            return Rejection("already_published", "BL4: a trustee discloses its shares once")
        if entry.ts > call.body.opens:
            return _late("disclosures", call.body.opens)
        read = keygen.read_deal(self.ceremony(call), dealer,  # type: ignore[arg-type]
                                bytes.fromhex(deal.deal))
        found = keygen.check_disclosure(read, dealer, j, bytes.fromhex(body.shares))  # type: ignore[arg-type]
        return found if isinstance(found, Rejection) else None

    def _check_credentials(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotCredentials = entry.body  # type: ignore[assignment]
        call = self._call_of(state, body.ballot)
        if isinstance(call, Rejection):
            return call
        if entry.ts > call.body.opens:
            return _late("credential lists", call.body.opens)
        if len(set(body.credentials)) != len(body.credentials) or any(
                (call.id, c) in self._credential_owner for c in body.credentials):
            return Rejection(
                "duplicate_credential", "BL5: a credential is listed once in the network")
        if any(element(bytes.fromhex(c)) in (None, IDENTITY) for c in body.credentials):
            return Rejection(
                "bad_element", "BALLOTS 4.2: a credential is a group element other than the "
                "identity")
        listed = sum(len(c) for _, c in self.credentials.get(call.id, {}).get(entry.author, []))
        latest = state.rules(Commitments).commitments.get(entry.author)
        members = latest[1].active_members if latest is not None else 0
        if listed + len(body.credentials) > members:
            return Rejection(
                "too_many_credentials", f"BL5: a group lists at most its committed active "
                f"members ({members}); this list would make {listed + len(body.credentials)}")
        return None

    def _check_cast(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotCast = entry.body  # type: ignore[assignment]
        call = self._call_of(state, body.ballot)
        if isinstance(call, Rejection):
            return call
        if not call.body.opens <= entry.ts <= call.body.closes:
            return Rejection(
                "outside_ballot", "BL2: a ballot is cast between the opening and the close "
                "the call fixed; no kind closes, extends or reopens a ballot")
        key = self.key(state, call.id)
        if key.status != "ready":
            return Rejection(
                "missing_dependency", f"BL3: the election key is not known here yet "
                f"({key.reason})")
        checked = ballots_ballot.verify(_election(call.id, call.body, key.public_key),
                                       bytes.fromhex(body.cast))
        if isinstance(checked, Rejection):
            return checked
        owner = self._credential_owner.get((call.id, checked.credential.hex()))
        if owner != entry.author:
            return Rejection(
                "unknown_credential", "BL6: a group's node casts only ballots whose "
                "credential is on that group's list")
        self._checked[entry.id] = checked
        return None

    def _check_cut(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotCut = entry.body  # type: ignore[assignment]
        call = self._call_of(state, body.ballot)
        if isinstance(call, Rejection):
            return call
        if entry.ts < call.body.closes:
            return Rejection(
                "early_close", "BL7: a cut is written after the close; nobody closes a "
                "ballot early")
        if entry.author not in self._listing(call.id):
            return Rejection(
                "not_participant", "BL7: a cut is written by a group that listed credentials")
        authors = [h.author for h in body.heads]
        if len(set(authors)) != len(authors):
            return Rejection("bad_cut", "BL7: a cut names each log once")
        for head in body.heads:
            frozen = state.frozen.get(head.author)
            if frozen is not None and head.seq >= frozen:
                continue
            held = state.head_of(head.author).seq
            if held < head.seq:
                return Rejection(
                    "missing_dependency", f"BL7: the cut names seq {head.seq} of a log this "
                    f"node holds to {held}")
            if state.id_at(head.author, head.seq) != head.id:
                return Rejection(
                    "bad_cut", "BL7: a head of the cut is not the entry held at that seq")
        return None

    def _check_cosign(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotCosign = entry.body  # type: ignore[assignment]
        cut = self._cut_of(state, body.cut)
        if isinstance(cut, Rejection):
            return cut
        call = self.calls[cut.ballot]
        participants = self.participants(state, cut.ballot)
        if participants is None:
            return Rejection(
                "missing_dependency", "BL7: whether every list reached the network by the "
                "opening is not decided here yet")
        if entry.author not in participants:
            return Rejection(
                "not_participant", "BL7: a cut is cosigned by a group whose credential list "
                "counts")
        if (cut.ballot, entry.author) in self.cosigned:
            return Rejection("duplicate_cosign", "BL7: a group cosigns one cut of a ballot")
        if body.totals != self.totals_hash(state, cut):
            return Rejection(
                "wrong_result", "BL7: the totals hash differs from the ballots in the cut")
        for author, seq in self._seen_by_close(state, entry, call):
            if state.head_of(author).seq < seq:
                return Rejection(
                    "missing_dependency", f"BL7: this node holds that log to "
                    f"{state.head_of(author).seq}; the cosigner saw {seq}")
            in_cut = cut.heads.get(author, (0, ""))[0]
            if any(in_cut < c.seq <= seq for c in self.casts.get(cut.ballot, {}).get(author, [])):
                return Rejection(
                    "cut_omits", "BL7: the cut leaves out ballots this node witnessed before "
                    "the close")
        return None

    def _seen_by_close(self, state: NetworkState, entry: Entry,
                       call: Call) -> list[tuple[str, int]]:
        seen = state.rules(Witnesses).acknowledged(entry.author, call.body.closes)
        seen[entry.author] = max(seen.get(entry.author, 0), entry.seq - 1)
        out = []
        for author, seq in sorted(seen.items()):
            frozen = state.frozen.get(author)
            out.append((author, min(seq, frozen - 1) if frozen is not None else seq))
        return out

    def _cut_of(self, state: NetworkState, ref: EntryRef) -> Cut | Rejection:
        missing = _missing(state, ref, "BL7")
        if missing is not None:
            return missing
        cut = self.cuts.get(ref.entry)
        if cut is None or cut.author != ref.group or cut.seq > ref.seen:
            return Rejection("unknown_cut", "BL7: that group's log holds no cut there at the "
                             "seq cited")
        return cut

    def _check_partial(self, state: NetworkState, entry: Entry) -> Rejection | None:
        body: BallotPartial = entry.body  # type: ignore[assignment]
        cut = self._cut_of(state, body.cut)
        if isinstance(cut, Rejection):
            return cut
        call = self.calls[cut.ballot]
        j = self._trustee(call, entry.author)
        if isinstance(j, Rejection):
            return j
        scope = body.group or ""
        if j in self.partials.get(cut.id, {}).get(scope, {}):
            return Rejection("already_published", "BL8: a trustee decrypts a total once")
        key = self.key(state, call.id)
        if key.status != "ready":
            return Rejection(
                "missing_dependency", f"BL8: the election key is not known here ({key.reason})")
        totals = self.cut_totals(state, cut).get(scope)
        if totals is None:
            return Rejection(
                "below_privacy_floor", f"BL8: a group's own totals are decrypted only from "
                f"{PRIVACY_FLOOR} ballots in the cut")
        found = tally.check_share(_election(call.id, call.body, key.public_key), totals, j,
                                  key.verification_keys[j], bytes.fromhex(body.partial))
        return found if isinstance(found, Rejection) else None

    # -- apply ------------------------------------------------------------------

    def apply(self, state: NetworkState, entry: Entry) -> None:
        held = Held(entry.id, entry.author, entry.seq, entry.ts)
        body = entry.body
        if isinstance(body, BallotCall):
            self.calls[entry.id] = Call(entry.id, entry.author, entry.seq, entry.ts, body)
        elif isinstance(body, BallotTrusteeKey):
            call = self.calls[body.ballot.entry]
            self.keys.setdefault(call.id, {})[call.body.trustees.index(entry.author) + 1] = \
                (held, body)
        elif isinstance(body, BallotDeal):
            call = self.calls[body.ballot.entry]
            self.deals[entry.id] = (call.id, call.body.trustees.index(entry.author) + 1, held,
                                    body)
        elif isinstance(body, BallotComplaint):
            deal = self.deals.get(body.against.entry)
            if deal is not None:
                call = self.calls[deal[0]]
                phase, deal_id = "deal", body.against.entry
            else:
                call, dealer, _ = self._extract_entry(body.against)  # type: ignore[misc]
                phase, deal_id = "extract", self.deal_by(call.id, dealer)[0]
            self.complaints.setdefault(deal_id, []).append(
                (call.body.trustees.index(entry.author) + 1, phase, held))
        elif isinstance(body, BallotExtract):
            call = self.calls[body.ballot.entry]
            self.extracts.setdefault(call.id, {})[
                call.body.trustees.index(entry.author) + 1] = (held, body)
        elif isinstance(body, BallotDisclosure):
            call = self.calls[self.deals[body.deal.entry][0]]
            data = bytes.fromhex(body.shares)
            shares = (int.from_bytes(data[:32], "little"), int.from_bytes(data[32:], "little"))
            self.disclosures.setdefault(body.deal.entry, {})[
                call.body.trustees.index(entry.author) + 1] = (held, shares)
        elif isinstance(body, BallotCredentials):
            ballot = body.ballot.entry
            self.credentials.setdefault(ballot, {}).setdefault(entry.author, []).append(
                (held, list(body.credentials)))
            for credential in body.credentials:
                self._credential_owner[(ballot, credential)] = entry.author
        elif isinstance(body, BallotCast):
            call = self.calls[body.ballot.entry]
            checked = self._checked.pop(entry.id, None)
            if checked is None:
                key = self.key(state, call.id)
                checked = ballots_ballot.verify(_election(call.id, call.body, key.public_key),
                                               bytes.fromhex(body.cast))
            assert not isinstance(checked, Rejection)
            self.casts.setdefault(call.id, {}).setdefault(entry.author, []).append(Cast(
                entry.id, entry.author, entry.seq, entry.ts, bytes.fromhex(body.cast),
                checked.credential,
                checked.tracker.hex(), checked.ciphertexts))
        elif isinstance(body, BallotCut):
            self.cuts[entry.id] = Cut(entry.id, entry.author, entry.seq, entry.ts,
                                      body.ballot.entry,
                                      {h.author: (h.seq, h.id) for h in body.heads})
        elif isinstance(body, BallotCosign):
            cut = self.cuts[body.cut.entry]
            self.cosigns.setdefault(cut.id, {})[entry.author] = held
            self.cosigned.add((cut.ballot, entry.author))
        elif isinstance(body, BallotPartial):
            cut = self.cuts[body.cut.entry]
            data = bytes.fromhex(body.partial)
            points = [data[n:n + 32] for n in range(0, len(data), tally.SHARE_BYTES)]
            call = self.calls[cut.ballot]
            self.partials.setdefault(cut.id, {}).setdefault(body.group or "", {})[
                call.body.trustees.index(entry.author) + 1] = points
        self._entries.append((entry.id, entry.kind, entry.author))

    def summary(self, state: NetworkState) -> dict[str, object]:
        return {"ballot_entries": sorted(list(e) for e in self._entries)} if self._entries \
            else {}

    # -- derived: the key, the lists, the cuts, the count (never refusals) -------------

    def key(self, state: NetworkState, ballot: str) -> KeyGeneration:
        """The election key, once every deadline of BL3 it depends on is decided."""
        cached = self._key_cache.get(ballot)
        if cached is not None:
            return cached
        found = self._derive_key(state, self.calls[ballot])
        if found.status != "pending":
            self._key_cache[ballot] = found
        return found

    def _derive_key(self, state: NetworkState, call: Call) -> KeyGeneration:
        body = call.body
        m, t = len(body.trustees), body.threshold

        def arrived(held: Held, deadline: int) -> bool | None:
            return state.arrived_before_deadline(held.author, held.seq, held.ts, deadline)

        keys = self.keys.get(call.id, {})
        answers = [arrived(held, body.keys_by) for held, _ in keys.values()]
        if None in answers or (len(keys) < m and not state.deadline_passed(body.keys_by)):
            return KeyGeneration("pending", "BL3: waiting for the trustees' keys")
        if len(keys) < m or not all(answers):
            return KeyGeneration("failed", "BL3: a trustee's key did not reach the network by "
                                 "its deadline")
        ceremony = self.ceremony(call)
        if not state.deadline_passed(body.deals_by):
            return KeyGeneration("pending", "BL3: the deals are due")
        qualified: dict[int, tuple[str, keygen.Deal]] = {}
        for ident, (ballot, dealer, held, deal) in sorted(self.deals.items()):
            if ballot != call.id:
                continue
            on_time = arrived(held, body.deals_by)
            upheld = [arrived(h, body.deals_by) for _, phase, h in
                      self.complaints.get(ident, []) if phase == "deal"]
            if on_time is None or None in upheld:
                return KeyGeneration("pending", "BL3: a deal's arrival is undecided")
            if on_time and not any(upheld):
                qualified[dealer] = (ident, keygen.read_deal(ceremony, dealer,  # type: ignore[arg-type]
                                                             bytes.fromhex(deal.deal)))
        if len(qualified) < t:
            return KeyGeneration("failed", f"BALLOTS 6.4: {len(qualified)} trustees qualified; "
                                 f"{t} are needed")
        if not state.deadline_passed(body.extracts_by):
            return KeyGeneration("pending", "BL3: the extractions are due")
        extracted: dict[int, list[bytes]] = {}
        rebuild: list[int] = []
        for dealer, (ident, _) in sorted(qualified.items()):
            found = self.extracts.get(call.id, {}).get(dealer)
            on_time = arrived(found[0], body.extracts_by) if found else False
            upheld = [arrived(h, body.extracts_by) for _, phase, h in
                      self.complaints.get(ident, []) if phase == "extract"]
            if on_time is None or None in upheld:
                return KeyGeneration("pending", "BL3: an extraction's arrival is undecided")
            if on_time and not any(upheld):
                extracted[dealer] = keygen.read_extract(  # type: ignore[assignment]
                    ceremony, dealer, bytes.fromhex(found[1].extract))  # type: ignore[arg-type,index]
            else:
                rebuild.append(dealer)
        for dealer in rebuild:
            ident = qualified[dealer][0]
            shares = {}
            for j, (held, share) in sorted(self.disclosures.get(ident, {}).items()):
                on_time = arrived(held, body.opens)
                if on_time is None:
                    return KeyGeneration("pending", "BL3: a disclosure's arrival is undecided")
                if on_time:
                    shares[j] = share[0]
            if len(shares) < t:
                if state.deadline_passed(body.opens):
                    return KeyGeneration("failed", f"BALLOTS 6.6: trustee {dealer} could not "
                                         "be rebuilt from the disclosures")
                return KeyGeneration("pending", f"BALLOTS 6.6: trustee {dealer} is being "
                                     "rebuilt from the others' disclosures")
            extracted[dealer] = keygen.rebuild(shares, t)
        return KeyGeneration(
            "ready", "BALLOTS 6.7: the election key is made", sorted(qualified),
            keygen.election_key(extracted),
            {j: keygen.verification_key(extracted, j) for j in range(1, m + 1)})

    def _listing(self, ballot: str) -> set[str]:
        return set(self.credentials.get(ballot, {}))

    def participants(self, state: NetworkState, ballot: str) -> list[str] | None:
        """Groups with a credential list that reached the network by the opening (BL5, BL7);
        None while any is undecided."""
        groups = self._lists(state, ballot)[0]
        return None if groups is None else list(groups)

    def counted_credentials(self, state: NetworkState, ballot: str) -> frozenset[str]:
        """The credentials on the lists that reached the network by the opening (BL5)."""
        return self._lists(state, ballot)[1]

    def _lists(self, state: NetworkState,
               ballot: str) -> tuple[list[str] | None, frozenset[str]]:
        """`participants` and `counted_credentials` from one pass over the lists.

        Every cosign and every count asks, so the answer is kept once the opening has
        passed by witnessed time and every list's arrival is decided (a decided arrival
        stays decided, SPEC 5.5), until another list arrives.
        """
        lists_held = sum(len(lists) for lists in self.credentials.get(ballot, {}).values())
        cached = self._lists_cache.get(ballot)
        if cached is not None and cached[0] == lists_held:
            return cached[1], cached[2]
        call = self.calls[ballot]
        groups: list[str] = []
        credentials: set[str] = set()
        undecided = False
        for group, lists in sorted(self.credentials.get(ballot, {}).items()):
            answers = [state.arrived_before_deadline(h.author, h.seq, h.ts, call.body.opens)
                       for h, _ in lists]
            undecided = undecided or None in answers
            if any(answers):
                groups.append(group)
            credentials.update(c for (_, creds), arrived in zip(lists, answers, strict=True)
                               if arrived for c in creds)
        participants, counted = None if undecided else groups, frozenset(credentials)
        if participants is not None and state.deadline_passed(call.body.opens):
            self._lists_cache[ballot] = (lists_held, participants, counted)
        return participants, counted

    def cut_ballots(self, state: NetworkState, cut: Cut) -> dict[str, Cast]:
        """The ballots a cut counts: the last of each listed credential, by credential."""
        listed = self.counted_credentials(state, cut.ballot)
        last: dict[str, Cast] = {}
        for author, casts in self.casts.get(cut.ballot, {}).items():
            head = cut.heads.get(author)
            if head is None:
                continue
            for cast in casts:
                if cast.seq <= head[0] and cast.credential.hex() in listed:
                    last[cast.credential.hex()] = cast
        return last

    def cut_totals(self, state: NetworkState, cut: Cut) -> dict[str, tally.Tally]:
        """The encrypted totals of a cut: the network's ("") and each group's above the
        privacy floor (BL8)."""
        return self._cut_sums(state, cut).totals

    def _cut_sums(self, state: NetworkState, cut: Cut) -> _CutSums:
        """A cut's totals and the trackers of its ballots, from one pass over them.

        Every cosign, partial decryption and count asks, so they are kept once they cannot
        change: when the opening has passed by witnessed time and every list's arrival is
        decided, which credentials count is fixed, and a held cut's heads fix its ballots.
        """
        cached = self._sums_cache.get(cut.id)
        if cached is not None:
            return cached
        call = self.calls[cut.ballot]
        election = _election(call.id, call.body, b"")
        counted = self.cut_ballots(state, cut)

        def total(casts: list[Cast]) -> tally.Tally:
            return tally.total(election, [ballots_ballot.Ballot(c.credential, c.ciphertexts,
                                                               b"") for c in casts])

        by_group: dict[str, list[Cast]] = {}
        for cast in counted.values():
            by_group.setdefault(cast.author, []).append(cast)
        # each ballot is added once, into its group's sum; the network's is their sum
        sums = {group: total(casts) for group, casts in sorted(by_group.items())}
        out = {"": tally.sum_of(election, list(sums.values()))}
        out.update((group, sums[group]) for group, casts in by_group.items()
                   if len(casts) >= PRIVACY_FLOOR)
        found = _CutSums(out, sorted(c.tracker for c in counted.values()))
        if state.deadline_passed(call.body.opens) and \
                self.participants(state, cut.ballot) is not None:
            self._sums_cache[cut.id] = found
        return found

    def totals_hash(self, state: NetworkState, cut: Cut) -> str:
        """What a cosign signs: SHA-256 over each scope's count and encrypted totals (BL7)."""
        digest = hashlib.sha256(b"groupnet/v1/ballot-totals\n")
        for scope, totals in sorted(self.cut_totals(state, cut).items()):
            digest.update(scope.encode() + b"\n" + str(totals.ballots).encode() + b"\n")
            digest.update(totals.encode())
        return digest.hexdigest()

    def result(self, state: NetworkState, ballot: str) -> Result:
        """The ballot as every node derives it (BL1, BL7, BL8)."""
        call = self.calls[ballot]
        key = self.key(state, ballot)
        participants = self.participants(state, ballot) or []

        def answer(status: str, reason: str, cut: Cut | None = None, ballots: int = 0,
                   counts: list[list[int]] | None = None,
                   groups: dict[str, list[list[int]]] | None = None) -> Result:
            trackers = self._cut_sums(state, cut).trackers if cut is not None else []
            return Result(ballot, status, reason, key, participants,
                          cut.id if cut else None, ballots, counts, groups or {}, trackers)

        standing = self._standing(state, call)
        if standing is not None:
            return answer(*standing)
        if key.status != "ready":
            return answer("failed" if key.status == "failed" else "pending", key.reason)
        if not state.deadline_passed(call.body.closes):
            return answer("open", "BL2: members are voting")
        cut = self.final_cut(state, ballot)
        if cut is None:
            return answer("counting", "BL7: waiting for a cut cosigned by most participants")
        totals = self.cut_totals(state, cut)
        counts, groups = self._count(call, key.public_key, cut, totals)
        if isinstance(counts, Rejection):
            return answer("counting", f"BL8: {counts.reason}", cut, totals[""].ballots)
        return answer("counted", "BL8: counted from the trustees' partial decryptions", cut,
                      totals[""].ballots, counts, groups)

    def _count(self, call: Call, public_key: bytes, cut: Cut,
               totals: dict[str, tally.Tally]) -> _Count:
        """The network's count and each group's, from the partial decryptions held (BL8).

        A page, the API and the service ask again and again once a ballot is counted, and
        each count takes a discrete logarithm per total, so the answer is kept for the
        partial decryptions it was made from (a final cut's totals no longer change).
        """
        shares = self.partials.get(cut.id, {})
        held = (cut.id, tuple(sorted((scope, tuple(sorted(by_trustee)))
                                     for scope, by_trustee in shares.items())))
        kept = self._count_cache.get(call.id)
        if kept is not None and kept[0] == held:
            return kept[1]
        election = _election(call.id, call.body, public_key)
        counts = tally.combine(election, totals[""], shares.get("", {}), call.body.threshold)
        groups = {}
        for group, group_totals in sorted(totals.items()):
            if group and not isinstance(counts, Rejection):
                found = tally.combine(election, group_totals, shares.get(group, {}),
                                      call.body.threshold)
                if not isinstance(found, Rejection):
                    groups[group] = found
        if cut.id in self._sums_cache:
            self._count_cache[call.id] = (held, (counts, groups))
        return counts, groups

    def _standing(self, state: NetworkState, call: Call) -> tuple[str, str] | None:
        """BL1: void or pending by its authority and notice, else None (it stands)."""
        notice_by = call.body.opens - BALLOT_NOTICE_DAYS * DAY_MS
        arrived = state.arrived_before_deadline(call.author, call.seq, call.ts, notice_by)
        if arrived is False:
            return "void", "BL1: the call did not reach the network with its notice"
        authority = call.body.authority
        decision = state.rules(Bodies).decision(state, authority.meeting.entry, authority.item)
        if decision is None or decision.status in ("fell", "void"):
            return "void", "BL1: the decision that called the ballot was not carried"
        if decision.status == "pending" or arrived is None:
            return "pending", "BL1: the decision that called it, or its notice, is pending"
        return None

    def final_cut(self, state: NetworkState, ballot: str) -> Cut | None:
        """A cut cosigned by more than half of the participants (BL7)."""
        participants = self.participants(state, ballot)
        if not participants:
            return None
        taking_part = set(participants)
        for cut in sorted(self.cuts.values(), key=lambda c: c.id):
            if cut.ballot == ballot:
                signed = sum(1 for g in self.cosigns.get(cut.id, {}) if g in taking_part)
                if 2 * signed > len(taking_part):
                    return cut
        return None

    def tracker_place(self, state: NetworkState, ballot: str, tracker: str) -> Cast | None:
        """The ballot with this tracker, wherever it is held (a member's receipt)."""
        for casts in self.casts.get(ballot, {}).values():
            for cast in casts:
                if cast.tracker == tracker:
                    return cast
        return None

    def moments(self) -> list[int]:
        """Every time a ballot's outcome waits on (SPEC 5.5, "Deadlines")."""
        return [t for call in self.calls.values()
                for t in (call.body.keys_by, call.body.deals_by, call.body.extracts_by,
                          call.body.opens - BALLOT_NOTICE_DAYS * DAY_MS, call.body.opens,
                          call.body.closes)]


def _election(ident: str, call: BallotCall, public_key: bytes) -> ballots_ballot.Election:
    return ballots_ballot.Election(bytes.fromhex(ident), public_key, tuple(
        ballots_ballot.Question(len(q.choices), q.least, q.most) for q in call.questions))


def election(ident: str, call: BallotCall, public_key: bytes) -> ballots_ballot.Election:
    """The election a ballot's entries are bound to (BALLOTS.md 4.1)."""
    return _election(ident, call, public_key)


def _days(ms: int) -> str:
    whole, rest = divmod(ms, DAY_MS)
    return f"{whole} days" if rest == 0 else f"{ms / DAY_MS:.1f} days"


def _late(what: str, deadline: int) -> Rejection:
    return Rejection("past_deadline", f"BL3: {what} are dated by {deadline}; this one is "
                     "dated after")


def _missing(state: NetworkState, ref: EntryRef, rule: str) -> Rejection | None:
    held = state.head_of(ref.group).seq
    if held < ref.seen:
        return Rejection(
            "missing_dependency", f"{rule}: the reference cites seq {ref.seen} of that "
            f"group's log; this node holds {held} so far")
    return None


def _check_authority(state: NetworkState, body: BallotCall) -> Rejection | None:
    ref = body.authority.meeting
    missing = _missing(state, ref, "BL1")
    if missing is not None:
        return missing
    meeting = state.rules(Bodies).meetings.get(ref.entry)
    if meeting is None or meeting.author != ref.group or meeting.seq > ref.seen \
            or body.authority.item >= len(meeting.body.items):
        return Rejection("unknown_decision", "BL1: that group's log holds no such meeting "
                         "item at the seq cited")
    item = meeting.body.items[body.authority.item]
    if item.action != "call-ballot":
        return Rejection("unknown_decision", f"BL1: a ballot is called by a `call-ballot` "
                         f"decision; that item is `{item.action}`")
    if item.opens != body.opens:
        return Rejection("bad_ballot", "BL1: the ballot opens when the decision that called "
                         "it says")
    return None


_CHECKS = {
    "ballot.call": Ballots._check_call,
    "ballot.trustee_key": Ballots._check_trustee_key,
    "ballot.deal": Ballots._check_deal,
    "ballot.complaint": Ballots._check_complaint,
    "ballot.extract": Ballots._check_extract,
    "ballot.disclosure": Ballots._check_disclosure,
    "ballot.credentials": Ballots._check_credentials,
    "ballot.cast": Ballots._check_cast,
    "ballot.cut": Ballots._check_cut,
    "ballot.cosign": Ballots._check_cosign,
    "ballot.partial": Ballots._check_partial,
}
