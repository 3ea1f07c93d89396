"""Network motions in the client API: the feed, sharing, and other groups' responses."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from aiohttp import web

from ...group import adoption
from ...group.meetings import MemberId
from ...limits import Id, Millis
from ...network import following, sharing
from ...wire.messages import Adoption, MotionText, Name, Text, Topic
from .business import actor_of
from .endpoints import Endpoint, Query, ident, json, node_of, query, read_body

Version = Annotated[int, msgspec.Meta(ge=1, le=10000)]
MotionTopics = Annotated[list[Topic], msgspec.Meta(max_length=10)]


# Each request holds what the message it becomes holds, with the same limits.
class ShareRequest(msgspec.Struct, forbid_unknown_fields=True):
    title: Name
    text: MotionText
    topics: MotionTopics = []
    adopted: Adoption | None = None
    local: Text = ""


class ReviseRequest(msgspec.Struct, forbid_unknown_fields=True):
    title: Name | None = None
    text: MotionText | None = None
    topics: MotionTopics | None = None
    adopted: Adoption | None = None
    note: Text = ""


class WithdrawRequest(msgspec.Struct, forbid_unknown_fields=True):
    reason: Text


class EndorseRequest(msgspec.Struct, forbid_unknown_fields=True):
    adoption: Adoption
    version: Version | None = None


class CosponsorRequest(msgspec.Struct, forbid_unknown_fields=True):
    version: Version | None = None


class AmendRequest(msgspec.Struct, forbid_unknown_fields=True):
    text: MotionText
    reason: Text = ""
    version: Version | None = None


class ReplyRequest(msgspec.Struct, forbid_unknown_fields=True):
    text: MotionText


class FollowRequest(msgspec.Struct, forbid_unknown_fields=True):
    kind: Literal["group", "topic"]
    # a group's node id, or a topic
    value: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]


class ReadRequest(msgspec.Struct, forbid_unknown_fields=True):
    # read up to this time (ms since 1970); default: now
    upto: Millis | None = None


class AdoptRequest(msgspec.Struct, forbid_unknown_fields=True):
    meeting: Id
    seconder: MemberId
    proposer: MemberId | None = None


class ShareLocalRequest(msgspec.Struct, forbid_unknown_fields=True):
    topics: MotionTopics = []


def _written(entry) -> web.Response:
    return json({"entry": entry.id, "seq": entry.seq}, status=201)


async def list_motions(request: web.Request) -> web.Response:
    filters = (query(request, name, None) for name in ("group", "area", "topic", "state", "q"))
    items = sharing.feed(node_of(request), *filters)
    limit = query(request, "limit", 100)
    return json({"motions": items[:limit], "total": len(items)})


async def get_motion(request: web.Request) -> web.Response:
    node = node_of(request)
    motion = sharing.motion_or_404(node, request.match_info["id"])
    described = sharing.describe(node, motion, full=True)
    described["local_links"] = await adoption.links(node, motion.id)
    return json(described)


async def post_adoption(request: web.Request) -> web.Response:
    body = await read_body(request, AdoptRequest)
    view = await adoption.adopt(node_of(request), actor_of(request), request.match_info["id"],
                                body.meeting, body.seconder, body.proposer)
    return json(view, status=201)


async def post_share_local(request: web.Request) -> web.Response:
    body = await read_body(request, ShareLocalRequest)
    return _written(await adoption.share_local(node_of(request), ident(request), body.topics))


async def post_share(request: web.Request) -> web.Response:
    body = await read_body(request, ShareRequest)
    return _written(await sharing.share(node_of(request), body.title, body.text, body.topics,
                                        body.adopted, body.local))


async def post_revision(request: web.Request) -> web.Response:
    body = await read_body(request, ReviseRequest)
    changes = msgspec.to_builtins(body)
    note = changes.pop("note", "")
    return _written(await sharing.revise(node_of(request), request.match_info["id"],
                                         changes, note))


async def post_withdrawal(request: web.Request) -> web.Response:
    body = await read_body(request, WithdrawRequest)
    return _written(await sharing.withdraw(node_of(request), request.match_info["id"],
                                           body.reason))


async def post_endorsement(request: web.Request) -> web.Response:
    body = await read_body(request, EndorseRequest)
    return _written(await sharing.endorse(node_of(request), request.match_info["id"],
                                          body.adoption, body.version))


async def post_cosponsor(request: web.Request) -> web.Response:
    body = await read_body(request, CosponsorRequest)
    return _written(await sharing.cosponsor(node_of(request), request.match_info["id"],
                                            body.version))


async def post_amendment(request: web.Request) -> web.Response:
    body = await read_body(request, AmendRequest)
    return _written(await sharing.amend(node_of(request), request.match_info["id"],
                                        body.text, body.reason, body.version))


async def post_reply(request: web.Request) -> web.Response:
    body = await read_body(request, ReplyRequest)
    return _written(await sharing.reply(node_of(request), request.match_info["id"], body.text))


async def get_follows(request: web.Request) -> web.Response:
    return json({"follows": await following.follows(node_of(request))})


async def post_follow(request: web.Request) -> web.Response:
    body = await read_body(request, FollowRequest)
    await following.follow(node_of(request), body.kind, body.value)
    return json({"follows": await following.follows(node_of(request))}, status=201)


async def delete_follow(request: web.Request) -> web.Response:
    body = await read_body(request, FollowRequest)
    await following.unfollow(node_of(request), body.kind, body.value)
    return json({"follows": await following.follows(node_of(request))})


async def get_notifications(request: web.Request) -> web.Response:
    return json(await following.notifications(node_of(request)))


async def post_read(request: web.Request) -> web.Response:
    body = await read_body(request, ReadRequest)
    await following.mark_read(node_of(request), body.upto)
    return json(await following.notifications(node_of(request)))


MOTION = "/api/v1/network/motions/{id}"
OFFICER = ("officer",)
WRITTEN = (201,)
ENDPOINTS = [
    Endpoint("GET", "/api/v1/network/motions",
             "The network motion feed, filtered by group, area, topic, state or text",
             ("member",), list_motions, None,
             (Query("group"), Query("area"), Query("topic"),
              Query("state", choices=("draft", "adopted", "withdrawn")), Query("q"),
              Query("limit", "integer", 1, 1000))),
    Endpoint("GET", MOTION, "One shared motion: versions, endorsements, amendments, replies",
             ("member",), get_motion),
    Endpoint("POST", "/api/v1/network/motions", "Share a motion (adopted, or a draft)",
             OFFICER, post_share, ShareRequest, answers=WRITTEN),
    Endpoint("POST", MOTION + "/revisions", "Publish a revised version of our motion",
             OFFICER, post_revision, ReviseRequest, answers=WRITTEN),
    Endpoint("POST", MOTION + "/withdrawal", "Withdraw our motion", OFFICER,
             post_withdrawal, WithdrawRequest, answers=WRITTEN),
    Endpoint("POST", MOTION + "/endorsements", "Endorse a version, with our meeting's tally",
             OFFICER, post_endorsement, EndorseRequest, answers=WRITTEN),
    Endpoint("POST", MOTION + "/cosponsors", "Co-sponsor a motion", OFFICER,
             post_cosponsor, CosponsorRequest, answers=WRITTEN),
    Endpoint("POST", MOTION + "/amendments", "Propose an amendment to a version", OFFICER,
             post_amendment, AmendRequest, answers=WRITTEN),
    Endpoint("POST", MOTION + "/replies", "Publish a reply under a motion", OFFICER,
             post_reply, ReplyRequest, answers=WRITTEN),
    Endpoint("POST", MOTION + "/adoption",
             "Put a shared motion to one of our meetings; when carried, it is endorsed",
             OFFICER, post_adoption, AdoptRequest, answers=WRITTEN),
    Endpoint("POST", "/api/v1/motions/{id}/share",
             "Share one of our motions: carried, with the decision, or as a draft",
             OFFICER, post_share_local, ShareLocalRequest, answers=WRITTEN, numbered=("id",)),
    Endpoint("GET", "/api/v1/follows", "Groups and topics this group follows", OFFICER,
             get_follows),
    Endpoint("POST", "/api/v1/follows", "Follow a group or a topic", OFFICER,
             post_follow, FollowRequest, answers=WRITTEN),
    Endpoint("DELETE", "/api/v1/follows", "Stop following a group or a topic", OFFICER,
             delete_follow, FollowRequest),
    Endpoint("GET", "/api/v1/notifications", "New motions from followed groups and topics",
             OFFICER, get_notifications),
    Endpoint("POST", "/api/v1/notifications/read", "Mark notifications read", OFFICER,
             post_read, ReadRequest),
]
