"""The coup replayed on real nodes over HTTP, step by step, and refused by every node.

In January 2017 a steering committee of twelve, with no notice, voted by email
in an hour (six for, four against) to adopt a new constitution, to wind up the
national committee and the conference arrangements committee "with immediate
effect", and to hold the called conference under rules by which "no motions
would be considered"; it had not been re-elected since February 2016.

Here the network's founding constitution seats interim members on its national
committee. Each step is tried twice: through the API of the chair's own group
(Southwark), which refuses it before signing anything, and as an entry signed
by the committee member whose node skips every check of its own (Office, a
stopped node whose key signs entries pushed straight to every other node's
inbox): each node refuses it, with the same code and the provision cited. A
step that no node can refuse on receipt, because only witnessed time shows it
(a backdated call), stands on every node as void, with the reason.
"""

from __future__ import annotations

import pytest

from groupnet import config as node_config
from groupnet.network.constitution import Founding
from groupnet.procedure.network.bodies import Bodies
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.wire import crypto, messages
from groupnet.wire.messages import (
    BodyItem,
    BodyMeeting,
    BodyVote,
    Constitution,
    EntryRef,
    NetworkConstitution,
)
from tests.conftest import FAST_ORDERS
from tests.federation.wire import push
from tests.governance.conftest import (
    ARRANGEMENTS,
    GROUPS,
    HOUR,
    NATIONAL,
    Committee,
    iso,
    seats,
)

E1 = ("E1: only a conference (or a member ballot where the constitution allows it) can amend "
      "the constitution")
E2 = "E2: no body can abolish, dissolve, wind up or suspend a body"
E3 = "E3: no body can shorten or extend a term of office"
E4_CANCEL = "E4: no body can cancel, postpone or shrink a called conference"
E4_MOTIONS = "E4: no body can rule that a conference consider no motions"
SHORT_NOTICE = ("B2: `national-committee` meets with 7 days' notice; this meeting opens sooner "
                "after it was called")
TERM_EXPIRED = ("B3: the term of `national-committee` has ended; as caretaker it may decide "
                "only call-conference (item 1)")
TERM = 120  # days: the interim members' term


class Coup(Committee):
    """The committee's network with the rogue member's node, Office, stopped: its key signs."""

    office_key: crypto.SigningKey

    @property
    def office(self) -> str:
        return self.office_key.public

    def forge(self, kind: str, body, ts: int | None = None) -> messages.Entry:
        """Office's next entry, signed with no check: any claim, any content."""
        state = self.services[0].node.state
        head = state.head_of(self.office)
        return messages.build(self.office_key, state.net, self.office, head.seq + 1, head.id,
                              ts if ts is not None else max(self.now(), head.ts), kind, body)

    async def refused_everywhere(self, entry: messages.Entry, code: str, reason: str) -> None:
        """Every running node answers the entry: rejected, with `code` and `reason`."""
        for service in self.services:
            (result,) = await push(service.node.config.url, entry.raw)
            assert result == {"status": "rejected", "id": entry.id, "code": code,
                              "reason": reason}, service.node.config.name
        assert all(entry.id not in s.node.state.rules(Bodies).meetings for s in self.services)

    async def accepted_everywhere(self, entry: messages.Entry) -> None:
        for service in self.services:
            (result,) = await push(service.node.config.url, entry.raw)
            assert result["status"] in ("accepted", "duplicate"), result

    async def refused_by_api(self, items: list[dict], code: str, reason: str,
                             **times: int) -> None:
        """The chair's group calls the meeting through its API: 422, nothing signed."""
        chair = self["Southwark"].node
        answer = await self.meeting("Southwark", items=items, **times)
        assert (answer.status, answer.code, answer.reason) == (422, code, reason)
        async with chair.db.execute("SELECT COUNT(*) FROM entries WHERE author = ? AND kind "
                                    "= 'body.meeting'", (chair.id,)) as cursor:
            assert await cursor.fetchone() == (0,)


def meeting(items: list[BodyItem], opens: int, body: str = "national-committee",
            title: str = "Proposal to the steering group") -> BodyMeeting:
    return BodyMeeting(body, title, opens, opens + HOUR, items)


def item(action: str, text: str = "", **fields) -> BodyItem:
    return BodyItem(action, text, fields.get("conference", ""), fields.get("refs", []),
                    fields.get("opens"), fields.get("provision", ""))


@pytest.fixture
async def coup(cluster) -> Coup:
    """The committee's four groups and Office, which holds two seats on the national
    committee; Office's node is stopped once the network has formed."""
    national = {**NATIONAL, "Office": ["nc-7", "nc-8"]}

    def founding(services) -> Founding:
        return Founding(default(FAST_ORDERS), seats(services, national, ARRANGEMENTS),
                        interim_days=TERM)

    services = await cluster.form(len(GROUPS) + 1, names=[*GROUPS, "Office"],
                                  founding=founding)
    await cluster.converged()
    await Committee(cluster, services).witnessing()
    office = services[-1]
    key = crypto.load_key(office.node.directory / node_config.KEY_FILE)
    await cluster.stop(office)
    coup = Coup(cluster, services[:-1])
    coup.office_key = key
    return coup


def notice(coup: Coup) -> int:
    """An opening with the national committee's 7 days' notice, and an hour to spare."""
    return coup.now() + 7 * DAY_MS + HOUR


# -- the steps of the coup ---------------------------------------------------------------


async def test_a_committee_adopting_a_new_constitution_is_refused_by_every_node_citing_e1(coup):
    adopt = [{"action": "adopt-constitution",
              "text": "The constitution attached is adopted and applies from now."}]
    reason = f"{E1} (item 1: `adopt-constitution`)"
    await coup.refused_by_api(adopt, "entrenched", reason)
    await coup.refused_everywhere(coup.forge("body.meeting", meeting(
        [item("adopt-constitution", "The constitution attached is adopted.")], notice(coup))),
        "entrenched", reason)
    # nor can any member's node write the network a constitution of its own (C1, E1)
    constitution: Constitution = coup["Southwark"].node.state.constitution
    imposed = NetworkConstitution(constitution, [], coup.now())
    await coup.refused_everywhere(
        coup.forge("network.constitution", imposed), "not_founder",
        "C1: only the founder writes the founding constitution; afterwards only a conference "
        "amends it (E1)")


async def test_winding_up_the_committees_with_immediate_effect_is_refused_citing_e2_and_b2(
        coup):
    wind_up = [{"action": "wind-up-body", "text": "The national committee is wound up."},
               {"action": "wind-up-body", "text": "The arrangements committee is wound up."}]
    reason = f"{E2} (item 1: `wind-up-body`)"
    await coup.refused_by_api(wind_up, "entrenched", reason)
    await coup.refused_everywhere(coup.forge("body.meeting", meeting(
        [item("wind-up-body", "national committee"), item("dissolve-body", "CAC")],
        notice(coup))), "entrenched", reason)
    # "with immediate effect": a meeting an hour after the email fails its notice first
    now = coup.now()
    await coup.refused_by_api(wind_up, "short_notice", SHORT_NOTICE, opens=now + HOUR)
    await coup.refused_everywhere(coup.forge("body.meeting", meeting(
        [item("wind-up-body", "national committee")], now + HOUR)),
        "short_notice", SHORT_NOTICE)


async def test_a_conference_ruled_to_consider_no_motions_is_refused_by_every_node_citing_e4(
        coup):
    rule = [{"action": "no-motions", "conference": "the February conference",
             "text": "The conference goes ahead, but no motions will be considered."}]
    reason = f"{E4_MOTIONS} (item 1: `no-motions`)"
    await coup.refused_by_api(rule, "entrenched", reason)
    await coup.refused_everywhere(coup.forge("body.meeting", meeting(
        [item("no-motions", "no motions", conference="the February conference")],
        notice(coup))), "entrenched", reason)


async def test_a_decision_taken_with_no_notice_is_refused_by_every_node_citing_b2(coup):
    # the email went out at twenty to eight; within the hour it was decided
    email = [{"action": "statement", "text": "Momentum is put on a proper footing."}]
    now = coup.now()
    await coup.refused_by_api(email, "short_notice", SHORT_NOTICE, opens=now + 20 * 60_000,
                              closes=now + HOUR)
    await coup.refused_everywhere(coup.forge("body.meeting", meeting(
        [item("statement", "Momentum is put on a proper footing.")], now + 20 * 60_000)),
        "short_notice", SHORT_NOTICE)


async def test_a_backdated_call_is_void_on_every_node_by_witnessed_time_citing_b2(coup):
    # Office claims it called the meeting eight days ago; the network sees it only now
    claimed = coup.now()
    coup.cluster.time_passes(8 * DAY_MS)
    opens = coup.now() + DAY_MS
    backdated = coup.forge("body.meeting", meeting(
        [item("statement", "The new constitution is welcomed.")], opens), ts=claimed)
    await coup.accepted_everywhere(backdated)  # by its own claim it gave 9 days' notice
    await coup.decided_everywhere(backdated.id, "void", "B2: the call reached the network "
                                  "less than 7 days before the meeting (witnessed time)")


async def test_a_committee_whose_term_has_expired_is_refused_by_every_node_citing_b3(coup):
    coup.cluster.time_passes((TERM + 1) * DAY_MS)
    await coup.network_passes(coup.services[0].node.state.rules(Bodies).term_end(
        coup.services[0].node.state, "national-committee"))
    answer = await coup.call("Havering", "GET", "/api/v1/bodies")
    assert answer.body["bodies"][0]["status"] == "caretaker"
    statement = [{"action": "statement", "text": "The committee remains in office."}]
    await coup.refused_by_api(statement, "term_expired", TERM_EXPIRED)
    await coup.refused_everywhere(coup.forge("body.meeting", meeting(
        [item("statement", "The committee remains in office.")], notice(coup))),
        "term_expired", TERM_EXPIRED)
    # as caretaker it may still call the conference that elects its successors
    called = await coup.meeting("Southwark", items=[{
        "action": "call-conference", "text": "The conference that elects the committee.",
        "opens": iso(coup.now() + 60 * DAY_MS)}])
    assert called.status == 201, called.body


async def test_a_call_backdated_into_the_committees_term_is_void_by_witnessed_time_citing_b3(
        coup):
    claimed = coup.now()  # within the term, as Office claims
    coup.cluster.time_passes((TERM + 1) * DAY_MS)
    backdated = coup.forge("body.meeting", meeting(
        [item("statement", "The committee's mandate is renewed.")],
        coup.now() + 8 * DAY_MS), ts=claimed)
    await coup.accepted_everywhere(backdated)
    await coup.decided_everywhere(backdated.id, "void", "B3: the body's term had ended "
                                  "before this meeting was called (witnessed time); as "
                                  "caretaker it may decide only call-conference")


# -- variants ---------------------------------------------------------------------------


async def test_a_committee_extending_its_own_term_is_refused_by_every_node_citing_e3(coup):
    extend = [{"action": "extend-term", "text": "The committee serves until 2018."}]
    await coup.refused_by_api(extend, "entrenched", f"{E3} (item 1: `extend-term`)")
    await coup.refused_everywhere(coup.forge("body.meeting", meeting(
        [item("statement", "Thanks to the members."),
         item("shorten-term", "The arrangements committee's term ends now.")],
        notice(coup))), "entrenched", f"{E3} (item 2: `shorten-term`)")


async def test_cancelling_a_called_conference_is_refused_by_every_node_citing_e4(coup):
    cancel = [{"action": "cancel-conference", "conference": "the February conference"}]
    await coup.refused_by_api(cancel, "entrenched",
                              f"{E4_CANCEL} (item 1: `cancel-conference`)")
    await coup.refused_everywhere(coup.forge("body.meeting", meeting(
        [item("postpone-conference", conference="the February conference")], notice(coup))),
        "entrenched", f"{E4_CANCEL} (item 1: `postpone-conference`)")


async def test_the_steering_committee_is_no_body_of_the_constitution_and_cannot_meet(coup):
    await coup.refused_everywhere(coup.forge("body.meeting", meeting(
        [item("statement", "The steering committee decides.")], notice(coup),
        body="steering-committee")), "unknown_body",
        "B1: the constitution has no body `steering-committee`")
    answer = await coup.meeting("Southwark", "steering-committee",
                                items=[{"action": "statement"}])
    assert (answer.status, answer.code) == (404, "unknown_body")


async def test_a_group_without_a_seat_cannot_call_the_arrangements_committee(coup):
    answer = await coup.meeting("Southwark", "arrangements-committee", items=[
        {"action": "rule-out", "provision": "C4.2", "text": "Out of order."}],
        opens=coup.now() + 3 * DAY_MS)
    assert (answer.status, answer.code, answer.reason) == (
        422, "not_seated", "B1: only a group whose member holds a seat on "
        "`arrangements-committee` calls its meetings")


async def test_an_email_vote_of_a_few_seats_is_not_quorate_and_falls_on_every_node(coup):
    called = await coup.meeting("Southwark", items=[
        {"action": "statement", "text": "The new constitution is welcomed."}])
    assert called.status == 201, called.body
    view = called.body["meeting"]
    await coup.held_everywhere(view["id"])
    await coup.witnessed_by("Southwark", called.body["seq"], view["called_at"],
                            view["opens"] - 7 * DAY_MS)
    coup.cluster.time_passes(view["opens"] - coup.now() + 60_000)
    for holder in ("nc-1", "nc-2"):
        cast = await coup.vote("Southwark", view["id"], 0, "for", holder)
        assert cast.status == 201, cast.body
        vote = next(v for v in cast.body["meeting"]["items"][0]["votes"] if v["holder"] == holder)
        await coup.held_everywhere(cast.body["entry"])
        await coup.witnessed_by("Southwark", cast.body["seq"], vote["ts"], view["closes"])
    await coup.network_passes(view["closes"])
    for name in GROUPS:
        decided = await coup.decision(name, view["id"])
        assert (decided["status"], decided["reason"], decided["votes_for"]) == (
            "fell", "B4: not quorate: 2 of 8 seats voted, 4 needed (50%)", 2), name


async def test_a_seat_voting_twice_and_a_group_voting_for_a_seat_it_does_not_hold_are_refused(
        coup):
    opens = coup.now() + 7 * DAY_MS + HOUR
    call = coup.forge("body.meeting", meeting([item("statement", "Solidarity.")], opens))
    await coup.accepted_everywhere(call)
    await coup.everywhere(lambda state: state.arrived_before_deadline(
        coup.office, call.seq, call.ts, opens - 7 * DAY_MS) is True, "the call witnessed")
    coup.cluster.time_passes(opens - coup.now() + 60_000)
    ref = EntryRef(coup.office, call.id, call.seq)
    first = coup.forge("body.vote", BodyVote(ref, 0, "nc-7", "for"))
    await coup.accepted_everywhere(first)
    await coup.refused_everywhere(coup.forge("body.vote", BodyVote(ref, 0, "nc-7", "for")),
                                  "duplicate_vote", "V2: each seat votes once on an item")
    await coup.refused_everywhere(coup.forge("body.vote", BodyVote(ref, 0, "nc-1", "for")),
                                  "not_seated", "V2: `nc-1` holds no seat on "
                                  "`national-committee` for this group")
    answer = await coup.vote("Birmingham", call.id, 0, "against", "cac-1")
    assert (answer.status, answer.code) == (422, "not_seated")
