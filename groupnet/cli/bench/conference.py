"""`groupnet bench conference`: a network of the background's size, from requisition to
final agenda, folded by a receiving node.

The network is made up in this process before the clock starts: a founder whose
constitution seats five groups on the arrangements committee, N groups with M
members in all, each with a register commitment, and every entry of the
conference, dated over ten weeks that ended an hour ago: a requisition and its
supporters, the call, the motions (two per group at most) and amendments, every
group's credential, the arrangements committee's meeting (rulings out,
composites, the order of business) with its seats' votes, the composite's
consents, an appeal, every delegation's priorities ballot, and each group's
`heads.witness` after each phase, as a group's node signs them. No HTTP servers
run: the figures are what one node spends to fold everything, and every node
folds the same entries. The fold is timed through `Node.ingest`, the path the
inbox takes (canonical form, signatures in worker processes, every rule of SPEC
3.4 and 5, SQLite); then the node derives the final agenda (SPEC 5.8). Fresh
nodes fed the same entries in other orders must reach the same state hash and
agenda. The reference, as in the other benchmarks: the raw Ed25519 verify rate
on one core, over the same signatures.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import msgspec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ...network.node import Node
from ...procedure.network.conference_review import Review, review
from ...procedure.network.constitution import DAY_MS, default
from ...procedure.network.elections import elections_of, outcome
from ...procedure.network.floor_review import floor
from ...wire import crypto, messages
from ...wire.messages import (
    Admit,
    Adoption,
    BodyItem,
    BodyMeeting,
    BodyVote,
    Charter,
    ConferenceAmendment,
    ConferenceAppeal,
    ConferenceCall,
    ConferenceConsent,
    ConferenceMotion,
    ConferenceNomination,
    ConferencePriorities,
    ConferenceRequisition,
    DecisionRef,
    DelegateCredential,
    DelegateSeat,
    Entry,
    EntryRef,
    Head,
    NetworkConstitution,
    NetworkStandingOrders,
    RegisterCommitment,
    Seat,
    Tally,
    Witness,
)
from ..setup import create_node, free_port
from .floor import make_floor
from .floor_network import bench_floor_network

TARGET_SECONDS = 60.0
ELECTED_BODY = "national-committee"
ELECTED_SEATS = 7
HOUR = 3_600_000
UNREACHABLE = "http://127.0.0.1:9"
SUBJECTS = ("housing", "transport", "climate", "health", "schools", "wages", "democracy",
            "policing", "energy", "water", "childcare", "pensions", "migration", "rents",
            "libraries", "parks", "buses", "care", "food", "culture")


def add_conference_parser(kinds: argparse._SubParsersAction, handler: Callable) -> None:
    p = kinds.add_parser(
        "conference", help="a conference of N groups folded from requisition to final agenda",
        description="Make up a network of N groups with M members in all (each with a "
        "register commitment) and a whole conference, from requisition to final agenda, "
        "with the given numbers of motions and amendments and every group's credential; "
        "fold it through one receiving node's Node.ingest (no HTTP servers: every node "
        "folds the same entries) and derive the final agenda. Prints the total time, the "
        "per-node CPU, and the raw verify rate of the same signatures (target: under "
        f"{TARGET_SECONDS:.0f} s).")
    p.add_argument("--nodes", type=int, default=150, help="groups in the network")
    p.add_argument("--members", type=int, default=21000, help="members in all the groups")
    p.add_argument("--motions", type=int, default=300, help="conference motions")
    p.add_argument("--amendments", type=int, default=200, help="amendments")
    p.add_argument("--orders", type=int, default=2,
                   help="fresh nodes fed the entries in other orders, to check agreement")
    p.add_argument("--floor", action="store_true",
                   help="then hold the conference's floor: the delegates vote on --questions "
                   "questions (card votes and shows of hands), each cut and cosigned; the "
                   "receiving node folds it and must derive every result")
    p.add_argument("--questions", type=int, default=None,
                   help="questions put (with --floor; default 60, or 10 with --network)")
    p.add_argument("--network", action="store_true",
                   help="with --floor: hold the floor on a running network of --nodes real "
                   "nodes (as bench propagation forms it) and print the time from each close "
                   "to the result final on every node (target: p99 under 5 s)")
    p.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                   help="with --network: worker processes the nodes are spread over, node i "
                   "in worker i mod W (default: one per core)")
    p.add_argument("--delegates", type=int, default=400,
                   help="delegates in all (with --floor): the entitlement rule is set to give "
                   "about this many")
    p.set_defaults(handler=handler)


class Group:
    """One group's log as it writes it."""

    def __init__(self, number: int, net: str) -> None:
        self.number = number
        self.key = crypto.SigningKey.from_seed(os.urandom(32))
        self.id = self.key.public
        self.net = net
        self.seq = 0
        self.prev: str | None = None
        self.entries: list[Entry] = []

    def write(self, kind: str, body, ts: int) -> Entry:
        self.seq += 1
        entry = messages.build(self.key, self.net, self.id, self.seq, self.prev, ts, kind, body)
        self.prev = entry.id
        self.entries.append(entry)
        return entry


def _sizes(total: int, groups: int, chooser: random.Random) -> list[int]:
    """Group sizes of a real network: a few large, many small, `total` in all."""
    weights = [chooser.paretovariate(1.5) for _ in range(groups)]
    scale = total / sum(weights)
    sizes = [max(1, int(w * scale)) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


@dataclass
class Made:
    """A network and its conference as built: the groups' logs, the call, every entry in an
    order a node could take them, the wording of every motion, composite and amendment by
    id, and each group's committed members and delegates."""

    groups: list[Group]
    call: Entry
    entries: list[Entry]
    texts: dict[str, str]
    members: dict[str, int]
    delegates: dict[str, int]
    nominations: list[Entry]


def members_per_delegate(sizes: list[int], delegates: int, most: int) -> int:
    """The entitlement rule (one delegate per started N members, `most` at most) whose N
    gives the network closest to `delegates` delegates in all."""
    def total(n: int) -> int:
        return sum(min(most, -(-size // n)) for size in sizes)
    return min(range(1, max(sizes) + 1), key=lambda n: (abs(total(n) - delegates), n))


def make_conference(nodes: int, members: int, motions: int, amendments: int,
                    delegates: int | None = None, days_after: int = 0) -> Made:
    """Every entry of the network and its conference, from the founding to the final
    agenda; `days_after`: days between the conference's opening and now (0: it opens a day
    from now), for a floor to follow; `delegates`: the entitlement rule set so that the
    delegations number about this many in all."""
    chooser = random.Random(2026)
    base = int(time.time() * 1000) - (70 + days_after) * DAY_MS - HOUR
    founder_key = crypto.SigningKey.from_seed(os.urandom(32))
    nonce = crypto.b64encode(os.urandom(16))
    net = crypto.network_id(founder_key.public, nonce)
    groups = [Group(0, net)]
    groups[0].key, groups[0].id = founder_key, founder_key.public
    groups += [Group(i, net) for i in range(1, nodes)]
    order: list[Entry] = []
    founder = groups[0]
    orders = NetworkStandingOrders()
    order.append(founder.write("network.charter", Charter(
        "Conference Network", "Group 0", UNREACHABLE, nonce, orders), base))
    sizes = _sizes(members, nodes, random.Random(2026))
    rules = msgspec.structs.replace(
        default(orders).conference, motions_per_group=max(1, -(-motions // nodes)),
        amendments_per_group=max(1, -(-amendments // nodes)))
    if delegates is not None:  # a floor follows: enough delegates, and items to put
        rules = msgspec.structs.replace(rules, members_per_delegate=members_per_delegate(
            sizes, delegates, rules.max_delegates), priority_slots=60)
    constitution = msgspec.structs.replace(default(orders), conference=rules)
    if delegates is not None:  # the conference elects the national committee
        constitution = msgspec.structs.replace(constitution, bodies=[
            msgspec.structs.replace(b, seats=ELECTED_SEATS, elected=True, balance="woman")
            if b.id == ELECTED_BODY else b for b in constitution.bodies])
    seats = [Seat("arrangements-committee", g.id, f"cac-{g.number}", f"Member {g.number}")
             for g in groups[:5]]
    order.append(founder.write("network.constitution", NetworkConstitution(
        constitution, seats, base + 150 * DAY_MS), base + 1))
    for g in groups[1:]:
        order.append(founder.write("node.admit", Admit(g.id, f"Group {g.number}", UNREACHABLE),
                                   base + 1 + g.number))
    for g, size in zip(groups, sizes, strict=True):
        order.append(g.write("register.commitment", RegisterCommitment(
            base, size, os.urandom(32).hex()), base + 1000 + g.number))

    def witnesses(ts: int) -> None:
        for g in groups:
            heads = [Head(o.id, o.seq, o.prev) for o in groups if o is not g and o.seq > 0]
            for start in range(0, len(heads), 500):
                order.append(g.write("heads.witness", Witness(heads[start:start + 500]), ts))

    def ref(entry: Entry) -> EntryRef:
        return EntryRef(entry.author, entry.id, entry.seq)

    def decision(seed: int) -> Adoption:
        return Adoption("General meeting", "2026-01-15", Tally(18 + seed % 7, seed % 5, 1, 30))

    witnesses(base + HOUR)
    day = lambda n: base + n * DAY_MS  # noqa: E731
    opens = day(71)
    needed = -(-rules.requisition_groups_percent * nodes // 100)
    opener = groups[10 % nodes].write("conference.requisition", ConferenceRequisition(
        "Special conference", "The committees stopped meeting", opens, None), day(1))
    order.append(opener)
    for g in groups[11:10 + needed]:
        order.append(g.write("conference.requisition", ConferenceRequisition(
            "Special conference", "We agree", opens, ref(opener)), day(1) + g.number))
    witnesses(day(1) + HOUR)
    call = groups[10 % nodes].write("conference.call", ConferenceCall(
        "Special conference", "requisition", opens, opens + 2 * DAY_MS, None, ref(opener)),
        day(2))
    order.append(call)
    nominations: list[Entry] = []
    if delegates is not None:  # each of the first groups nominates a woman and a man
        for n in range(min(2 * nodes, 4 * ELECTED_SEATS)):
            g = groups[n // 2]
            nominations.append(g.write("conference.nomination", ConferenceNomination(
                ref(call), ELECTED_BODY, f"candidate-{n}", f"Candidate {n}",
                "woman" if n % 2 else ""), day(3) + n))
        order += nominations
    witnesses(day(3) + HOUR)

    submitted: list[Entry] = []
    texts: dict[str, str] = {}
    for n in range(motions):
        g = groups[n % nodes]
        subject = SUBJECTS[chooser.randrange(len(SUBJECTS))]
        words = " ".join(chooser.choice(("rent", "bus", "wage", "school", "clinic", "park",
                                         "vote", "union", "tenant", "council"))
                         for _ in range(chooser.randrange(40, 300)))
        submitted.append(g.write("conference.motion", ConferenceMotion(
            ref(call), f"Motion {n} on {subject}", f"This conference resolves: {words}.",
            subject, decision(n), ""), day(5) + n))
    order += submitted
    texts.update((m.id, m.body.text) for m in submitted)  # type: ignore[attr-defined]
    witnesses(day(5) + HOUR)
    for n in range(amendments):
        g = groups[n % nodes]
        target = submitted[(n * 7 + 1) % len(submitted)]
        if target.author == g.id:
            target = submitted[(n * 7 + 2) % len(submitted)]
        amendment = g.write("conference.amendment", ConferenceAmendment(
            ref(target), f"{target.body.text} Amended by group {g.number}.",  # type: ignore[attr-defined]
            "clearer", decision(n)), day(10) + n)
        order.append(amendment)
        texts[amendment.id] = amendment.body.text  # type: ignore[attr-defined]
    witnesses(day(10) + HOUR)
    delegations: dict[str, int] = {}
    for g, size in zip(groups, sizes, strict=True):
        delegations[g.id] = min(rules.max_delegates, -(-size // rules.members_per_delegate))
        order.append(g.write("delegate.credential", DelegateCredential(call.id, "election 1", [
            DelegateSeat(f"g{g.number}-{d}", f"Delegate {d}")
            for d in range(delegations[g.id])], []), day(12) + g.number))
    witnesses(day(12) + HOUR)

    # the arrangements committee: ten rulings out, ten composites of two, the order
    by_subject: dict[str, list[Entry]] = {}
    for m in submitted[10:]:
        by_subject.setdefault(m.body.subject, []).append(m)  # type: ignore[attr-defined]
    pairs = [ms[:2] for ms in by_subject.values() if len(ms) >= 2][:10]
    items = [BodyItem("rule-out", "Outside the network's competence", call.id, [m.id], None,
                      "C4.2") for m in submitted[:10]]
    items += [BodyItem("composite", f"Composite on {pair[0].body.subject}.", call.id,  # type: ignore[attr-defined]
                       [m.id for m in pair], None, "") for pair in pairs]
    items.append(BodyItem("order-business", "", call.id, [m.id for m in submitted[10:60]],
                          None, ""))
    meeting = founder.write("body.meeting", BodyMeeting(
        "arrangements-committee", "Arrangements", day(22), day(22) + 2 * HOUR, items), day(19))
    order.append(meeting)
    texts.update((f"{meeting.id}:{index}", item.text) for index, item in enumerate(items)
                 if item.action == "composite")
    witnesses(day(19) + HOUR)
    for seat in seats:
        g = next(g for g in groups if g.id == seat.group)
        for index in range(len(items)):
            order.append(g.write("body.vote", BodyVote(ref(meeting), index, seat.holder, "for"),
                                 day(22) + HOUR + index))
    witnesses(day(22) + HOUR + HOUR // 2)
    for index, pair in enumerate(pairs, start=11):
        for m in pair:
            g = next(g for g in groups if g.id == m.author)
            order.append(g.write("conference.consent", ConferenceConsent(
                DecisionRef(ref(meeting), index - 1), True), day(25) + index))
    ruled = next(g for g in groups if g.id == submitted[0].author)
    order.append(ruled.write("conference.appeal", ConferenceAppeal(
        DecisionRef(ref(meeting), 0), "It is within our competence"), day(25) + 100))
    witnesses(day(25) + HOUR)
    for g in groups:
        picks = chooser.sample(submitted[10:], min(rules.priority_slots, len(submitted) - 10))
        order.append(g.write("conference.priorities", ConferencePriorities(
            ref(call), [m.id for m in picks]), day(30) + g.number))
    witnesses(day(30) + HOUR)
    witnesses(day(65))
    return Made(groups, call, order, texts, {g.id: size for g, size in zip(groups, sizes,
                                                                            strict=True)},
                delegations, nominations)


def _shuffled(entries: list[Entry], seed: int) -> list[bytes]:
    """Each author's log in order, the authors' entries interleaved at random."""
    queues: dict[str, list[Entry]] = {}
    for entry in entries:
        queues.setdefault(entry.author, []).append(entry)
    chooser, pending, out = random.Random(seed), list(queues.values()), []
    while pending:
        queue = chooser.choice(pending)
        out.append(queue.pop(0).raw)
        if not queue:
            pending.remove(queue)
    return out


LATER = {"seq_gap", "missing_dependency", "unknown_author", "not_admitted", "no_charter"}


async def _take(node: Node, raws: list[bytes]) -> tuple[float, float]:
    """`node` takes `raws`, offering again what must wait: wall and CPU seconds (signature
    workers included)."""
    wall, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    pending = raws
    while pending:
        results = []
        for start in range(0, len(pending), 1000):
            results += await node.ingest(pending[start:start + 1000])
        refused = [r for r in results if r.status == "rejected" and r.code not in LATER]
        if refused:
            raise SystemExit(f"error: the receiver refused an entry: {refused[0]}")
        again = [raw for raw, r in zip(pending, results, strict=True)
                 if r.status == "rejected"]
        if len(again) == len(pending):
            raise SystemExit("error: entries wait for something never sent")
        pending = again
    return time.perf_counter() - wall, time.process_time() - cpu + (_children_cpu() - children)


async def _fold(directory: Path, raws: list[bytes], conference: str
                ) -> tuple[float, float, float, str, bytes]:
    """A fresh node takes `raws` (offering again what must wait): wall, CPU, agenda, hash."""
    port = free_port()
    await create_node(directory, "Receiver", f"http://127.0.0.1:{port}", port=port,
                      allow_private_peers=True)
    node = await Node.open(directory)
    try:
        wall, node_cpu = await _take(node, raws)
        cpu = time.process_time()
        found = review(node.state, conference)
        agenda_cpu = time.process_time() - cpu
        if found is None or found.agenda.status != "final":
            raise SystemExit(f"error: no final agenda: {found and found.agenda.status}")
        return wall, node_cpu, agenda_cpu, node.state.state_hash(), msgspec.json.encode(found)
    finally:
        await node.close()


def _children_cpu() -> float:
    """CPU seconds of this process's live children: the signature workers (Linux /proc)."""
    proc, me, tick, total = Path("/proc"), os.getpid(), os.sysconf("SC_CLK_TCK"), 0.0
    for entry in proc.iterdir() if (proc / "self" / "stat").exists() else ():
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if entry.name.isdigit() and int(fields[1]) == me:
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def _raw_verify_seconds(entries: list[Entry]) -> float:
    """One core verifying the same signatures with `cryptography` alone: the reference."""
    keys = {e.author: Ed25519PublicKey.from_public_bytes(crypto.b64decode(e.author))
            for e in entries}
    items = [(keys[e.author], crypto.b64decode(e.sig), crypto.SIGNATURE_DOMAIN + e.id_bytes)
             for e in entries]
    start = time.perf_counter()
    for key, signature, signed in items:
        key.verify(signature, signed)
    return time.perf_counter() - start


async def _hold_floor(directory: Path, made: Made, found: Review, questions: int
                      ) -> tuple[list[Entry], dict]:
    """The floor of the conference the node in `directory` holds up to its final agenda:
    build it, have the node fold it, and check it derives every result as built."""
    started = time.perf_counter()
    entries, results, count = make_floor(made, found.agenda, questions)
    built = time.perf_counter() - started
    node = await Node.open(directory)
    try:
        wall, cpu = await _take(node, [e.raw for e in entries])
        deriving = time.process_time()
        view = floor(node.state, made.call.id)
        decided = [outcome(node.state, e) for e in elections_of(node.state, made.call.id)]
        derived = time.process_time() - deriving
        assert view is not None
        for q in view.questions:
            if not q.final or q.status == "void" or q.result != results.get(q.id):
                raise SystemExit(f"error: the receiver derived {q.status} {q.result} "
                                 f"({q.reason}) for a question built as {results.get(q.id)}")
        if len(view.questions) != len(results):
            raise SystemExit("error: the receiver holds another number of questions")
        if count is not None and ([d.status for d in decided] != ["elected"] or
                                  [s.holder for s in decided[0].seats] != _holders(made, count)):
            raise SystemExit(f"error: the receiver derived the election as {decided}")
        return entries, {
            "election": (count, decided[0]) if count is not None else None,
            "built": built, "wall": wall, "cpu": cpu, "derived": derived,
            "questions": view.questions, "hash": node.state.state_hash(),
            "view": msgspec.json.encode(view)}
    finally:
        await node.close()


def _holders(made: Made, count) -> list[str]:
    by_id = {n.id: n.body.holder for n in made.nominations}  # type: ignore[attr-defined]
    return [by_id[c] for c in count.elected]


async def bench_conference(args: argparse.Namespace) -> int:
    if args.network:
        if not args.floor or args.nodes < 2:
            raise SystemExit("error: --network is a mode of --floor, on 2 nodes or more")
        questions = args.questions if args.questions is not None else 10
        if questions < 1:
            raise SystemExit("error: at least one question")
        if args.processes < 1:
            raise SystemExit("error: --processes takes 1 or more")
        return await bench_floor_network(args.nodes, questions, args.processes)
    if args.questions is None:
        args.questions = 60
    if args.nodes < 12 or args.members < args.nodes or args.motions < 70:
        raise SystemExit("error: at least 12 groups, a member each, and 70 motions")
    if args.floor and (args.questions < 1 or args.delegates < args.nodes):
        raise SystemExit("error: with --floor, at least one question and a delegate a group")
    print(f"preparing a network of {args.nodes} groups ({args.members} members), a "
          f"conference with {args.motions} motions and {args.amendments} amendments …",
          flush=True)
    started = time.perf_counter()
    cpu = time.process_time()
    made_up = make_conference(args.nodes, args.members, args.motions, args.amendments,
                              delegates=args.delegates if args.floor else None,
                              days_after=3 if args.floor else 0)
    groups, conference, entries = made_up.groups, made_up.call.id, made_up.entries
    made, made_cpu = time.perf_counter() - started, time.process_time() - cpu
    kinds: dict[str, int] = {}
    for entry in entries:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    print(f"conference: {len(entries)} entries from {len(groups)} groups "
          f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})")
    print("method: entries built and signed in this process (each group with its own key); "
          "no HTTP servers: one receiving node folds them through Node.ingest (parse, "
          "signatures in worker processes, receive, SQLite, fold), as its inbox would, then "
          "derives the final agenda; every node of the network does the same work", flush=True)
    base = Path(tempfile.mkdtemp(prefix="groupnet-bench-"))
    held: dict | None = None
    floor_entries: list[Entry] = []
    try:
        raws = [e.raw for e in entries]
        wall, node_cpu, agenda_cpu, state_hash, agenda = await _fold(
            base / "receiver", raws, conference)
        found = msgspec.json.decode(agenda, type=Review)
        items, left = found.agenda.items, found.agenda.not_on_agenda
        print(f"final agenda: {len(items)} items, {len(left)} listed as not on it "
              f"(state hash {state_hash[:16]}…)", flush=True)
        if args.floor:
            floor_entries, held = await _hold_floor(base / "receiver", made_up, found,
                                                    args.questions)
            state_hash = held["hash"]
        checking = time.perf_counter()
        everything = entries + floor_entries
        for seed in range(1, args.orders + 1):
            _, _, _, other_hash, other = await _fold(
                base / f"fresh-{seed}", _shuffled(everything, seed), conference)
            if (other_hash, other) != (state_hash, agenda):
                raise SystemExit(f"error: a node fed another order (seed {seed}) disagrees")
        if args.orders:
            print(f"agreement: {args.orders} fresh node(s) fed the entries in other orders "
                  "reached the same state hash and the same agenda, byte for byte (checked in "
                  f"{time.perf_counter() - checking:.1f} s, not counted below: what arrives "
                  "before what it cites is offered again, as a catching-up node would)")
        raw_seconds = _raw_verify_seconds(entries)
        floor_raw_seconds = _raw_verify_seconds(floor_entries) if floor_entries else 0.0
    finally:
        shutil.rmtree(base, ignore_errors=True)
    total = made + wall + agenda_cpu
    print(f"build (every group's entries, signed, one core): {made:.2f} s ({made_cpu:.2f} s CPU)")
    print(f"fold, one node: {wall:.2f} s wall, {node_cpu:.2f} s CPU "
          f"({node_cpu / len(entries) * 1e6:.0f} us per entry, signature workers included)")
    print(f"final agenda derived: {agenda_cpu * 1000:.0f} ms CPU")
    print(f"per-node CPU to fold the whole conference: {node_cpu + agenda_cpu:.2f} s")
    verdict = "met" if total < TARGET_SECONDS else "NOT met"
    print(f"total: {total:.2f} s from requisition to final agenda (build, fold, agenda; "
          f"target < {TARGET_SECONDS:.0f} s: {verdict})")
    print(f"raw verify, one core: {len(raws) / raw_seconds:.0f}/s ({raw_seconds:.3f} s for "
          f"these {len(raws)} signatures; cryptography Ed25519PublicKey.verify)")
    if held is not None:
        _print_floor(made_up, floor_entries, held, floor_raw_seconds,
                     node_cpu + agenda_cpu)
    return 0


def _print_floor(made_up: Made, entries: list[Entry], held: dict, raw_seconds: float,
                 before_cpu: float) -> None:
    kinds: dict[str, int] = {}
    for entry in entries:
        kinds[entry.kind] = kinds.get(entry.kind, 0) + 1
    put = held["questions"]
    by = {(q.method, q.status): 0 for q in put}
    for q in put:
        by[(q.method, q.status)] += 1
    delegates = sum(made_up.delegates.values())
    print(f"\nfloor: {len(put)} questions put to {delegates} delegates of "
          f"{len(made_up.groups)} groups; {len(entries)} entries "
          f"({', '.join(f'{n} {k}' for k, n in sorted(kinds.items()))})")
    print("results, every one derived by the receiver equal to the count of the votes: " +
          ", ".join(f"{n} {method} votes {status}" for (method, status), n in sorted(by.items())))
    if held["election"] is not None:
        count, decided = held["election"]
        women = sum(1 for n in made_up.nominations if n.id in count.elected  # type: ignore[attr-defined]
                    and n.body.category == "woman")  # type: ignore[attr-defined]
        print(f"election of {count.seats} to the national committee by STV on a card vote: "
              f"{len(made_up.nominations)} candidates, {kinds['floor.ranking']} rankings "
              f"carrying {count.valid} members' votes, quota "
              f"{count.quota}, {len(count.stages)} stages; elected {len(count.elected)} "
              f"({women} women, the balance rule asks at least {-(-count.seats // 2)}), "
              f"derived by the receiver alike: {decided.status}")
    print(f"floor built and signed in {held['built']:.2f} s (one core, not counted below)")
    print(f"floor fold, one node: {held['wall']:.2f} s wall, {held['cpu']:.2f} s CPU "
          f"({held['cpu'] / len(entries) * 1e6:.0f} us per entry); every result derived in "
          f"{held['derived'] * 1000:.0f} ms CPU")
    print(f"per-node CPU to fold the whole conference, agenda and floor: "
          f"{before_cpu + held['cpu'] + held['derived']:.2f} s")
    print(f"raw verify, one core: {len(entries) / raw_seconds:.0f}/s ({raw_seconds:.3f} s for "
          f"the floor's {len(entries)} signatures; the floor fold is "
          f"{held['cpu'] / raw_seconds:.1f} times that)")
