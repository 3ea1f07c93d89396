"""A member's ballot made in Chromium by the node's own ballot script, checked by Python.

The page is the node's sign-in page, served with the node's own headers; the
script is loaded from the node (`/static/ballot.<hash>.js`) as a ballot page
loads it, so the pages' Content-Security-Policy is part of what is tested.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import aiohttp
import pytest

from groupnet.procedure.ballots.ballot import Ballot, Election, Question, verify
from groupnet.web.pages.ballot_script import PATH
from groupnet.wire.rejection import Rejection

ROOT = Path(__file__).resolve().parents[2]
VECTORS = json.loads((ROOT / "protocol" / "vectors" / "ballots.json").read_text())
ELECTION = VECTORS["election"]


def python_election() -> Election:
    return Election(bytes.fromhex(ELECTION["election_id"]), bytes.fromhex(ELECTION["public_key"]),
                    tuple(Question(*q) for q in ELECTION["questions"]))


@pytest.fixture
async def node(cluster):
    (service,) = await cluster.form(1, names=["Southwark"])
    return service.node.config.url


async def ballot_page(browser, node: str):
    """A page of the node with its ballot script imported as `window.ballot`, and the
    messages its console printed (a blocked script is reported there)."""
    context = await browser.new_context()
    page = await context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    await page.goto(node + "/sign-in")
    await page.evaluate("async (src) => { window.ballot = await import(src); }", PATH)
    return page, console


async def test_the_browser_reproduces_every_credential_and_ballot_of_the_vectors(browser, node):
    page, console = await ballot_page(browser, node)
    made = await page.evaluate("""(vectors) => {
      const b = window.ballot;
      const secrets = {};
      const credentials = vectors.credentials.map((c) => {
        const made = b.credentialFromSeed(b.hexToBytes(c.seed));
        secrets[b.bytesToHex(made.public)] = made.secret;
        return {secret: b.bytesToHex(b.encodeScalar(made.secret)),
                public: b.bytesToHex(made.public)};
      });
      const ballots = vectors.ballots.filter((x) => x.seed).map((x) => {
        const data = b.cast(vectors.election, secrets[x.ballot.slice(64, 128)], x.votes,
                            b.hexToBytes(x.seed));
        return {ballot: b.bytesToHex(data), tracker: b.bytesToHex(b.tracker(data))};
      });
      return {hash: b.bytesToHex(b.electionHash(vectors.election)), credentials, ballots};
    }""", VECTORS)
    assert made["hash"] == ELECTION["hash"]
    assert made["credentials"] == [{"secret": c["secret"], "public": c["public"]}
                                   for c in VECTORS["credentials"]]
    valid = [x for x in VECTORS["ballots"] if "seed" in x]
    assert len(valid) == 4
    assert made["ballots"] == [{"ballot": x["ballot"], "tracker": x["tracker"]} for x in valid]
    assert not [c for c in console if "Content Security Policy" in c], console


async def test_the_browser_refuses_each_forged_ballot_of_the_vectors_with_its_code(browser,
                                                                                   node):
    page, _ = await ballot_page(browser, node)
    codes = await page.evaluate("""(vectors) => vectors.ballots.map((x) => {
      try { window.ballot.verify(vectors.election, window.ballot.hexToBytes(x.ballot)); }
      catch (error) { return error.code; }
      return null;
    })""", VECTORS)
    assert codes == [x["expect"]["code"] for x in VECTORS["ballots"]]
    assert sum(code is not None for code in codes) == 15


async def test_a_ballot_cast_in_the_browser_is_accepted_by_the_node_and_a_tampered_one_refused(
        browser, node):
    page, console = await ballot_page(browser, node)
    cast = await page.evaluate("""(election) => {
      const b = window.ballot;
      const credential = b.makeCredential({name: "spring-ballot"});
      const first = b.castBallot(election, credential, [[0, 0, 1], [1, 0, 0, 1]]);
      const again = b.castBallot(election, credential, [[0, 0, 1], [1, 0, 0, 1]]);
      return {credential, first, again,
              kept: JSON.parse(localStorage.getItem("groupnet/ballot/credential/spring-ballot"))};
    }""", ELECTION)
    credential, first = cast["credential"], cast["first"]
    # the page is told the public credential; the secret stays in the browser's storage
    assert set(credential) == {"name", "public"}
    assert cast["kept"]["public"] == credential["public"] == first["credential"]
    assert cast["kept"]["secret"] not in json.dumps([credential, first, cast["again"]])
    assert first["election_id"] == ELECTION["election_id"]

    data = bytes.fromhex(first["ballot"])
    checked = verify(python_election(), data)
    assert isinstance(checked, Ballot), checked
    assert checked.credential.hex() == credential["public"]
    assert checked.tracker.hex() == first["tracker"]
    # fresh randomness: the same choices again make another ballot, valid too
    assert cast["again"]["ballot"] != first["ballot"]
    assert isinstance(verify(python_election(), bytes.fromhex(cast["again"]["ballot"])), Ballot)

    tampered = bytearray(data)
    tampered[64 + 70] ^= 1  # a byte of the first choice's 0/1 proof
    refused = verify(python_election(), bytes(tampered))
    assert isinstance(refused, Rejection) and refused.code == "bad_signature"
    assert not [c for c in console if "Content Security Policy" in c], console


async def test_the_example_in_the_docs_casts_a_ballot_the_node_accepts(browser, node):
    docs = (ROOT / "docs" / "ballots.md").read_text()
    example = re.search(r"## In the browser.*?```js\n(.*?)```", docs, re.S).group(1)
    imports, body = example.split("\n", 1)
    names = re.fullmatch(r"import \{ (.*) \} from \"/static/ballot\.<hash>\.js\";", imports)
    page, _ = await ballot_page(browser, node)
    cast = await page.evaluate(
        f"(election) => {{ const {{ {names.group(1)} }} = window.ballot; {body} return cast; }}",
        ELECTION)
    checked = verify(python_election(), bytes.fromhex(cast["ballot"]))
    assert isinstance(checked, Ballot), checked
    assert checked.tracker.hex() == cast["tracker"]
    stored = await page.evaluate("(name) => window.ballot.storedCredential({name})",
                                 ELECTION["election_id"])
    assert stored["public"] == cast["credential"]


async def test_the_browser_keeps_a_credential_it_made_and_refuses_a_vote_that_breaks_a_question(
        browser, node):
    page, _ = await ballot_page(browser, node)
    answers = await page.evaluate("""(election) => {
      const b = window.ballot;
      const codeOf = (run) => { try { run(); return null; } catch (e) { return e.code; } };
      const made = b.makeCredential();
      return {
        made, stored: b.storedCredential(),
        again: codeOf(() => b.makeCredential()),
        twoMarks: codeOf(() => b.castBallot(election, made, [[1, 1, 0], [0, 0, 0, 0]])),
        threeMarks: codeOf(() => b.castBallot(election, made, [[1, 0, 0], [1, 1, 1, 0]])),
        stranger: codeOf(() => b.castBallot(election, {name: "elsewhere"},
                                            [[1, 0, 0], [0, 0, 0, 0]])),
      };
    }""", ELECTION)
    assert answers["stored"] == answers["made"]
    assert answers["again"] == "credential_exists"
    assert answers["twoMarks"] == answers["threeMarks"] == "bad_vote"
    assert answers["stranger"] == "no_credential"


async def test_the_node_serves_the_ballot_script_itself_with_a_long_cache(node):
    bundle = ROOT / "groupnet" / "web" / "static" / "ballot.js"
    async with aiohttp.ClientSession() as http:
        async with http.get(node + PATH) as response:
            assert response.status == 200
            assert await response.read() == bundle.read_bytes()
            assert response.headers["Content-Type"].startswith("text/javascript")
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        async with http.get(node + "/sign-in") as response:
            # the pages allow scripts from the node itself, and so this one
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
