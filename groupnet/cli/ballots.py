"""`groupnet ballot …` and `groupnet trustee …`: member ballots from the command line.

The secrets stay on the machine that runs the command, in a file its user owns
(mode 0600): a member's credential (`ballot enrol` makes it, `ballot vote` signs
with it), a trustee's key (`trustee key` makes it; `deal`, `check`, `extract`,
`disclose`, `decrypt` use it). The node in DIR only ever receives what a node
may hold: public credentials, finished ballots, and the trustee's published
material, through the same steps as the client API (`network/ballots.py`).
`ballot verify` re-checks a ballot offline from a node's directory: every
ballot's proofs and signature, the totals of the final cut, and every partial
decryption, and recomputes the result; `ballot export` writes the signed entries
the count depends on to a file, and `ballot verify --entries FILE` does every
check again from that file alone, with no node directory and no network.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
from pathlib import Path

import msgspec

from ..network import ballots
from ..network.node import Node
from ..procedure.ballots import ballot as ballots_ballot
from ..procedure.ballots import keygen, tally
from ..procedure.network.ballots import Ballots, election
from ..store import entries
from ..wire.rejection import Rejection, refuse
from .conferences import moment


def _ballot(node: Node, prefix: str) -> str:
    """A ballot's id from a unique prefix of it."""
    matches = [i for i in node.state.rules(Ballots).calls if i.startswith(prefix)]
    if len(matches) == 1:
        return matches[0]
    raise refuse("unknown_ballot", f"{len(matches)} ballots have an id starting {prefix!r}; "
                 "give more of it", 404)


def _print(value: object) -> None:
    print(json.dumps(msgspec.to_builtins(value), indent=2, ensure_ascii=False))


def _write_secret(path: Path, data: dict) -> None:
    """A secret file only its owner can read, written whole or not at all."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(data, out)


def _read_secret(path: Path) -> dict:
    if not path.exists():
        raise refuse("no_secret", f"{path} does not exist: make it first", 404)
    if path.stat().st_mode & 0o077:
        raise refuse("secret_exposed", f"{path} may be read by others; it must be mode 0600",
                     400)
    return json.loads(path.read_text(encoding="utf-8"))


async def _run(args: argparse.Namespace) -> int:
    node = await Node.open(Path(args.dir))
    try:
        shown = await args.action(node, args)
        if shown is not None:
            _print(shown)
        return 0
    finally:
        await node.close()


# -- members ---------------------------------------------------------------------


async def show(node: Node, args: argparse.Namespace) -> object:
    if args.ballot is None:
        return {"ballots": ballots.listing(node)}
    return ballots.describe(node, _ballot(node, args.ballot))


async def call(node: Node, args: argparse.Namespace) -> object:
    questions = [{"text": text, "choices": ["Yes", "No", "Abstain"], "least": 1, "most": 1}
                 for text in args.question]
    entry = await ballots.call(node, {
        "title": args.title, "decision": args.decision, "meeting": args.meeting,
        "item": args.item, "questions": questions, "trustees": args.trustee,
        "threshold": args.threshold, "keys_by": args.keys_by, "deals_by": args.deals_by,
        "extracts_by": args.extracts_by, "opens": args.opens, "closes": args.closes})
    print(f"ballot called: {entry.id} (seq {entry.seq})")
    return None


async def enrol(node: Node, args: argparse.Namespace) -> object:
    ballot = _ballot(node, args.ballot)
    path = Path(args.credential)
    if not path.exists():
        _write_secret(path, {"ballot": ballot, "seed": secrets.token_bytes(32).hex()})
    held = _read_secret(path)
    _, public = ballots_ballot.credential(bytes.fromhex(held["seed"]))
    entry = await ballots.enrol(node, ballot, [public.hex()])
    print(f"credential {public.hex()} listed: entry {entry.id} (seq {entry.seq})")
    return None


async def listed(node: Node, args: argparse.Namespace) -> object:
    """Whether the credential in FILE is on a list, and whether that list counts."""
    held = _read_secret(Path(args.credential))
    _, public = ballots_ballot.credential(bytes.fromhex(held["seed"]))
    return ballots.credential_status(node, _ballot(node, args.ballot), public.hex())


async def vote(node: Node, args: argparse.Namespace) -> object:
    """Encrypt, prove and sign the ballot here, from the credential file; hand the node
    only the finished ballot."""
    ballot = _ballot(node, args.ballot)
    held = _read_secret(Path(args.credential))
    secret, _ = ballots_ballot.credential(bytes.fromhex(held["seed"]))
    call_ = ballots.call_or_404(node, ballot)
    key = node.state.rules(Ballots).key(node.state, ballot)
    if key.status != "ready":
        raise refuse("missing_dependency", f"BL3: the election key is not made yet "
                     f"({key.reason})", 409)
    marks = []
    for number, (question, choice) in enumerate(zip(call_.body.questions, args.choose,
                                                    strict=False)):
        picked = {int(c) for c in choice.split(",") if c != ""}
        if any(not 0 <= c < len(question.choices) for c in picked):
            raise refuse("bad_vote", f"question {number + 1} has choices 0 to "
                         f"{len(question.choices) - 1}", 400)
        marks.append([1 if c in picked else 0 for c in range(len(question.choices))])
    made = ballots_ballot.cast(election(ballot, call_.body, key.public_key), secret, marks,
                               secrets.token_bytes(32))
    if isinstance(made, Rejection):
        raise refuse(made.code, made.reason, 400)
    receipt = await ballots.cast(node, ballot, made.hex())
    Path(args.credential + ".receipt").write_text(json.dumps(receipt), encoding="utf-8")
    print(f"ballot cast; tracker {receipt['tracker']} (entry {receipt['entry']}, "
          f"seq {receipt['seq']})")
    return None


async def find(node: Node, args: argparse.Namespace) -> object:
    return ballots.find(node, _ballot(node, args.ballot), args.tracker)


async def cut(node: Node, args: argparse.Namespace) -> object:
    entry = await ballots.cut(node, _ballot(node, args.ballot))
    print(f"cut written: entry {entry.id} (seq {entry.seq})")
    return None


async def cosign(node: Node, args: argparse.Namespace) -> object:
    entry = await ballots.cosign(node, args.cut)
    print(f"cut cosigned: entry {entry.id} (seq {entry.seq})")
    return None


async def verify(node: Node, args: argparse.Namespace) -> object:
    """Every check again, from the stored entries alone (BALLOTS.md 5.6, 7.5)."""
    ballot = _ballot(node, args.ballot)
    problems = ballots.verify(node, ballot)
    result = ballots.result(node, ballot)
    shown = {"ballot": ballot, "status": result.status, "counts": result.counts,
             "ballots": result.ballots, "verified": not problems, "problems": problems}
    if problems:
        _print(shown)
        raise SystemExit(1)
    return shown


async def export(node: Node, args: argparse.Namespace) -> object:
    """The entries the ballot's count depends on, one signed entry a line, to FILE."""
    ballot = _ballot(node, args.ballot)
    lines = ballots.export(node, ballot, await entries.all_rows(node.db))
    with open(args.file, "wb") as out:
        out.writelines(raw + b"\n" for raw in lines)
    print(f"{len(lines)} entries of ballot {ballot} written to {args.file}")
    return None


async def _verify(args: argparse.Namespace) -> int:
    """`ballot verify DIR BALLOT` on a node's directory, or `ballot verify --entries FILE
    BALLOT` on an export alone: no node, no network."""
    if args.entries is None:
        if args.dir is None:
            raise SystemExit("ballot verify: give the node's directory, or --entries FILE")
        return await _run(args)
    shown = ballots.verify_export(Path(args.entries).read_bytes().splitlines(), args.ballot)
    _print(shown)
    return 0 if shown["verified"] else 1


# -- trustees ---------------------------------------------------------------------


def _trustee(node: Node, args: argparse.Namespace) -> tuple[str, int, int, bytes]:
    """The ballot, this trustee's number, its secret k and its seed, from the file."""
    ballot = _ballot(node, args.ballot)
    call_ = ballots.call_or_404(node, ballot)
    if node.id not in call_.body.trustees:
        raise refuse("not_trustee", "BL4: this node's group is no trustee of the ballot", 403)
    held = _read_secret(Path(args.secret))
    seed = bytes.fromhex(held["seed"])
    secret, _ = keygen.trustee_key(seed)
    return ballot, call_.body.trustees.index(node.id) + 1, secret, seed


def _seed(seed: bytes, label: str) -> bytes:
    return hashlib.sha256(seed + label.encode()).digest()


def _ceremony(node: Node, ballot: str) -> keygen.Ceremony:
    rules = node.state.rules(Ballots)
    found = rules.ceremony(rules.calls[ballot])
    if found is None:
        raise refuse("missing_dependency", "BL3: this node does not hold every trustee's key "
                     "yet", 409)
    return found


async def trustee_key(node: Node, args: argparse.Namespace) -> object:
    ballot = _ballot(node, args.ballot)
    path = Path(args.secret)
    if not path.exists():
        _write_secret(path, {"ballot": ballot, "seed": secrets.token_bytes(32).hex()})
    _, j, secret, seed = _trustee(node, args)
    _, key = keygen.trustee_key(seed)
    proof = keygen.key_proof(bytes.fromhex(ballot), j, secret, _seed(seed, "proof"))
    entry = await ballots.trustee_key(node, ballot, key.hex(), proof.hex())
    print(f"trustee {j}'s key published: entry {entry.id} (seq {entry.seq})")
    return None


async def trustee_deal(node: Node, args: argparse.Namespace) -> object:
    ballot, j, secret, seed = _trustee(node, args)
    data = keygen.deal(_ceremony(node, ballot), j, secret, _seed(seed, "deal"))
    entry = await ballots.deal(node, ballot, data.hex())
    print(f"trustee {j}'s deal published: entry {entry.id} (seq {entry.seq})")
    return None


async def trustee_check(node: Node, args: argparse.Namespace) -> object:
    """Open this trustee's shares from every deal (and extraction) held; complain against
    each that does not hold."""
    ballot, j, secret, seed = _trustee(node, args)
    rules = node.state.rules(Ballots)
    ceremony = _ceremony(node, ballot)
    complained = []
    for ident, (owner, dealer, _, body) in sorted(rules.deals.items()):
        if owner != ballot or dealer == j:
            continue
        found = keygen.read_deal(ceremony, dealer, bytes.fromhex(body.deal))
        extracted = rules.extracts.get(ballot, {}).get(dealer)
        points = keygen.read_extract(ceremony, dealer, bytes.fromhex(extracted[1].extract)) \
            if extracted else None
        if isinstance(found, Rejection) or isinstance(points, Rejection):
            continue
        if keygen.open_share(ceremony, found, dealer, j, secret, points) is None:
            against = extracted[0].id if extracted else ident
            data = keygen.complain(ceremony, found, dealer, j, secret,
                                   _seed(seed, f"complaint {dealer}"))
            await ballots.complain(node, against, data.hex())
            complained.append(dealer)
    return {"trustee": j, "complained_against": complained}


async def trustee_extract(node: Node, args: argparse.Namespace) -> object:
    ballot, j, secret, seed = _trustee(node, args)
    data = keygen.extract(_ceremony(node, ballot), secret, _seed(seed, "deal"))
    entry = await ballots.extract(node, ballot, data.hex())
    print(f"trustee {j}'s extraction published: entry {entry.id} (seq {entry.seq})")
    return None


async def trustee_disclose(node: Node, args: argparse.Namespace) -> object:
    ballot, j, secret, _ = _trustee(node, args)
    rules = node.state.rules(Ballots)
    ident, body = rules.deal_by(ballot, args.dealer)
    ceremony = _ceremony(node, ballot)
    found = keygen.read_deal(ceremony, args.dealer, bytes.fromhex(body.deal))
    shares = keygen.disclose(ceremony, found, args.dealer, j, secret)  # type: ignore[arg-type]
    entry = await ballots.disclose(node, ident, shares.hex())
    print(f"trustee {j} disclosed its shares from trustee {args.dealer}: entry {entry.id}")
    return None


def share_of(node: Node, ballot: str, j: int, secret: int) -> int:
    """x_j: the sum of this trustee's shares from every qualified dealer (BALLOTS 6.7)."""
    rules = node.state.rules(Ballots)
    key = rules.key(node.state, ballot)
    ceremony = _ceremony(node, ballot)
    shares = {}
    for dealer in key.qualified:
        _, body = rules.deal_by(ballot, dealer)
        found = keygen.read_deal(ceremony, dealer, bytes.fromhex(body.deal))
        opened = keygen.open_share(ceremony, found, dealer, j, secret)  # type: ignore[arg-type]
        if opened is None:
            raise refuse("bad_deal", f"trustee {dealer}'s shares for this trustee do not "
                         "hold", 409)
        shares[dealer] = opened[0]
    return keygen.secret_share(shares)


async def trustee_decrypt(node: Node, args: argparse.Namespace) -> object:
    """The partial decryption of the final cut's totals: the network's, and each group's
    above the privacy floor."""
    ballot, j, secret, seed = _trustee(node, args)
    rules = node.state.rules(Ballots)
    final = rules.final_cut(node.state, ballot)
    if final is None:
        raise refuse("missing_dependency", "BL7: no cut is final yet", 409)
    key = rules.key(node.state, ballot)
    params = election(ballot, rules.calls[ballot].body, key.public_key)
    x = share_of(node, ballot, j, secret)
    written = []
    for scope, totals in sorted(rules.cut_totals(node.state, final).items()):
        data = tally.decrypt_share(params, totals, j, x, secrets.token_bytes(32))
        entry = await ballots.partial(node, final.id, scope or None, data.hex())
        written.append({"group": scope or None, "entry": entry.id})
    return {"trustee": j, "partials": written}


# -- the parsers -------------------------------------------------------------------


def _command(group, name: str, action, help_text: str):
    p = group.add_parser(name, help=help_text, description=help_text)
    p.add_argument("dir", help="the node's directory")
    p.set_defaults(handler=_run, action=action)
    return p


def add_parsers(commands) -> None:
    """Add `ballot` and `trustee` to the top-level commands."""
    top = commands.add_parser(
        "ballot", help="member ballots: call, enrol, vote, find, cut, cosign, verify",
        description="Member ballots across the network (SPEC 5.10): one member, one vote.")
    sub = top.add_subparsers(dest="ballot_command", metavar="ACTION", required=True)
    p = _command(sub, "show", show, "every ballot, or one: window, key, result, trackers")
    p.add_argument("ballot", nargs="?", help="the ballot's id (a unique prefix will do)")
    p = _command(sub, "call", call, "call a ballot on a carried call-ballot decision")
    p.add_argument("--title", required=True)
    p.add_argument("--decision", required=True, help="what it decides (C6)")
    p.add_argument("--meeting", required=True, help="the meeting that decided to call it")
    p.add_argument("--item", type=int, default=0)
    p.add_argument("--question", action="append", required=True,
                   help="a yes/no/abstain question (repeat for more)")
    p.add_argument("--trustee", action="append", required=True, help="a trustee group's id")
    p.add_argument("--threshold", type=int, default=3)
    for when in ("keys-by", "deals-by", "extracts-by", "opens", "closes"):
        p.add_argument(f"--{when}", type=moment, required=True)
    p = _command(sub, "enrol", enrol, "make a credential in FILE (mode 0600, kept here) and "
                 "put its public part on the group's list")
    p.add_argument("ballot")
    p.add_argument("--credential", required=True, metavar="FILE")
    p = _command(sub, "listed", listed, "is the credential in FILE on the list, and does the "
                 "list count")
    p.add_argument("ballot")
    p.add_argument("--credential", required=True, metavar="FILE")
    p = _command(sub, "vote", vote, "encrypt, prove and sign a ballot here with the "
                 "credential in FILE, and cast it; the receipt goes to FILE.receipt")
    p.add_argument("ballot")
    p.add_argument("--credential", required=True, metavar="FILE")
    p.add_argument("--choose", action="append", required=True,
                   help="the choices marked for each question in order, e.g. 0 or 1,3")
    p = _command(sub, "find", find, "find my ballot by its tracker")
    p.add_argument("ballot")
    p.add_argument("tracker")
    p = _command(sub, "cut", cut, "write the cut after the close")
    p.add_argument("ballot")
    p = _command(sub, "cosign", cosign, "cosign a cut with the hash of its totals")
    p.add_argument("cut")
    p = _command(sub, "export", export, "write the signed entries the count depends on to "
                 "FILE, for anyone to verify with `ballot verify --entries`")
    p.add_argument("ballot")
    p.add_argument("file")
    text = ("re-check every ballot, the credential lists, the totals and the count, from a "
            "node's directory or from an export's entries alone")
    p = sub.add_parser("verify", help=text, description=text)
    p.add_argument("dir", nargs="?", help="the node's directory (not with --entries)")
    p.add_argument("ballot", help="the ballot's id (a unique prefix will do)")
    p.add_argument("--entries", metavar="FILE", help="an export (`ballot export`): rebuild "
                   "everything from its entries alone")
    p.set_defaults(handler=_verify, action=verify)

    top = commands.add_parser(
        "trustee", help="a ballot trustee's steps, with the key kept in a file here",
        description="A trustee's key generation and partial decryption (BALLOTS.md 6, 7). "
        "The secret never leaves the file (mode 0600).")
    sub = top.add_subparsers(dest="trustee_command", metavar="ACTION", required=True)
    for name, action, text in (
            ("key", trustee_key, "make the trustee key in FILE and publish it with its proof"),
            ("deal", trustee_deal, "publish the deal"),
            ("check", trustee_check, "check the shares dealt to us; complain where they fail"),
            ("extract", trustee_extract, "publish the extraction"),
            ("decrypt", trustee_decrypt, "publish the partial decryptions of the final cut")):
        p = _command(sub, name, action, text)
        p.add_argument("ballot")
        p.add_argument("--secret", required=True, metavar="FILE")
    p = _command(sub, "disclose", trustee_disclose, "disclose our shares from a dealer")
    p.add_argument("ballot")
    p.add_argument("--secret", required=True, metavar="FILE")
    p.add_argument("--dealer", type=int, required=True)
