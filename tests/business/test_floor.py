"""A delegate the group elected signs in and votes on the conference floor: the node signs
the vote under the pseudonym the group's credential names them by (SPEC 5.9, F5)."""

from __future__ import annotations

import json
from pathlib import Path

from groupnet import clock
from groupnet.network import conferences
from groupnet.network.constitution import Founding
from groupnet.procedure.network.conference_review import review
from groupnet.procedure.network.constitution import DAY_MS, default
from groupnet.procedure.network.floor import Floor
from groupnet.web.api import floor as api_floor
from groupnet.wire.messages import Adoption, Profile, RegisterCommitment, Seat, Tally
from tests.conftest import FAST_ORDERS, eventually

from .conftest import open_branch
from .test_docs_and_cli import cli
from .test_meetings_and_motions import members

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_floor_endpoint_is_documented_with_its_roles():
    for doc in ("conferences.md", "api.md"):
        text = (DOCS / doc).read_text(encoding="utf-8")
        for e in api_floor.ENDPOINTS:
            assert f"| `{e.method} {e.path}` | {', '.join(e.roles)} |" in text, (doc, e.path)


async def test_an_elected_delegate_signed_in_votes_on_the_floor_under_their_pseudonym(
        cluster, mail_server, capsys):
    def chair(started) -> Founding:
        return Founding(default(FAST_ORDERS), [Seat(
            "arrangements-committee", started[0].node.id, "ann", "Ann")], interim_days=150)

    southwark, havering = await cluster.form(2, names=["Southwark", "Havering"],
                                             founding=chair)
    branch = await open_branch(southwark, cluster.tokens[0], mail_server)
    try:
        await branch.add("Chris Chair", "chair", sign_in=True)
        await branch.add("Sam Secretary", "secretary", sign_in=True)
        for service, members_ in ((southwark, 600), (havering, 300)):
            await service.node.append("register.commitment", RegisterCommitment(
                clock.now_ms(), members_, "ab" * 32))
        await cluster.converged()
        called = await branch.ok("POST", "/api/v1/conferences", as_="Sam Secretary", json={
            "basis": "first", "opens": clock.now_ms() + 60 * DAY_MS})
        conference = called["entry"]
        await eventually(lambda: review(havering.node.state, conference) is not None,
                         what="the call at Havering")
        motion = await conferences.submit(
            havering.node, conference, "Rents", "This conference resolves: rents.", "housing",
            Adoption("General meeting", "2026-02-01", Tally(20, 4, 1, 30)))

        # Southwark elects Ali and Ben and publishes their credential
        people = await members(branch, 6, signed_in=2)
        chair_id, secretary = branch.ids["Chris Chair"], branch.ids["Sam Secretary"]
        agm = await branch.ok("POST", "/api/v1/meetings", as_="Sam Secretary", json={
            "kind": "annual", "starts_at": branch.in_days(29), "place": "Trades Hall",
            "agenda": ["Election of delegates"]})
        election = await branch.ok("POST", f"/api/v1/meetings/{agm['id']}/elections",
                                   as_="Sam Secretary",
                                   json={"conference": conference, "seats": 2})
        for member_id, name in zip(people[:2], ("Ali", "Ben"), strict=True):
            await branch.ok("POST", f"/api/v1/elections/{election['id']}/nominations",
                            as_="Sam Secretary", json={"candidate": member_id,
                                                       "display_name": name,
                                                       "nominated_by": people[5]})
            await branch.ok("POST", f"/api/v1/elections/{election['id']}/nominations/"
                            f"{member_id}/acceptance", as_="Sam Secretary", json={})
        branch.days_pass(29)
        for name in ("Chris Chair", "Sam Secretary", "Member 00", "Member 01"):
            await branch.sign_in_again(name)
        await branch.ok("POST", f"/api/v1/meetings/{agm['id']}/attendance",
                        as_="Sam Secretary", json={"present": [chair_id, secretary, *people]})
        for voter in [chair_id, secretary, *people]:
            await branch.ok("POST", f"/api/v1/elections/{election['id']}/ballots",
                            as_="Sam Secretary", json={"approvals": people[:2], "voter": voter})
        await branch.ok("POST", f"/api/v1/elections/{election['id']}/count", as_="Chris Chair")
        await branch.ok("POST", f"/api/v1/conferences/{conference}/credentials",
                        as_="Sam Secretary", json={"election": election["id"]})
        await cluster.converged()

        # the conference opens; Southwark's node chairs and puts the motion
        cluster.time_passes(61 * DAY_MS)
        await havering.node.append("group.profile", Profile("Havering"))
        await eventually(lambda: all(review(s.node.state, conference).agenda.status == "final"
                                     for s in (southwark, havering)), 30, "the final agenda")
        for name in ("Chris Chair", "Sam Secretary", "Member 00", "Member 01"):
            await branch.sign_in_again(name)  # sessions end after two idle weeks
        put = await branch.ok("POST", f"/api/v1/conferences/{conference}/floor",
                              as_="Sam Secretary", json={
                                  "item": motion.id, "question": "motion",
                                  "text": motion.body.text, "minutes": 5})
        path = f"/api/v1/floor/{put['entry']}/votes"
        voted = await branch.ok("POST", path, as_="Member 00", json={"vote": "for"})
        again = await branch.call("POST", path, as_="Member 00", json={"vote": "against"})
        assert (again.status, again.code) == (422, "duplicate_vote")
        outsider = await branch.call("POST", path, as_="Chris Chair", json={"vote": "for"})
        assert (outsider.status, outsider.code) == (422, "not_delegate")
        stolen = await branch.call("POST", path, as_="Chris Chair",
                                   json={"vote": "for", "delegate": "a" * 64})
        assert (stolen.status, stolen.code) == (422, "not_delegate")

        await eventually(lambda: any(
            v.id == voted["entry"] for cast in havering.node.state.rules(Floor).votes.get(
                put["entry"], {}).values() for v in cast), what="the vote at Havering")
        shown = await branch.ok("GET", f"/api/v1/floor/{put['entry']}", as_="Member 01")
        [vote] = shown["votes"]
        credential = southwark.node.state.credentials[(southwark.node.id, conference)][1]
        assert vote["delegate"] in {d.delegate for d in credential.delegates}
        assert vote["group"]["node"] == southwark.node.id and vote["vote"] == "for"

        # the command line takes the same steps
        directory = str(southwark.node.directory)
        code, _, err = await cli(capsys, "conference", "floor", "cut", directory,
                                 put["entry"][:10])
        assert code == 2 and err.startswith("error: early_close: F2: nobody can close")
        code, out, _ = await cli(capsys, "conference", "floor", "show", directory,
                                 conference[:10], "--json")
        [question] = json.loads(out)["questions"]
        assert (question["id"], question["status"]) == (put["entry"], "pending")
    finally:
        await branch.http.close()
