"""A conference is called by the rules, never cancelled, and its agenda follows (SPEC 5.8)."""

from __future__ import annotations

import random

import msgspec

from groupnet.procedure.network import NetworkState
from groupnet.procedure.network.conference_review import conferences, review
from groupnet.procedure.network.conferences import Conferences
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.wire import crypto, messages
from groupnet.wire.messages import (
    Adoption,
    BodyItem,
    Constitution,
    DecisionRef,
    Entry,
    EntryRef,
    NetworkStandingOrders,
    Seat,
    Tally,
)

T0 = 1_700_000_000_000
HOUR = 3_600_000
OPENS = T0 + 60 * DAY_MS  # the first conference of these tests: 56 days' notice and more
MOTIONS_DUE = OPENS - 28 * DAY_MS
AMENDMENTS_DUE = OPENS - 14 * DAY_MS
FINAL_AGENDA = OPENS - 7 * DAY_MS
NAMES = ("alpha", "bravo", "charlie", "delta", "echo")


class Group:
    def __init__(self, name: str, net: str | None = None) -> None:
        self.key = crypto.SigningKey.from_seed(name.encode().ljust(32, b"."))
        self.id = self.key.public
        self.name, self.net, self.seq, self.prev, self.ts = name, net, 0, None, T0

    def write(self, kind: str, body, at: int | None = None) -> Entry:
        self.undo = (self.seq, self.prev, self.ts)
        self.seq += 1
        self.ts = at if at is not None else self.ts + 1
        entry = messages.build(self.key, self.net, self.id, self.seq, self.prev, self.ts,
                               kind, body)
        self.prev = entry.id
        return entry


def carried(in_favour: int = 20, against: int = 3) -> Adoption:
    return Adoption("General meeting", "2023-11-20", Tally(in_favour, against, 1, 30))


def item(action: str, **fields) -> BodyItem:
    values = {"text": "", "conference": "", "refs": [], "opens": None, "provision": ""}
    return BodyItem(action, **{**values, **fields})


def ref(entry: Entry) -> EntryRef:
    return EntryRef(entry.author, entry.id, entry.seq)


class Network:
    """Five groups; Alpha, Bravo and Charlie hold the interim seats of both committees."""

    # the founding constitution, when a subclass needs another than the default
    FOUNDING: Constitution | None = None

    def __init__(self, members: tuple[int, ...] = (300, 200, 900, 1600, 0),
                 bodies: dict[str, dict] | None = None, **conference: int) -> None:
        self.a, nonce = Group("alpha"), crypto.b64encode(b"n" * 16)
        self.a.net = crypto.network_id(self.a.id, nonce)
        self.b, self.c, self.d, self.e = (Group(n, self.a.net) for n in NAMES[1:])
        self.groups = [self.a, self.b, self.c, self.d, self.e]
        self.state = NetworkState()
        self.log: list[Entry] = []
        self.take(self.a.write("network.charter", messages.Charter(
            "Net", "alpha", "http://127.0.0.1:1", nonce, NetworkStandingOrders())))
        constitution = self.FOUNDING or default()
        if conference:
            constitution = msgspec.structs.replace(constitution, conference=msgspec.structs.replace(
                constitution.conference, **conference))
        if bodies:  # changes to the default bodies, by body id
            constitution = msgspec.structs.replace(constitution, bodies=[
                msgspec.structs.replace(b, **bodies.get(b.id, {})) for b in constitution.bodies])
        seats = [Seat(body, g.id, who, who.title())
                 for body in ("national-committee", "arrangements-committee")
                 for g, who in ((self.a, "ann"), (self.b, "bob"), (self.c, "cat"))]
        self.take(self.a.write("network.constitution", messages.NetworkConstitution(
            constitution, seats, T0 + 150 * DAY_MS)))
        for group in self.groups[1:]:
            self.take(self.a.write("node.admit", messages.Admit(
                group.id, group.name, "http://127.0.0.1:2")))
        for group, count in zip(self.groups, members, strict=True):
            if count:
                self.take(group.write("register.commitment", messages.RegisterCommitment(
                    T0, count, "ab" * 32)))

    def take(self, entry: Entry) -> str | None:
        """The entry's verdict; a refused entry leaves its author's log as it was."""
        refused = self.state.check(entry)
        if refused is None:
            self.state.apply(entry)
            self.log.append(entry)
            return None
        author = next((g for g in self.groups if g.id == entry.author), None)
        if author is not None and author.seq == entry.seq:
            author.seq, author.prev, author.ts = author.undo
        return refused.code

    def must(self, entry: Entry) -> Entry:
        refused = self.state.check(entry)
        assert refused is None, refused
        self.state.apply(entry)
        self.log.append(entry)
        return entry

    # -- the business ------------------------------------------------------------

    def first_call(self, group: Group | None = None, opens: int = OPENS,
                   at: int | None = None) -> Entry:
        return (group or self.a).write("conference.call", messages.ConferenceCall(
            "First conference", "first", opens, opens + 2 * DAY_MS, None, None), at=at)

    def motion(self, group: Group, call: Entry, title: str = "Keep the conference",
               subject: str = "democracy", emergency: str = "", at: int | None = None,
               decision: Adoption | None = None, text: str | None = None) -> Entry:
        return group.write("conference.motion", messages.ConferenceMotion(
            ref(call), title, text or f"This conference resolves: {title}.", subject,
            decision or carried(), emergency), at=at)

    def amendment(self, group: Group, motion: Entry, text: str = "A better text.",
                  at: int | None = None) -> Entry:
        return group.write("conference.amendment", messages.ConferenceAmendment(
            ref(motion), text, "clearer", carried()), at=at)

    def credential(self, group: Group, call: Entry, delegates: int = 1,
                   at: int | None = None) -> Entry:
        seats = [messages.DelegateSeat(f"d{i}", f"Delegate {i}") for i in range(delegates)]
        return group.write("delegate.credential", messages.DelegateCredential(
            call.id, "election 1", seats, []), at=at)

    def arrangements(self, *items: BodyItem, at: int) -> Entry:
        """A meeting of the arrangements committee at `at`, carried by all three seats."""
        meeting = self.must(self.a.write("body.meeting", messages.BodyMeeting(
            "arrangements-committee", "Arrangements", at + 2 * DAY_MS,
            at + 2 * DAY_MS + 2 * HOUR, list(items)), at=at))
        for group, holder in ((self.a, "ann"), (self.b, "bob"), (self.c, "cat")):
            for index in range(len(items)):
                self.must(group.write("body.vote", messages.BodyVote(
                    ref(meeting), index, holder, "for"), at=at + 2 * DAY_MS + HOUR))
        return meeting

    def later(self, at: int) -> None:
        """Every group writes at `at`: with no witnesses, the network has passed what is before."""
        for group in self.groups:
            if group.ts < at:
                self.must(group.write("group.profile", messages.Profile(group.name), at=at))

    def witness_all(self, at: int, but: tuple[Group, ...] = ()) -> None:
        """Every group (but `but`) signs the heads it holds of every other, at `at`."""
        for group in self.groups:
            if group in but:
                continue
            heads = [messages.Head(o.id, o.seq, o.prev) for o in self.groups
                     if o is not group and o.seq > 0 and o not in but]
            self.must(group.write("heads.witness", messages.Witness(heads), at=at))

    def review(self, call: Entry):
        return review(self.state, call.id)


def status(net: Network, call: Entry, motion: Entry) -> str:
    return next(m.status for m in net.review(call).motions if m.id == motion.id)


# -- K1: the first conference -------------------------------------------------------


def test_any_group_may_call_the_first_conference_within_the_first_days():
    net = Network()
    call = net.must(net.first_call(net.d))
    assert net.review(call).status.status == "stands"
    assert [c.id for c, _ in conferences(net.state)] == [call.id]


def test_a_first_conference_opening_after_the_first_days_is_refused():
    net = Network()
    assert net.take(net.first_call(opens=T0 + 181 * DAY_MS)) == "outside_window"


def test_of_two_first_calls_the_one_the_network_witnessed_first_stands():
    net = Network()
    net.witness_all(T0 + HOUR)
    early = net.must(net.first_call(net.b, at=T0 + 2 * HOUR))
    net.witness_all(T0 + 3 * HOUR)
    # Delta dates its call earlier than Bravo's, but the network saw it only later
    late = net.must(net.first_call(net.d, at=T0 + 2 * HOUR))
    net.witness_all(T0 + 5 * HOUR)
    assert net.review(early).status.status == "stands"
    superseded = net.review(late).status
    assert superseded.status == "superseded" and early.id in superseded.reason


# -- K2: the annual conference --------------------------------------------------------


def annual_decision(net: Network, opens: int, votes: int = 3) -> Entry:
    meeting = net.must(net.a.write("body.meeting", messages.BodyMeeting(
        "national-committee", "Committee", T0 + 8 * DAY_MS, T0 + 8 * DAY_MS + HOUR,
        [item("call-conference", opens=opens, text="Annual conference")]), at=T0 + DAY_MS))
    for group, holder in ((net.a, "ann"), (net.b, "bob"), (net.c, "cat"))[:votes]:
        net.must(group.write("body.vote", messages.BodyVote(ref(meeting), 0, holder, "for"),
                             at=T0 + 8 * DAY_MS + 1))
    return meeting


def annual_call(net: Network, meeting: Entry, opens: int, group: Group | None = None) -> Entry:
    return (group or net.d).write("conference.call", messages.ConferenceCall(
        "Annual conference", "annual", opens, opens + DAY_MS,
        DecisionRef(ref(meeting), 0), None), at=T0 + 8 * DAY_MS + 10)


def test_an_annual_call_stands_once_the_committee_carries_its_decision():
    net = Network()
    opens = T0 + 80 * DAY_MS
    meeting = annual_decision(net, opens)
    call = net.must(annual_call(net, meeting, opens))
    assert net.review(call).status.status == "pending"
    net.later(T0 + 9 * DAY_MS + 1)
    assert net.review(call).status.status == "stands"


def test_an_annual_call_whose_decision_fell_is_void():
    net = Network()
    opens = T0 + 80 * DAY_MS
    meeting = annual_decision(net, opens, votes=1)
    call = net.must(annual_call(net, meeting, opens))
    net.later(T0 + 9 * DAY_MS + 1)
    verdict = net.review(call).status
    assert verdict.status == "void" and "not quorate" in verdict.reason


def test_an_annual_call_must_open_when_its_decision_says():
    net = Network()
    meeting = annual_decision(net, T0 + 80 * DAY_MS)
    assert net.take(annual_call(net, meeting, T0 + 90 * DAY_MS)) == "bad_call"


def test_an_annual_call_naming_a_decision_that_is_no_call_is_refused():
    net = Network()
    meeting = net.must(net.a.write("body.meeting", messages.BodyMeeting(
        "national-committee", "Committee", T0 + 8 * DAY_MS, T0 + 8 * DAY_MS + HOUR,
        [item("statement", text="We stand together")]), at=T0 + DAY_MS))
    refused = net.state.check(annual_call(net, meeting, T0 + 80 * DAY_MS))
    assert refused.code == "unknown_decision" and "statement" in refused.reason


def test_an_annual_call_citing_a_meeting_not_yet_held_waits():
    net = Network()
    meeting = net.a.write("body.meeting", messages.BodyMeeting(
        "national-committee", "Committee", T0 + 8 * DAY_MS, T0 + 8 * DAY_MS + HOUR,
        [item("call-conference", opens=T0 + 80 * DAY_MS)]), at=T0 + DAY_MS)
    call = annual_call(net, meeting, T0 + 80 * DAY_MS)
    assert net.take(call) == "missing_dependency"
    net.must(meeting)
    assert net.take(call) is None


# -- K3: requisition ---------------------------------------------------------------------


def requisition(net: Network, group: Group, opens: int = T0 + 70 * DAY_MS,
                at: int | None = None) -> Entry:
    return group.write("conference.requisition", messages.ConferenceRequisition(
        "Special conference", "The committee has stopped meeting", opens, None), at=at)


def support(group: Group, opener: Entry, title: str | None = None) -> Entry:
    body = opener.body
    return group.write("conference.requisition", messages.ConferenceRequisition(
        title or body.title, "We agree", body.opens, ref(opener)))


def requisition_call(group: Group, opener: Entry) -> Entry:
    return group.write("conference.call", messages.ConferenceCall(
        "Special conference", "requisition", opener.body.opens, opener.body.opens + DAY_MS,
        None, ref(opener)))


def test_a_requisition_asking_for_a_conference_sooner_than_its_notice_is_refused():
    net = Network()
    assert net.take(requisition(net, net.d, opens=T0 + 30 * DAY_MS)) == "outside_window"
    assert net.take(requisition(net, net.d, opens=T0 + 120 * DAY_MS)) == "outside_window"


def test_a_requisitioned_conference_stands_once_a_fifth_of_the_groups_signed():
    # nobody's commitment reaches a fifth of the members alone, so groups must do it
    net = Network(members=(100, 100, 100, 100, 100), requisition_groups_percent=40,
                  requisition_members_percent=50)
    net.witness_all(T0 + HOUR)
    opener = net.must(requisition(net, net.e))
    call = net.must(requisition_call(net.e, opener))
    net.witness_all(T0 + 2 * HOUR)
    verdict = net.review(call).status
    assert verdict.status == "pending" and "1 of 5 groups (2 needed" in verdict.reason
    net.must(support(net.d, opener))
    assert net.review(call).status.status == "stands"


def test_groups_holding_a_fifth_of_the_members_meet_a_requisition_alone():
    net = Network()  # Delta holds 1600 of 3000 committed members
    net.witness_all(T0 + HOUR)
    opener = net.must(requisition(net, net.d))
    call = net.must(requisition_call(net.a, opener))
    progress = net.review(call).requisition
    assert (progress.met, progress.members_supporting, progress.members_committed) == (
        True, 1600, 3000)


def test_a_group_signs_a_requisition_once():
    net = Network()
    opener = net.must(requisition(net, net.d))
    assert net.take(support(net.d, opener)) == "already_supported"
    assert net.take(support(net.e, opener)) is None
    assert net.take(support(net.e, opener)) == "already_supported"


def test_a_support_must_repeat_the_requisition_as_it_was_opened():
    net = Network()
    opener = net.must(requisition(net, net.d))
    assert net.take(support(net.e, opener, title="Another conference")) == "bad_requisition"


def test_a_group_admitted_after_the_requisition_does_not_raise_its_threshold():
    net = Network(members=(100, 100, 100, 100, 100), requisition_groups_percent=40,
                  requisition_members_percent=50)
    net.witness_all(T0 + HOUR)
    opener = net.must(requisition(net, net.e))
    net.must(support(net.d, opener))
    call = net.must(requisition_call(net.e, opener))
    net.witness_all(T0 + 2 * HOUR)
    assert net.review(call).status.status == "stands"
    for name in ("foxtrot", "golf", "hotel"):
        newcomer = Group(name, net.a.net)
        net.must(net.a.write("node.admit", messages.Admit(newcomer.id, name, "http://x.org")))
        net.groups.append(newcomer)
    net.witness_all(T0 + 2 * HOUR)
    assert net.review(call).status.status == "stands"


# -- K4: every call --------------------------------------------------------------------


def test_a_conference_called_with_less_than_its_notice_is_refused():
    net = Network()
    refused = net.state.check(net.first_call(opens=T0 + 10 * DAY_MS))
    assert refused.code == "short_notice" and "56 days" in refused.reason


def test_a_conference_closes_within_fourteen_days_of_opening():
    net = Network()
    call = net.a.write("conference.call", messages.ConferenceCall(
        "Long", "first", OPENS, OPENS + 15 * DAY_MS, None, None))
    assert net.take(call) == "bad_call"


def test_a_call_on_one_ground_naming_another_grounds_reference_is_refused():
    net = Network()
    opener = net.must(requisition(net, net.d))
    call = net.a.write("conference.call", messages.ConferenceCall(
        "First", "first", OPENS, OPENS + DAY_MS, None, ref(opener)))
    assert net.take(call) == "bad_call"


def test_a_backdated_call_that_reached_the_network_late_is_void():
    net = Network()
    net.witness_all(T0 + HOUR)
    opens = T0 + 60 * DAY_MS
    # dated 57 days before the opening, but nobody saw it until 40 days before
    call = net.must(net.first_call(net.d, opens=opens, at=opens - 57 * DAY_MS))
    net.witness_all(opens - 40 * DAY_MS)
    verdict = net.review(call).status
    assert verdict.status == "void" and verdict.reason.startswith("K4")


def test_no_body_can_cancel_or_postpone_a_called_conference():
    net = Network()
    call = net.must(net.first_call())
    for action in ("cancel-conference", "postpone-conference", "no-motions"):
        meeting = net.a.write("body.meeting", messages.BodyMeeting(
            "national-committee", "Emergency", T0 + 10 * DAY_MS, T0 + 10 * DAY_MS + HOUR,
            [item(action, conference=call.id)]))
        refused = net.state.check(meeting)
        assert refused.code == "entrenched" and refused.reason.startswith("E4")
    assert net.review(call).status.status == "stands"


def test_the_timetable_counts_back_from_the_opening():
    net = Network()
    call = net.must(net.first_call())
    times = net.review(call).timetable
    assert (times.motions, times.amendments, times.final_agenda) == (
        MOTIONS_DUE, AMENDMENTS_DUE, FINAL_AGENDA)
    assert times.emergency == OPENS - 2 * DAY_MS and times.credentials == OPENS - 7 * DAY_MS


# -- K5: entitlement and credentials ----------------------------------------------------


def test_entitlement_is_a_delegate_per_started_250_members_and_at_most_six():
    net = Network(members=(300, 250, 251, 2000, 0))
    call = net.must(net.first_call())
    entitled = {e.group: e.delegates for e in net.review(call).entitlements}
    assert [entitled[g.id] for g in net.groups] == [2, 1, 2, 6, 0]


def test_a_commitment_published_after_the_call_does_not_count():
    net = Network()
    call = net.must(net.first_call())
    net.must(net.e.write("register.commitment", messages.RegisterCommitment(
        T0, 500, "cd" * 32), at=call.ts + HOUR))
    [echo] = [e for e in net.review(call).entitlements if e.group == net.e.id]
    assert (echo.members, echo.delegates) == (None, 0)


def test_a_credential_naming_more_delegates_than_entitled_is_refused_over_entitlement():
    net = Network()
    call = net.must(net.first_call())
    net.must(net.credential(net.b, call, delegates=2))
    [credential] = net.review(call).credentials
    assert credential.status == "over entitlement"
    assert credential.reason == ("K5: it names 2 delegates; the group is entitled to 1 "
                                 "(200 members at the call)")


def test_a_late_credential_is_late_and_the_group_keeps_the_one_on_time():
    net = Network()
    call = net.must(net.first_call())
    on_time = net.must(net.credential(net.a, call, 1))
    late = net.must(net.credential(net.a, call, 2, at=OPENS - 6 * DAY_MS))
    verdicts = {c.entry: c.status for c in net.review(call).credentials}
    assert verdicts == {on_time.id: "accepted", late.id: "late"}


# -- K6: motions -------------------------------------------------------------------------


def test_a_motion_over_the_word_limit_is_refused_citing_c4_5():
    net = Network()
    call = net.must(net.first_call())
    refused = net.state.check(net.motion(net.b, call, text="word " * 501))
    assert refused.code == "too_long" and "C4.5" in refused.reason


def test_a_motion_its_meeting_did_not_carry_is_refused():
    net = Network()
    call = net.must(net.first_call())
    assert net.take(net.motion(net.b, call, decision=carried(10, 10))) == "not_carried"
    assert net.take(net.motion(net.b, call, decision=Adoption(
        "Meeting", "2023-11-20", Tally(30, 1, 0, 20)))) == "tally_exceeds_attendance"


def test_a_group_submits_one_motion_and_one_emergency_motion():
    net = Network()
    call = net.must(net.first_call())
    assert net.take(net.motion(net.b, call)) is None
    refused = net.state.check(net.motion(net.b, call, title="Another"))
    assert refused.code == "motion_limit" and "1 motion" in refused.reason
    emergency = net.motion(net.b, call, title="Flood", emergency="The flood of 1 May",
                           at=OPENS - 10 * DAY_MS)
    assert net.take(emergency) is None


def test_a_motion_its_author_dates_after_the_deadline_is_refused_at_once():
    net = Network()
    call = net.must(net.first_call())
    refused = net.state.check(net.motion(net.b, call, at=MOTIONS_DUE + 1))
    assert refused.code == "past_deadline" and refused.reason.startswith("K6")


def test_a_motion_that_reached_the_network_after_the_deadline_is_late_whatever_its_date():
    net = Network()
    net.witness_all(T0 + HOUR)
    call = net.must(net.first_call())
    on_time = net.must(net.motion(net.b, call, at=MOTIONS_DUE - DAY_MS))
    # Charlie dates its motion before the deadline, but the others see it only after
    backdated = net.must(net.motion(net.c, call, title="Backdated", at=MOTIONS_DUE - HOUR))
    net.witness_all(MOTIONS_DUE - 2 * HOUR, but=(net.c,))
    net.witness_all(MOTIONS_DUE + HOUR)
    assert status(net, call, on_time) == "admissible"
    late = next(m for m in net.review(call).motions if m.id == backdated.id)
    assert late.status == "late" and "witnessed" in late.reason


def test_a_motion_whose_arrival_is_not_yet_witnessed_is_pending():
    net = Network()
    net.witness_all(T0 + HOUR)
    call = net.must(net.first_call())
    motion = net.must(net.motion(net.b, call, at=MOTIONS_DUE - DAY_MS))
    assert status(net, call, motion) == "pending"


def test_a_motion_to_a_conference_nobody_called_is_refused():
    net = Network()
    profile = net.must(net.a.write("group.profile", messages.Profile("alpha")))
    motion = net.b.write("conference.motion", messages.ConferenceMotion(
        ref(profile), "Motion", "Text.", "democracy", carried(), ""))
    assert net.take(motion) == "unknown_conference"


# -- K7: amendments -----------------------------------------------------------------------


def test_a_group_amends_a_motion_twice_at_most_and_must_change_its_text():
    net = Network()
    call = net.must(net.first_call())
    motion = net.must(net.motion(net.b, call))
    other = net.must(net.motion(net.d, call, title="Other"))
    assert net.take(net.amendment(net.c, motion, text=motion.body.text)) == "no_change"
    assert net.take(net.amendment(net.c, motion)) is None
    assert net.take(net.amendment(net.c, other)) is None
    assert net.take(net.amendment(net.c, other, text="A third text.")) == "amendment_limit"


def test_an_amendment_dated_after_the_amendments_deadline_is_refused():
    net = Network()
    call = net.must(net.first_call())
    motion = net.must(net.motion(net.b, call))
    assert net.take(net.amendment(net.c, motion, at=AMENDMENTS_DUE + 1)) == "past_deadline"


def test_an_amendment_falls_with_its_motion_when_the_motion_is_ruled_out():
    net = Network()
    call = net.must(net.first_call())
    motion = net.must(net.motion(net.b, call))
    amendment = net.must(net.amendment(net.c, motion))
    net.arrangements(item("rule-out", conference=call.id, refs=[motion.id],
                          provision="C4.2"), at=T0 + 40 * DAY_MS)
    net.later(T0 + 43 * DAY_MS)
    [verdict] = net.review(call).amendments
    assert verdict.id == amendment.id and verdict.status == "falls"


# -- K8: the arrangements committee ----------------------------------------------------------


def test_a_ruled_out_motion_is_listed_with_the_provision_cited():
    net = Network()
    call = net.must(net.first_call())
    motion = net.must(net.motion(net.b, call))
    net.arrangements(item("rule-out", conference=call.id, refs=[motion.id],
                          provision="C4.2"), at=T0 + 40 * DAY_MS)
    net.later(FINAL_AGENDA + 1)
    verdict = net.review(call)
    [left_out] = verdict.agenda.not_on_agenda
    assert left_out.status == "ruled out" and "C4.2" in left_out.reason
    assert verdict.agenda.items == []


def test_only_the_arrangements_committee_rules_motions_out():
    net = Network()
    call = net.must(net.first_call())
    meeting = net.a.write("body.meeting", messages.BodyMeeting(
        "national-committee", "Committee", T0 + 10 * DAY_MS, T0 + 10 * DAY_MS + HOUR,
        [item("rule-out", conference=call.id, refs=["ab" * 32], provision="C4.2")]))
    assert net.take(meeting) == "not_empowered"


def test_a_ruled_out_group_may_appeal_once_and_nobody_else_may():
    net = Network()
    call = net.must(net.first_call())
    motion = net.must(net.motion(net.b, call))
    meeting = net.arrangements(item("rule-out", conference=call.id, refs=[motion.id],
                                    provision="C4.3"), at=T0 + 40 * DAY_MS)

    def appeal(group: Group) -> Entry:
        return group.write("conference.appeal", messages.ConferenceAppeal(
            DecisionRef(ref(meeting), 0), "It is not the same motion"))

    assert net.take(appeal(net.d)) == "not_submitter"
    lodged = net.must(appeal(net.b))
    assert net.take(appeal(net.b)) == "already_appealed"
    net.later(T0 + 43 * DAY_MS)
    [ruling] = net.review(call).rulings
    assert ruling.appeals == [lodged.id] and ruling.status == "carried"


def composite_setup(net: Network) -> tuple[Entry, list[Entry], Entry]:
    call = net.must(net.first_call())
    motions = [net.must(net.motion(g, call, title=f"Housing {g.name}", subject="housing"))
               for g in (net.b, net.c)]
    meeting = net.arrangements(item("composite", conference=call.id,
                                    refs=[m.id for m in motions], text="Composite text."),
                               at=T0 + 40 * DAY_MS)
    return call, motions, meeting


def consent(group: Group, meeting: Entry, given: bool = True) -> Entry:
    return group.write("conference.consent", messages.ConferenceConsent(
        DecisionRef(ref(meeting), 0), given))


def test_a_composite_replaces_its_motions_only_when_every_submitting_group_consents():
    net = Network()
    call, motions, meeting = composite_setup(net)
    net.must(consent(net.b, meeting))
    net.later(T0 + 43 * DAY_MS)
    [composite] = net.review(call).composites
    assert composite.status == "awaiting consent"
    assert {i.id for i in net.review(call).agenda.items} == {m.id for m in motions}
    net.must(consent(net.c, meeting))
    verdict = net.review(call)
    assert verdict.composites[0].status == "agreed"
    [on_agenda] = verdict.agenda.items
    assert on_agenda.kind == "composite" and on_agenda.groups == sorted([net.b.id, net.c.id])
    assert {m.status for m in verdict.motions} == {"composited"}


def test_a_group_that_refuses_consent_keeps_its_motion_standing():
    net = Network()
    call, motions, meeting = composite_setup(net)
    net.must(consent(net.b, meeting))
    net.must(consent(net.c, meeting, given=False))
    net.later(T0 + 43 * DAY_MS)
    verdict = net.review(call)
    assert verdict.composites[0].status == "refused"
    assert {i.id for i in verdict.agenda.items} == {m.id for m in motions}


def test_only_a_submitting_group_consents_to_a_composite():
    net = Network()
    _, _, meeting = composite_setup(net)
    assert net.take(consent(net.d, meeting)) == "not_submitter"


def test_the_order_of_business_decided_orders_the_agenda():
    net = Network()
    call = net.must(net.first_call())
    motions = [net.must(net.motion(g, call, title=g.name, subject=s))
               for g, s in ((net.b, "a-first"), (net.c, "b-second"), (net.d, "c-third"))]
    assert [i.id for i in net.review(call).agenda.items] == [m.id for m in motions]
    order = [motions[2].id, motions[0].id]
    net.arrangements(item("order-business", conference=call.id, refs=order),
                     at=T0 + 40 * DAY_MS)
    net.later(T0 + 43 * DAY_MS)
    assert [i.id for i in net.review(call).agenda.items] == [
        motions[2].id, motions[0].id, motions[1].id]


def test_decisions_closing_after_the_final_agenda_do_not_change_it():
    net = Network()
    call = net.must(net.first_call())
    motion = net.must(net.motion(net.b, call))
    net.arrangements(item("rule-out", conference=call.id, refs=[motion.id],
                          provision="C4.1"), at=FINAL_AGENDA)
    net.later(FINAL_AGENDA + 3 * DAY_MS)
    assert status(net, call, motion) == "admissible"


# -- K9: priorities ---------------------------------------------------------------------------


def ballot(group: Group, call: Entry, *choices: Entry, at: int | None = None) -> Entry:
    return group.write("conference.priorities", messages.ConferencePriorities(
        ref(call), [c.id for c in choices]), at=at)


def test_a_priorities_ballot_needs_a_credential_and_fits_the_slots():
    net = Network(priority_slots=2)
    call = net.must(net.first_call())
    m1 = net.must(net.motion(net.b, call))
    m2 = net.must(net.motion(net.c, call, title="Other"))
    assert net.take(ballot(net.a, call, m1)) == "no_credential"
    net.must(net.credential(net.a, call))
    assert net.take(ballot(net.a, call, m1, m2, m1)) == "too_many_choices"
    assert net.take(ballot(net.a, call, m1, m1)) == "duplicate_choice"
    assert net.take(ballot(net.a, call, m1)) is None
    assert net.take(ballot(net.a, call, m1, at=FINAL_AGENDA + 1)) == "past_deadline"


def test_when_more_motions_than_slots_those_most_chosen_are_debated():
    net = Network(priority_slots=2)
    call = net.must(net.first_call())
    motions = [net.must(net.motion(g, call, title=g.name, subject="s"))
               for g in (net.a, net.b, net.c)]
    for group in (net.a, net.b, net.c, net.d):
        net.must(net.credential(group, call))
    net.must(ballot(net.a, call, motions[2], motions[1]))
    net.must(ballot(net.b, call, motions[2]))
    net.must(ballot(net.c, call, motions[1], motions[2]))
    net.must(ballot(net.d, call, motions[0]))
    net.later(FINAL_AGENDA + 1)
    verdict = net.review(call)
    assert {i.id: i.priority for i in verdict.agenda.items} == {
        motions[1].id: 2, motions[2].id: 3}
    [left_out] = verdict.agenda.not_on_agenda
    assert left_out.id == motions[0].id and left_out.status == "not prioritised"
    assert left_out.reason.startswith("K9: chosen by 1 group(s)")


def test_a_ballot_of_a_group_whose_credential_does_not_stand_is_not_counted():
    net = Network(priority_slots=1)
    call = net.must(net.first_call())
    m1 = net.must(net.motion(net.b, call))
    m2 = net.must(net.motion(net.c, call, title="Other"))
    net.must(net.credential(net.b, call, delegates=5))  # entitled to 1
    net.must(ballot(net.b, call, m1))
    net.must(net.credential(net.c, call))
    net.must(ballot(net.c, call, m2))
    net.later(FINAL_AGENDA + 1)
    verdict = net.review(call)
    assert [i.id for i in verdict.agenda.items] == [m2.id]
    assert {b.group: b.status for b in verdict.ballots} == {
        net.b.id: "not counted", net.c.id: "counted"}


# -- K10: the final agenda --------------------------------------------------------------------


def test_the_agenda_is_preliminary_until_the_network_passes_the_final_agenda_time():
    net = Network()
    call = net.must(net.first_call())
    motion = net.must(net.motion(net.b, call))
    emergency = net.must(net.motion(net.c, call, title="Flood", subject="climate",
                                    emergency="the flood", at=FINAL_AGENDA - DAY_MS))
    amendment = net.must(net.amendment(net.d, motion))
    assert net.review(call).agenda.status == "preliminary"
    net.later(FINAL_AGENDA + 1)
    agenda = net.review(call).agenda
    assert agenda.status == "final"
    kinds = {i.id: (i.kind, i.amendments, i.groups) for i in agenda.items}
    assert kinds[motion.id] == ("motion", [amendment.id], [net.b.id])
    assert kinds[emergency.id] == ("emergency motion", [], [net.c.id])
    assert agenda.not_on_agenda == []


# -- order: every node agrees, whatever the order entries arrive in ----------------------------


def fold(entries: list[Entry]) -> tuple[NetworkState, dict[str, str | None]]:
    """Fold entries, retrying those that wait for something, as a node's sync would."""
    state = NetworkState()
    verdicts: dict[str, str | None] = {}
    pending = list(entries)
    progress = True
    while pending and progress:
        progress = False
        for entry in list(pending):
            if entry.seq != state.head_of(entry.author).seq + 1:
                continue
            rejection = state.check(entry)
            if rejection is not None and rejection.code in ("missing_dependency",
                                                            "unknown_author", "no_charter"):
                continue
            pending.remove(entry)
            progress = True
            verdicts[entry.id] = rejection.code if rejection else None
            if rejection is None:
                state.apply(entry)
    for entry in pending:
        verdicts[entry.id] = "waiting"
    return state, verdicts


def interleavings(logs: list[list[Entry]], seed: int) -> list[Entry]:
    """One arrival order that keeps each author's log in order."""
    chooser = random.Random(seed)
    queues = [list(log) for log in logs if log]
    out = []
    while queues:
        queue = chooser.choice(queues)
        out.append(queue.pop(0))
        if not queue:
            queues.remove(queue)
    return out


def test_every_arrival_order_gives_the_same_verdicts_statuses_and_state_hash():
    net = Network(priority_slots=2)
    net.witness_all(T0 + HOUR)
    call = net.must(net.first_call())
    motions = [net.must(net.motion(g, call, title=g.name, subject="s", at=T0 + 2 * DAY_MS))
               for g in (net.a, net.b, net.c, net.d)]
    amendment = net.must(net.amendment(net.e, motions[0], at=T0 + 3 * DAY_MS))
    for group in net.groups:
        net.must(net.credential(group, call, at=T0 + 4 * DAY_MS))
    for group, choice in zip(net.groups, (1, 1, 2, 3, 1), strict=True):
        net.must(ballot(group, call, motions[choice], at=T0 + 5 * DAY_MS))
    net.witness_all(T0 + 6 * DAY_MS)
    net.witness_all(FINAL_AGENDA + 1)
    # refused on every node, whatever it arrives after: Echo amends with the motion's own text
    refused = net.amendment(net.e, motions[0], text=motions[0].body.text)
    expected = net.review(call)
    by_author: dict[str, list[Entry]] = {}
    for entry in [*net.log, refused]:
        by_author.setdefault(entry.author, []).append(entry)
    for entries in by_author.values():
        entries.sort(key=lambda e: e.seq)
    hashes, agendas = set(), set()
    for seed in range(8):
        state, verdicts = fold(interleavings(list(by_author.values()), seed))
        assert verdicts[refused.id] == "no_change"
        assert verdicts[amendment.id] is None
        hashes.add(state.state_hash())
        agendas.add(msgspec.json.encode(review(state, call.id)))
    assert hashes == {net.state.state_hash()}
    assert agendas == {msgspec.json.encode(expected)}
    assert expected.agenda.status == "final" and len(expected.agenda.items) == 2


def test_a_conference_entry_citing_a_log_a_fork_removed_has_no_effect():
    net = Network()
    call = net.first_call()
    net.must(call)
    motion = net.motion(net.b, call)
    net.state.record_fork(net.a.id, call.seq, call.id, "ff" * 32)
    assert net.state.check(motion) is None
    net.state.apply(motion)
    assert net.state.rules(Conferences).motions == {}
    assert net.take(net.motion(net.b, call, title="Again")) is None


def test_an_agreed_composite_not_prioritised_is_listed_with_its_count():
    net = Network(priority_slots=1)
    call, motions, meeting = composite_setup(net)
    other = net.must(net.motion(net.d, call, title="Buses", subject="transport"))
    net.must(consent(net.b, meeting))
    net.must(consent(net.c, meeting))
    for group in (net.a, net.d, net.e):
        net.must(net.credential(group, call))
    net.must(ballot(net.a, call, other))
    net.must(ballot(net.d, call, other))
    net.must(ballot(net.e, call, motions[0]))
    net.later(FINAL_AGENDA + 1)
    agenda = net.review(call).agenda
    assert [i.id for i in agenda.items] == [other.id]
    left = {o.id: (o.kind, o.status) for o in agenda.not_on_agenda}
    assert left[f"{meeting.id}:0"] == ("composite", "not prioritised")
    assert left[motions[0].id] == ("motion", "composited")
