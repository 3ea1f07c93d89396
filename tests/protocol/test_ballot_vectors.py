"""vectors/ballots.json against two checkers: the reference code and one written from BALLOTS.md.

The independent checker (`independent_ballots.py`, beside this file) imports
nothing of groupnet; it must reach every verdict, key, hash and count the vectors
state, and must notice when the vectors are changed.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from groupnet.procedure.ballots import ballot, keygen, tally
from groupnet.procedure.ballots.ballot import Election, Question
from groupnet.wire.rejection import Rejection

from . import independent_ballots

HERE = Path(__file__).resolve().parent
VECTOR = HERE.parents[1] / "protocol" / "vectors" / "ballots.json"
DOC = json.loads(VECTOR.read_text(encoding="utf-8"))


def election() -> Election:
    el = DOC["election"]
    return Election(bytes.fromhex(el["election_id"]), bytes.fromhex(el["public_key"]),
                    tuple(Question(*q) for q in el["questions"]))


def test_the_reference_code_gives_every_ballot_verdict_of_the_vectors():
    e = election()
    assert e.hash().hex() == DOC["election"]["hash"]
    for entry in DOC["ballots"]:
        verdict = ballot.verify(e, bytes.fromhex(entry["ballot"]))
        code = verdict.code if isinstance(verdict, Rejection) else None
        assert {"valid": code is None, "code": code} == entry["expect"], entry["description"]


def test_the_reference_code_counts_what_the_vectors_say():
    e = election()
    counted = [ballot.verify(e, bytes.fromhex(b["ballot"])) for b in DOC["ballots"]
               if b["expect"]["valid"]]
    totals = tally.total(e, counted)
    assert totals.encode().hex() == DOC["tally"]["totals"]
    keys = {k["trustee"]: bytes.fromhex(k["key"]) for k in DOC["verification_keys"]}
    shares = {}
    for p in DOC["tally"]["partial_decryptions"]:
        found = tally.check_share(e, totals, p["trustee"], keys[p["trustee"]],
                                  bytes.fromhex(p["data"]))
        if not isinstance(found, Rejection):
            shares[p["trustee"]] = found
        assert (found.code if isinstance(found, Rejection) else None) == p["expect"]["code"]
    assert tally.combine(e, totals, shares, DOC["ceremony"]["threshold"]) == \
        DOC["tally"]["result"]


def test_the_reference_code_upholds_and_refuses_the_complaints_the_vectors_list():
    cer = DOC["ceremony"]
    ceremony = keygen.Ceremony(bytes.fromhex(cer["election_id"]), cer["threshold"],
                               tuple(bytes.fromhex(t["key"]) for t in cer["trustees"]))
    assert ceremony.hash().hex() == cer["hash"]
    deals = {d["dealer"]: keygen.read_deal(ceremony, d["dealer"], bytes.fromhex(d["deal"]))
             for d in DOC["deals"]}
    extracts = {x["dealer"]: keygen.read_extract(ceremony, x["dealer"],
                                                 bytes.fromhex(x["extract"]))
                for x in DOC["extracts"]}
    for c in DOC["complaints"]:
        verdict = keygen.check_complaint(
            ceremony, deals[c["dealer"]], c["dealer"], c["trustee"],
            bytes.fromhex(c["complaint"]),
            extracts[c["dealer"]] if c["phase"] == "extract" else None)
        assert {"upheld": verdict is None, "code": verdict and verdict.code} == c["expect"]


def test_an_independent_checker_written_from_ballots_md_agrees_with_every_verdict():
    assert independent_ballots.check(copy.deepcopy(DOC)) == []


def test_the_independent_checker_runs_on_its_own_from_the_command_line(tmp_path):
    # rbcl leaves a copy of libsodium in the temporary directory: let it be this test's.
    done = subprocess.run([sys.executable, str(HERE / "independent_ballots.py"), str(VECTOR)],
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "TMPDIR": str(tmp_path)})
    assert (done.returncode, done.stdout) == (0, "")


def _changed(change) -> str:  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(DOC)
    change(doc)
    return "\n".join(independent_ballots.check(doc))


def _flip(entry: dict, field: str, at: int) -> None:
    raw = bytearray.fromhex(entry[field])
    raw[at] ^= 1
    entry[field] = raw.hex()


def test_the_independent_checker_notices_a_changed_ballot_verdict_key_or_count():
    assert "ballot 'ada votes'" in _changed(lambda d: _flip(d["ballots"][0], "ballot", 200))
    assert "result" in _changed(lambda d: d["tally"]["result"][0].__setitem__(0, 3))
    assert "complaint of 5 against 1" in _changed(
        lambda d: d["complaints"][1].__setitem__("expect", {"upheld": True, "code": None}))
    assert "verification key 1" in _changed(
        lambda d: d["verification_keys"][0].__setitem__("key",
                                                        d["verification_keys"][1]["key"]))
    assert "partial decryption of trustee 3" in _changed(
        lambda d: _flip(d["tally"]["partial_decryptions"][2], "data", 40))


def test_every_refusal_code_of_the_ballot_code_is_in_the_table_of_ballots_md():
    spec = (HERE.parents[1] / "protocol" / "BALLOTS.md").read_text(encoding="utf-8")
    table = spec[spec.index("## 8."):spec.index("## 9.")]
    package = HERE.parents[1] / "groupnet" / "procedure" / "ballots"
    codes = {code for path in package.glob("*.py")
             for code in re.findall(r'Rejection\("([a-z_]+)"', path.read_text(encoding="utf-8"))}
    assert len(codes) > 15
    assert sorted(c for c in codes if f"`{c}`" not in table) == []
