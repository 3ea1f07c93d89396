"""`groupnet body …` on a running node's directory: the same steps, the same refusals."""

from __future__ import annotations

from groupnet.procedure.network.bodies import Bodies
from groupnet.procedure.network.constitution import DAY_MS
from tests.business.test_docs_and_cli import cli
from tests.governance.conftest import HOUR, iso


async def test_the_cli_calls_a_committee_meeting_refuses_what_the_rules_refuse_and_votes(
        committee, capsys):
    southwark = str(committee["Southwark"].node.directory)
    leeds = str(committee["Leeds"].node.directory)
    code, out, _ = await cli(capsys, "body", "list", leeds)
    assert code == 0
    assert "national-committee  National committee: in office, 6 of 12 seats held" in out

    now = committee.now()
    times = ["--opens", iso(now + HOUR), "--closes", iso(now + 2 * HOUR)]
    code, _, err = await cli(capsys, "body", "meeting", southwark, "national-committee",
                             "--title", "Tonight", *times, "--item", "statement: Hello")
    assert code == 2
    assert err == ("error: short_notice: B2: `national-committee` meets with 7 days' notice; "
                   "this meeting opens sooner after it was called\n")
    opens = now + 8 * DAY_MS
    times = ["--opens", iso(opens), "--closes", iso(opens + HOUR)]
    code, _, err = await cli(capsys, "body", "meeting", southwark, "national-committee",
                             "--title", "Wind up", *times,
                             "--item", "wind-up-body: The national committee is wound up.")
    assert code == 2
    assert err.startswith("error: entrenched: E2: no body can abolish, dissolve, wind up or "
                          "suspend a body")
    code, out, _ = await cli(capsys, "body", "meeting", southwark, "national-committee",
                             "--title", "Conference", *times,
                             "--item", "statement: The conference goes ahead.")
    assert code == 0 and out.startswith("called a meeting of national-committee: entry ")
    meeting = out.split("entry ")[1].split()[0]

    await committee.held_everywhere(meeting)
    call = committee["Leeds"].node.state.rules(Bodies).meetings[meeting]
    await committee.witnessed_by("Southwark", call.seq, call.ts, opens - 7 * DAY_MS)
    committee.cluster.time_passes(opens - committee.now() + 60_000)
    code, out, _ = await cli(capsys, "body", "vote", leeds, meeting[:10], "--item", "0",
                             "--vote", "for", "--holder", "nc-5")
    assert code == 0 and out.startswith("voted for on item 0: entry ")
    code, _, err = await cli(capsys, "body", "vote", leeds, meeting[:10], "--item", "0",
                             "--vote", "against", "--holder", "nc-5")
    assert (code, err) == (2, "error: duplicate_vote: V2: each seat votes once on an item\n")
    code, out, _ = await cli(capsys, "body", "show", southwark, "national-committee")
    assert code == 0
    assert "item 0: statement: The conference goes ahead." in out
    assert "pending: B4: the meeting is open" in out
