"""What a group's node does for a member ballot, and what it shows (SPEC 5.10).

Each step becomes one signed entry in this node's log; the ballot rules
(`procedure/network/ballots.py`) decide on every node whether it counts. The
node never holds a secret of a member or a trustee: a member's credential and
ballot are made on the member's device, a trustee's key, deal, complaints,
extraction, disclosures and partial decryptions on the trustee's machine
(`groupnet ballot …`, `groupnet trustee …`); the node writes what they hand
it, and every node checks it. Nothing here logs or echoes a ballot's content.
"""

from __future__ import annotations

from collections.abc import Collection

import msgspec

from ..procedure.ballots import ballot as ballots_ballot
from ..procedure.ballots import tally
from ..procedure.network import NetworkState
from ..procedure.network.ballots import Ballots, Call, Cut, Result, election
from ..procedure.network.bodies import Bodies
from ..wire import crypto
from ..wire.messages import (
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
    Head,
    parse,
)
from ..wire.rejection import Rejection, refuse
from . import cuts
from .node import Node
from .verify import check_rows


def _rules(node: Node) -> Ballots:
    return node.state.rules(Ballots)


def _body(shape: type, fields: dict):
    try:
        return msgspec.convert(fields, shape)
    except msgspec.ValidationError as error:
        raise refuse("bad_request", f"{shape.__name__}: {error}", 400) from None


def _ref(node: Node, group: str, entry: str) -> dict:
    """A reference to `group`'s entry, with the seq of its log this node holds (SM3)."""
    return {"group": group, "entry": entry, "seen": node.state.head_of(group).seq}


def call_or_404(node: Node, ballot: str) -> Call:
    found = _rules(node).calls.get(ballot)
    if found is None:
        raise refuse("unknown_ballot", "BL4: no ballot with that id is known here", 404)
    return found


def _ballot_ref(node: Node, ballot: str) -> dict:
    call = call_or_404(node, ballot)
    return _ref(node, call.author, call.id)


async def call(node: Node, fields: dict) -> Entry:
    """Call a ballot on a carried `call-ballot` decision (BL1-BL3)."""
    meeting = fields.get("meeting")
    held = node.state.rules(Bodies).meetings.get(meeting or "")
    if held is None:
        raise refuse("unknown_decision", "BL1: no meeting with that id is known here", 404)
    body = {key: value for key, value in fields.items() if key not in ("meeting", "item")}
    body["authority"] = {"meeting": _ref(node, held.author, held.id),
                         "item": fields.get("item", 0)}
    body.setdefault("threshold", 3)
    return await node.append("ballot.call", _body(BallotCall, body))


async def trustee_key(node: Node, ballot: str, key: str, proof: str) -> Entry:
    return await node.append("ballot.trustee_key", _body(BallotTrusteeKey, {
        "ballot": _ballot_ref(node, ballot), "key": key, "proof": proof}))


async def deal(node: Node, ballot: str, data: str) -> Entry:
    return await node.append("ballot.deal", _body(BallotDeal, {
        "ballot": _ballot_ref(node, ballot), "deal": data}))


def _trustee_entry_ref(node: Node, entry: str) -> dict:
    rules = _rules(node)
    found = rules.deals.get(entry)
    if found is not None:
        return _ref(node, found[2].author, entry)
    for by_dealer in rules.extracts.values():
        for held, _ in by_dealer.values():
            if held.id == entry:
                return _ref(node, held.author, entry)
    raise refuse("unknown_deal", "BL4: no deal or extraction with that id is known here", 404)


async def complain(node: Node, against: str, data: str) -> Entry:
    return await node.append("ballot.complaint", _body(BallotComplaint, {
        "against": _trustee_entry_ref(node, against), "complaint": data}))


async def extract(node: Node, ballot: str, data: str) -> Entry:
    return await node.append("ballot.extract", _body(BallotExtract, {
        "ballot": _ballot_ref(node, ballot), "extract": data}))


async def disclose(node: Node, deal_id: str, shares: str) -> Entry:
    return await node.append("ballot.disclosure", _body(BallotDisclosure, {
        "deal": _trustee_entry_ref(node, deal_id), "shares": shares}))


async def enrol(node: Node, ballot: str, credentials: list[str]) -> Entry:
    """List members' public credentials (BL5): the secret never reaches the node."""
    return await node.append("ballot.credentials", _body(BallotCredentials, {
        "ballot": _ballot_ref(node, ballot), "credentials": sorted(credentials)}))


async def cast(node: Node, ballot: str, data: str) -> dict:
    """Write a member's finished ballot; the receipt is its tracker, entry id and seq."""
    entry = await node.append("ballot.cast", _body(BallotCast, {
        "ballot": _ballot_ref(node, ballot), "cast": data}))
    cast_ = next(c for c in _rules(node).casts[ballot][node.id] if c.id == entry.id)
    # the entry's own signature is the receipt's: the node signed where it put the ballot
    return {"tracker": cast_.tracker, "entry": entry.id, "seq": entry.seq, "ts": entry.ts,
            "group": node.id, "signature": entry.sig}


def find(node: Node, ballot: str, tracker: str) -> dict:
    """Where a member's ballot is held, and whether the final cut counts it."""
    call_or_404(node, ballot)
    rules = _rules(node)
    held = rules.tracker_place(node.state, ballot, tracker)
    result = rules.result(node.state, ballot)
    return {"held": held is not None,
            "entry": held.id if held else None, "seq": held.seq if held else None,
            "counted": tracker in result.trackers if result.final_cut else None}


async def cut(node: Node, ballot: str) -> Entry:
    """The heads this node holds of every group with a list for the ballot (BL7)."""
    call_or_404(node, ballot)
    groups = sorted(_rules(node).credentials.get(ballot, {}))
    heads = [[g, node.state.head_of(g).seq, node.state.head_of(g).id] for g in groups
             if node.state.head_of(g).seq > 0]
    return await node.append("ballot.cut", _body(BallotCut, {
        "ballot": _ballot_ref(node, ballot), "heads": heads}))


async def cosign(node: Node, cut_id: str) -> Entry:
    rules = _rules(node)
    held = rules.cuts.get(cut_id)
    if held is None:
        raise refuse("unknown_cut", "BL7: no cut with that id is known here", 404)
    return await node.append("ballot.cosign", _body(BallotCosign, {
        "cut": _ref(node, held.author, held.id),
        "totals": rules.totals_hash(node.state, held)}))


async def partial(node: Node, cut_id: str, group: str | None, data: str) -> Entry:
    held = _rules(node).cuts.get(cut_id)
    if held is None:
        raise refuse("unknown_cut", "BL7: no cut with that id is known here", 404)
    return await node.append("ballot.partial", _body(BallotPartial, {
        "cut": _ref(node, held.author, held.id), "group": group, "partial": data}))


def result(node: Node, ballot: str) -> Result:
    call_or_404(node, ballot)
    return _rules(node).result(node.state, ballot)


def describe(node: Node, ballot: str) -> dict:
    """A ballot as a member, a trustee or anyone sees it: no vote is in it."""
    found = call_or_404(node, ballot)
    answer = result(node, ballot)
    rules = _rules(node)
    final = rules.cuts.get(answer.final_cut or "")
    return {
        "id": found.id, "caller": found.author, **msgspec.to_builtins(found.body),
        "status": answer.status, "reason": answer.reason,
        "key": {"status": answer.key.status, "reason": answer.key.reason,
                "public_key": answer.key.public_key.hex() or None,
                "qualified": answer.key.qualified},
        "participants": answer.participants, "final_cut": answer.final_cut,
        "totals_hash": rules.totals_hash(node.state, final) if final else None,
        "ballots": answer.ballots, "counts": answer.counts, "groups": answer.groups,
        "trackers": answer.trackers,
    }


def listing(node: Node) -> list[dict]:
    rules = _rules(node)
    return [{"id": c.id, "title": c.body.title, "opens": c.body.opens,
             "closes": c.body.closes, "status": rules.result(node.state, c.id).status}
            for c in sorted(rules.calls.values(), key=lambda c: (c.body.opens, c.id))]


def verify(node: Node, ballot: str) -> list[str]:
    """What does not hold of a ballot's count on this node (`verify_state`)."""
    call_or_404(node, ballot)
    return verify_state(node.state, ballot)


def verify_state(state: NetworkState, ballot: str) -> list[str]:
    """What does not hold of a ballot's count, re-checked from the entries alone: every
    ballot's proofs and signature, the final cut's totals and the partial decryptions
    (BALLOTS.md 5.6, 7.5); empty when everything holds."""
    rules = state.rules(Ballots)
    call_ = rules.calls[ballot]
    key = rules.key(state, ballot)
    if key.status != "ready":
        return [] if key.status == "pending" else [key.reason]
    params = election(ballot, call_.body, key.public_key)
    problems = [f"the ballot at {c.author} seq {c.seq} does not verify"
                for casts in rules.casts.get(ballot, {}).values() for c in casts
                if isinstance(ballots_ballot.verify(params, c.data), Rejection)]
    final = rules.final_cut(state, ballot)
    if final is None:
        return problems
    totals = rules.cut_totals(state, final)
    shares = rules.partials.get(final.id, {}).get("", {})
    counts = tally.combine(params, totals[""], shares, call_.body.threshold)
    found = rules.result(state, ballot)
    if isinstance(counts, Rejection):
        if found.status == "counted":
            problems.append(counts.reason)
    elif found.counts != counts:
        problems.append("the published counts differ from the decryption")
    return problems


# -- the export: a ballot's count, checkable from its entries alone ----------------------


def export(node: Node, ballot: str, rows: list[tuple]) -> list[bytes]:
    """The signed entries a ballot's count depends on, from `rows` (rx, author, seq, id,
    kind, raw) in the order this node received them: each log from its first entry up to
    the final cut's head of it, or further up to the author's last ballot entry (the
    cosigns and partial decryptions that finish the count come after the cut); the logs
    the cut does not name, whole. A log is a chain, so nothing in it is left out below
    the last entry kept."""
    call_or_404(node, ballot)
    final = _rules(node).final_cut(node.state, ballot)
    if final is None:
        raise refuse("missing_dependency", "BL7: no cut of this ballot is final yet, so its "
                     "count cannot be exported", 409)
    upto = {group: seq for group, (seq, _) in final.heads.items()}
    for _, author, seq, _, kind, _ in rows:
        if kind.startswith("ballot.") and author in upto:
            upto[author] = max(upto[author], seq)
    return [raw for _, author, seq, _, _, raw in rows if seq <= upto.get(author, seq)]


def verify_export(raws: list[bytes], prefix: str) -> dict:
    """A ballot's count rebuilt from exported entries alone, with a state of its own: each
    entry's canonical bytes, chain and signature and the network's rules, as a node
    receiving them checks them (`receive.stored`, as `groupnet verify` does), then every
    ballot, the credential lists, the totals and the decryptions (`verify_state`). The
    problems name the entry (its line in the export) or the check that failed."""
    rows: list[tuple] = []
    problems: list[str] = []
    for line, raw in enumerate(raws, start=1):
        entry = parse(raw)
        if isinstance(entry, Rejection):
            problems.append(f"line {line}: not a signed entry as the protocol encodes it: "
                            f"{entry}")
            continue
        rows.append((line, entry.author, entry.seq, entry.id, entry.kind, raw))
    found, state = check_rows(rows, [], where=lambda line, author, seq, kind: (
        f"line {line} ({kind} by {author[:10]}… seq {seq})"))
    problems += found
    rules = state.rules(Ballots)
    matches = [i for i in rules.calls if i.startswith(prefix)]
    if len(matches) != 1:
        problems.append(f"the entries hold {len(matches)} ballots with an id starting "
                        f"{prefix!r}")
        return {"ballot": prefix, "entries": len(raws), "verified": False,
                "problems": problems}
    ballot = matches[0]
    problems += verify_state(state, ballot)
    answer = rules.result(state, ballot)
    if answer.status != "counted":
        problems.append(f"the entries do not count the ballot: {answer.reason}")
    return {"ballot": ballot, "entries": len(raws), "status": answer.status,
            "final_cut": answer.final_cut, "counts": answer.counts, "ballots": answer.ballots,
            "trackers": len(answer.trackers), "verified": not problems, "problems": problems}


def trustees(node: Node, ballot: str) -> list[dict]:
    """Each trustee's published steps of the key generation and the count."""
    rules = _rules(node)
    call_ = call_or_404(node, ballot)
    final = rules.final_cut(node.state, ballot)
    partials = rules.partials.get(final.id, {}).get("", {}) if final else {}
    out = []
    for j, group in enumerate(call_.body.trustees, start=1):
        out.append({
            "number": j, "group": group,
            "key": j in rules.keys.get(ballot, {}),
            "deal": any(d[0] == ballot and d[1] == j for d in rules.deals.values()),
            "extract": j in rules.extracts.get(ballot, {}),
            "partial": j in partials,
        })
    return out


def check_receipt(node: Node, ballot: str, receipt: dict) -> dict:
    """What a member's receipt says against the logs this node holds (BL6).

    The receipt is the tracker, the entry id and seq, and the home node's signature on
    the entry id: a node that signed a receipt cannot later leave the ballot out of its
    log without it showing, since its log then holds another entry at that seq.
    """
    call_or_404(node, ballot)
    group, seq, entry = receipt["group"], int(receipt["seq"]), receipt["entry"]
    key = node.state.key_at(group, seq)
    signed = crypto.verify_id(key, bytes.fromhex(entry), receipt["signature"])
    if not signed:
        return {"status": "unsigned", "reason": "BL6: the receipt's signature is not the "
                "group's: it proves nothing"}
    held = node.state.id_at(group, seq)
    if held is None:
        return {"status": "not yet held", "reason": f"BL6: this node holds that group's log "
                f"to seq {node.state.head_of(group).seq} so far"}
    if held != entry:
        return {"status": "dropped", "reason": "BL6: the group signed this ballot's entry at "
                "that seq, and its log holds another entry there: it dropped the ballot"}
    found = find(node, ballot, receipt["tracker"])
    return {"status": "counted" if found["counted"] else "held", "reason": "BL6: the "
            "ballot is in the group's log where the receipt says"}


# -- the close, done by the nodes themselves (BL7) ---------------------------------------

# the caller's node writes the cut this long after the close on its clock (SPEC 5.10)
CUT_DELAY_MS = 5_000


def _cut_due(state: NetworkState, me: str, call: Call, now: int) -> bool:
    rules = state.rules(Ballots)
    return call.author == me and now >= call.body.closes + CUT_DELAY_MS \
        and state.deadline_passed(call.body.closes) \
        and me in rules.credentials.get(call.id, {}) \
        and not any(c.ballot == call.id and c.author == me for c in rules.cuts.values())


def _cut_body(state: NetworkState, call: Call) -> BallotCut:
    groups = sorted(state.rules(Ballots).credentials.get(call.id, {}))
    return BallotCut(EntryRef(call.author, call.id, state.head_of(call.author).seq),
                     [Head(g, state.head_of(g).seq, state.head_of(g).id)  # type: ignore[arg-type]
                      for g in groups if state.head_of(g).seq > 0])


def _cosign_body(state: NetworkState, me: str, cut_: Cut) -> BallotCosign | None:
    """The cosign this node would sign of `cut_`, if the rules accept it (BL7)."""
    rules = state.rules(Ballots)
    if (cut_.ballot, me) in rules.cosigned:
        return None
    return BallotCosign(EntryRef(cut_.author, cut_.id, state.head_of(cut_.author).seq),
                        rules.totals_hash(state, cut_))


async def automate(node: Node, now: int) -> list[Entry]:
    """Write the cut of each ballot this node called once it closed; cosign the cuts this
    node agrees with, the caller's first, so that honest participants cosign one cut."""
    written: list[Entry] = []
    rules = _rules(node)
    if not rules.calls or not node.state.is_member(node.id):
        return written
    me = node.id
    for call_ in sorted(rules.calls.values(), key=lambda c: (c.body.closes, c.id)):
        if _cut_due(node.state, me, call_, now):
            def make_cut(state: NetworkState, c: Call = call_) -> BallotCut | None:
                return _cut_body(state, c) if _cut_due(state, me, c, now) else None
            entry = await node.append_due("ballot.cut", make_cut)
            if entry is not None:
                written.append(entry)
    ordered = sorted(_rules(node).cuts.values(), key=lambda c: (
        c.ballot, c.author != _rules(node).calls[c.ballot].author, c.seq, c.id))
    written += await cuts.cosign_each(node, "ballot.cosign", ordered,
                                      lambda state, cut_: _cosign_body(state, me, cut_),
                                      _participants, _progress, now)
    return written


def _participants(state: NetworkState, cut_: Cut) -> list[str] | None:
    return state.rules(Ballots).participants(state, cut_.ballot)


def _progress(state: NetworkState, cut_: Cut,
              participants: Collection[str]) -> tuple[bool, int]:
    """BL7: is a cut of the ballot final, and how many cosigns of its cuts are held?"""
    rules = state.rules(Ballots)
    return cuts.tally_cosigns(((g, c.id) for c in rules.cuts.values() if c.ballot == cut_.ballot
                               for g in rules.cosigns.get(c.id, {})), participants)


def credential_status(node: Node, ballot: str, credential: str) -> dict:
    """Whether a member's public credential is on a list, whose, and whether that list
    counts: it reached the network by the opening (BL5)."""
    call_ = call_or_404(node, ballot)
    for group, lists in sorted(_rules(node).credentials.get(ballot, {}).items()):
        for held, listed in lists:
            if credential in listed:
                arrived = node.state.arrived_before_deadline(
                    held.author, held.seq, held.ts, call_.body.opens)
                return {"listed": True, "group": group, "entry": held.id,
                        "counts": arrived}
    return {"listed": False, "group": None, "entry": None, "counts": False}
