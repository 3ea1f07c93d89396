"""Member ballots in the client API (SPEC 5.10): the call, the trustees' material, a
member's credential and ballot (made on their own device), the receipt, the close and
the count. The node never receives a secret: only public credentials, finished
ballots and what trustees computed on their own machines."""

from __future__ import annotations

from typing import Annotated

import msgspec
from aiohttp import web

from ...limits import Millis
from ...network import ballots
from ...wire.messages import (
    BallotBytes,
    BallotQuestion,
    EntryId,
    Hex32,
    Name,
    NodeId,
    Topic,
)
from .endpoints import Endpoint, json, node_of, read_body


class CallRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Call a ballot on item `item` of meeting `meeting`, a carried `call-ballot`
    decision; five trustees and a threshold of three unless said otherwise."""

    title: Name
    decision: Topic
    meeting: EntryId
    item: Annotated[int, msgspec.Meta(ge=0, le=49)] = 0
    questions: Annotated[list[BallotQuestion], msgspec.Meta(min_length=1, max_length=20)]
    trustees: Annotated[list[NodeId], msgspec.Meta(min_length=3, max_length=20)]
    threshold: Annotated[int, msgspec.Meta(ge=2, le=20)] = 3
    keys_by: Millis
    deals_by: Millis
    extracts_by: Millis
    opens: Millis
    closes: Millis


class TrusteeKeyRequest(msgspec.Struct, forbid_unknown_fields=True):
    key: Hex32
    proof: BallotBytes


class MaterialRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Bytes a trustee made on their own machine, in hex."""

    data: BallotBytes


class AgainstRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A complaint or disclosure about another trustee's deal (or extraction)."""

    against: EntryId
    data: BallotBytes


class EnrolRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Members' public credentials S (never the secret s)."""

    credentials: Annotated[list[Hex32], msgspec.Meta(min_length=1, max_length=900)]


class CastRequest(msgspec.Struct, forbid_unknown_fields=True):
    """A finished ballot, encrypted, proven and signed on the member's device."""

    ballot: BallotBytes


class PartialRequest(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    cut: EntryId
    group: NodeId | None = None
    data: BallotBytes


class CosignRequest(msgspec.Struct, forbid_unknown_fields=True):
    cut: EntryId


def _written(entry) -> web.Response:
    return json({"entry": entry.id, "seq": entry.seq}, status=201)


def _ballot(request: web.Request) -> str:
    return request.match_info["id"]


async def list_ballots(request: web.Request) -> web.Response:
    return json({"ballots": ballots.listing(node_of(request))})


async def get_ballot(request: web.Request) -> web.Response:
    return json(ballots.describe(node_of(request), _ballot(request)))


async def get_tracker(request: web.Request) -> web.Response:
    return json(ballots.find(node_of(request), _ballot(request),
                             request.match_info["tracker"]))


async def get_credential(request: web.Request) -> web.Response:
    return json(ballots.credential_status(node_of(request), _ballot(request),
                                          request.match_info["credential"]))


async def post_call(request: web.Request) -> web.Response:
    body = await read_body(request, CallRequest)
    return _written(await ballots.call(node_of(request), msgspec.to_builtins(body)))


async def post_trustee_key(request: web.Request) -> web.Response:
    body = await read_body(request, TrusteeKeyRequest)
    return _written(await ballots.trustee_key(node_of(request), _ballot(request), body.key,
                                              body.proof))


async def post_deal(request: web.Request) -> web.Response:
    body = await read_body(request, MaterialRequest)
    return _written(await ballots.deal(node_of(request), _ballot(request), body.data))


async def post_extract(request: web.Request) -> web.Response:
    body = await read_body(request, MaterialRequest)
    return _written(await ballots.extract(node_of(request), _ballot(request), body.data))


async def post_complaint(request: web.Request) -> web.Response:
    body = await read_body(request, AgainstRequest)
    ballots.call_or_404(node_of(request), _ballot(request))
    return _written(await ballots.complain(node_of(request), body.against, body.data))


async def post_disclosure(request: web.Request) -> web.Response:
    body = await read_body(request, AgainstRequest)
    ballots.call_or_404(node_of(request), _ballot(request))
    return _written(await ballots.disclose(node_of(request), body.against, body.data))


async def post_enrol(request: web.Request) -> web.Response:
    body = await read_body(request, EnrolRequest)
    return _written(await ballots.enrol(node_of(request), _ballot(request), body.credentials))


async def post_cast(request: web.Request) -> web.Response:
    body = await read_body(request, CastRequest)
    return json(await ballots.cast(node_of(request), _ballot(request), body.ballot),
                status=201)


async def post_cut(request: web.Request) -> web.Response:
    return _written(await ballots.cut(node_of(request), _ballot(request)))


async def post_cosign(request: web.Request) -> web.Response:
    body = await read_body(request, CosignRequest)
    ballots.call_or_404(node_of(request), _ballot(request))
    return _written(await ballots.cosign(node_of(request), body.cut))


async def post_partial(request: web.Request) -> web.Response:
    body = await read_body(request, PartialRequest)
    ballots.call_or_404(node_of(request), _ballot(request))
    return _written(await ballots.partial(node_of(request), body.cut, body.group, body.data))


BALLOT = "/api/v1/ballots/{id}"
MEMBER = ("member",)
OFFICER = ("officer",)
WRITTEN = (201,)
ENDPOINTS = [
    Endpoint("GET", "/api/v1/ballots", "Every member ballot called, with its status",
             MEMBER, list_ballots),
    Endpoint("GET", BALLOT, "One ballot: its questions, window, trustees, key, participants, "
             "final cut, trackers and result (BL1-BL8)", MEMBER, get_ballot),
    Endpoint("GET", BALLOT + "/trackers/{tracker}",
             "Find my ballot: whether this node holds the ballot with this tracker, and "
             "whether the final cut counts it", MEMBER, get_tracker),
    Endpoint("GET", BALLOT + "/credentials/{credential}",
             "Is my public credential on a list, whose, and does the list count (BL5)",
             MEMBER, get_credential),
    Endpoint("POST", "/api/v1/ballots", "Call a member ballot on a carried call-ballot "
             "decision (BL1-BL3, C6)", OFFICER, post_call, CallRequest, answers=WRITTEN),
    Endpoint("POST", BALLOT + "/trustee-key", "Publish our trustee key and its proof, made on "
             "the trustee's machine (BALLOTS 6.1)", OFFICER, post_trustee_key,
             TrusteeKeyRequest, answers=WRITTEN),
    Endpoint("POST", BALLOT + "/deal", "Publish our trustee's deal (BALLOTS 6.2)", OFFICER,
             post_deal, MaterialRequest, answers=WRITTEN),
    Endpoint("POST", BALLOT + "/complaints", "Publish our trustee's complaint against a deal "
             "or extraction (BALLOTS 6.3, 6.5)", OFFICER, post_complaint, AgainstRequest,
             answers=WRITTEN),
    Endpoint("POST", BALLOT + "/extract", "Publish our trustee's extraction (BALLOTS 6.5)",
             OFFICER, post_extract, MaterialRequest, answers=WRITTEN),
    Endpoint("POST", BALLOT + "/disclosures", "Disclose our trustee's shares from a dealer "
             "to rebuild (BALLOTS 6.6)", OFFICER, post_disclosure, AgainstRequest,
             answers=WRITTEN),
    Endpoint("POST", BALLOT + "/credentials", "Put members' public credentials on our group's "
             "list, before the opening (BL5)", MEMBER, post_enrol, EnrolRequest,
             answers=WRITTEN),
    Endpoint("POST", BALLOT + "/cast", "Cast a member's finished ballot; answers the signed "
             "receipt: tracker, entry and seq (BL6)", MEMBER, post_cast, CastRequest,
             answers=WRITTEN),
    Endpoint("POST", BALLOT + "/cut", "Write the cut of the logs after the close (BL7)",
             OFFICER, post_cut, answers=WRITTEN),
    Endpoint("POST", BALLOT + "/cosign", "Cosign a cut with the hash of its totals (BL7)",
             OFFICER, post_cosign, CosignRequest, answers=WRITTEN),
    Endpoint("POST", BALLOT + "/partials", "Publish our trustee's partial decryption of the "
             "final cut's totals (BALLOTS 7.2)", OFFICER, post_partial, PartialRequest,
             answers=WRITTEN),
]
