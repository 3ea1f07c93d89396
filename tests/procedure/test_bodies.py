"""A body decides only at a meeting called with notice, within its powers and term (SPEC 5.7)."""

from __future__ import annotations

from groupnet.procedure.network import NetworkState
from groupnet.procedure.network.bodies import Bodies
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.wire import crypto, messages
from groupnet.wire.messages import BodyItem, Entry, NetworkStandingOrders, Seat

T0 = 1_700_000_000_000
HOUR = 3_600_000


class Group:
    def __init__(self, name: str, net: str | None = None) -> None:
        self.key = crypto.SigningKey.from_seed(name.encode().ljust(32, b"."))
        self.id = self.key.public
        self.name, self.net, self.seq, self.prev, self.ts = name, net, 0, None, T0

    def write(self, kind: str, body, at: int | None = None) -> Entry:
        self.seq += 1
        self.ts = at if at is not None else self.ts + 1
        entry = messages.build(self.key, self.net, self.id, self.seq, self.prev, self.ts,
                               kind, body)
        self.prev = entry.id
        return entry


class Network:
    """A founder whose constitution seats Ann, Bob and Cat (of three groups) on the
    national committee until day 100; a fourth group holds no seat."""

    def __init__(self) -> None:
        self.a, nonce = Group("alpha"), crypto.b64encode(b"n" * 16)
        self.a.net = crypto.network_id(self.a.id, nonce)
        self.b, self.c, self.d = (Group(n, self.a.net) for n in ("bravo", "charlie", "delta"))
        self.state = NetworkState()
        self.take(self.a.write("network.charter", messages.Charter(
            "Net", "alpha", "http://127.0.0.1:1", nonce, NetworkStandingOrders())))
        seats = [Seat("national-committee", g.id, who, who.title())
                 for g, who in ((self.a, "ann"), (self.b, "bob"), (self.c, "cat"))]
        self.take(self.a.write("network.constitution", messages.NetworkConstitution(
            default(), seats, T0 + 100 * DAY_MS)))
        for group in (self.b, self.c, self.d):
            self.take(self.a.write("node.admit", messages.Admit(
                group.id, group.name, "http://127.0.0.1:2")))

    def take(self, entry: Entry) -> str | None:
        refused = self.state.check(entry)
        if refused is None:
            self.state.apply(entry)
        return refused.code if refused else None

    def meeting(self, group: Group, *items: BodyItem, notice_days: int = 7,
                at: int | None = None, body: str = "national-committee") -> Entry:
        called = at if at is not None else group.ts + 1
        opens = called + notice_days * DAY_MS
        return group.write("body.meeting", messages.BodyMeeting(
            body, "Special meeting", opens, opens + 2 * HOUR, list(items)), at=called)

    def vote(self, group: Group, holder: str, meeting: Entry, choice: str = "for",
             item: int = 0) -> Entry:
        ref = messages.EntryRef(meeting.author, meeting.id, meeting.seq)
        return group.write("body.vote", messages.BodyVote(ref, item, holder, choice),
                           at=meeting.body.opens + HOUR)

    def witness(self, group: Group, entry: Entry, at: int) -> Entry:
        return group.write("heads.witness", messages.Witness(
            [messages.Head(entry.author, entry.seq, entry.id)]), at=at)


def item(action: str, **fields) -> BodyItem:
    values = {"text": "", "conference": "", "refs": [], "opens": None, "provision": ""}
    return BodyItem(action, **{**values, **fields})


def code(net: Network, entry: Entry) -> str | None:
    return net.take(entry)


def test_a_committee_cannot_wind_up_another_body_whatever_its_vote():
    net = Network()
    wind_up = item("wind-up-body", text="with immediate effect")
    refused = net.state.check(net.meeting(net.a, wind_up))
    assert refused is not None and refused.code == "entrenched"
    assert refused.reason.startswith("E2")


def test_a_committee_cannot_adopt_a_new_constitution():
    net = Network()
    refused = net.state.check(net.meeting(net.a, item("adopt-constitution")))
    assert refused.code == "entrenched" and refused.reason.startswith("E1")


def test_a_committee_cannot_rule_that_conference_consider_no_motions():
    net = Network()
    refused = net.state.check(net.meeting(net.a, item("no-motions")))
    assert refused.code == "entrenched" and refused.reason.startswith("E4")


def test_a_meeting_called_an_hour_ahead_is_refused_for_short_notice():
    net = Network()
    entry = net.a.write("body.meeting", messages.BodyMeeting(
        "national-committee", "Emergency", net.a.ts + 2 * HOUR, net.a.ts + 3 * HOUR,
        [item("statement", text="x")]))
    assert code(net, entry) == "short_notice"


def test_a_group_with_no_seat_cannot_call_the_committee():
    net = Network()
    assert code(net, net.meeting(net.d, item("statement"))) == "not_seated"


def test_a_power_the_constitution_does_not_give_is_refused_citing_the_powers():
    net = Network()
    refused = net.state.check(net.meeting(net.a, item("rule-out", provision="C4.1")))
    assert refused.code == "not_empowered" and "call-conference" in refused.reason


def test_a_quorate_majority_carries_a_call_once_the_network_passed_the_closing():
    net = Network()
    call = net.meeting(net.a, item("call-conference", opens=T0 + 90 * DAY_MS))
    assert code(net, call) is None
    assert code(net, net.vote(net.a, "ann", call)) is None
    assert code(net, net.vote(net.b, "bob", call)) is None
    [decision] = net.state.rules(Bodies).decisions(net.state)
    assert decision.status == "pending"
    net.take(net.c.write("group.profile", messages.Profile("charlie"),
                         at=call.body.closes + HOUR))
    [decision] = net.state.rules(Bodies).decisions(net.state)
    assert (decision.status, decision.votes_for) == ("carried", 2)


def test_one_vote_of_three_seats_is_not_quorate_and_the_item_falls():
    net = Network()
    call = net.meeting(net.a, item("statement", text="We stand together"))
    net.take(call)
    net.take(net.vote(net.a, "ann", call))
    net.take(net.c.write("group.profile", messages.Profile("charlie"),
                         at=call.body.closes + HOUR))
    [decision] = net.state.rules(Bodies).decisions(net.state)
    assert decision.status == "fell" and "not quorate" in decision.reason


def test_a_seat_votes_once_and_only_while_the_meeting_is_open():
    net = Network()
    call = net.meeting(net.a, item("statement"))
    net.take(call)
    assert code(net, net.vote(net.b, "bob", call)) is None
    assert code(net, net.vote(net.b, "bob", call)) == "duplicate_vote"
    ref = messages.EntryRef(call.author, call.id, call.seq)
    early = net.c.write("body.vote", messages.BodyVote(ref, 0, "cat", "for"),
                        at=call.body.opens - HOUR)
    assert code(net, early) == "outside_meeting"


def test_a_vote_for_someone_elses_seat_is_refused():
    net = Network()
    call = net.meeting(net.a, item("statement"))
    net.take(call)
    assert code(net, net.vote(net.d, "bob", call)) == "not_seated"


def test_a_committee_whose_term_expired_may_only_call_the_conference():
    net = Network()
    late = T0 + 101 * DAY_MS
    refused = net.state.check(net.meeting(net.a, item("statement"), at=late))
    assert refused.code == "term_expired"
    assert code(net, net.meeting(net.a, item("call-conference", opens=late + 60 * DAY_MS),
                                 at=late)) is None


def test_a_call_dated_early_by_its_author_is_void_by_witnessed_time():
    net = Network()
    # Bravo and Charlie witness from the start, so they are the deadline's witnesses
    profile = net.a.write("group.profile", messages.Profile("alpha"))
    net.take(profile)
    for group in (net.b, net.c):
        assert code(net, net.witness(group, profile, T0 + 10)) is None
    # Alpha dates its call 7 days before the meeting, but nobody sees it until an hour before
    opens = T0 + 20 * DAY_MS
    call = net.a.write("body.meeting", messages.BodyMeeting(
        "national-committee", "Backdated", opens, opens + 2 * HOUR, [item("statement")]),
        at=opens - 7 * DAY_MS)
    assert code(net, call) is None
    for group in (net.b, net.c):
        net.take(net.witness(group, call, opens - HOUR))
    [decision] = net.state.rules(Bodies).decisions(net.state)
    assert decision.status == "void" and decision.reason.startswith("B2")
