"""The network's pages: dashboard, directory, profile, the shared-motion feed, follows, audit.

Each page calls what the JSON API beside it calls (`network`, `sharing`,
`following`, `store.audit`) and asks for the same roles.
"""

from __future__ import annotations

import msgspec
from aiohttp import web

from ... import clock
from ...group import adoption, meetings, motions, people, rules
from ...limits import whole_number
from ...network import following, joining, sharing
from ...procedure.group.motions import text_diff
from ...store import audit, entries
from ...wire import messages
from ..api.motions import (
    AdoptRequest,
    AmendRequest,
    FollowRequest,
    ReplyRequest,
    ReviseRequest,
    ShareRequest,
    WithdrawRequest,
)
from ..api.network import ProfileChange
from ..auth import caller_of
from .frame import (
    PICK_LIST_MAX,
    action,
    actor_of,
    choices_of,
    may,
    node_of,
    number,
    page,
    person,
    render,
    see_other,
    service_of,
    shaped,
    text,
)

DIRECTORY_KINDS = ("node.admit", "group.profile")


async def _directory_changes(request: web.Request, limit: int = 8) -> list[dict]:
    node = node_of(request)
    names = {m.node: m.name for m in node.state.members.values()}
    changes = []
    for raw in await entries.latest_of_kinds(node.db, DIRECTORY_KINDS, limit):
        entry = messages.parse(raw)
        if not isinstance(entry, messages.Entry):
            continue
        if entry.kind == "node.admit":
            what = f"admitted {entry.body.name}"  # type: ignore[attr-defined]
        else:
            what = "published its profile"
        changes.append({"group": names.get(entry.author, entry.author), "what": what,
                        "ts": entry.ts})
    return changes


async def _health(request: web.Request) -> dict:
    node = node_of(request)
    service = service_of(request)
    backlog = await service.outbox.backlog() if service else {}
    names = {m.node: m.name for m in node.state.members.values()}
    peers = [{"name": names.get(peer, peer), **state} for peer, state in sorted(backlog.items())]
    return {
        "peers": peers,
        "reachable": sum(1 for p in peers if not p["failures"]),
        "pending": sum(p["pending"] for p in peers),
        "forks": node.state.forks,
        "names": names,
        "admitted": node.state.is_member(node.id),
        "network": node.state.name if node.state.net else None,
        "entries": node.last_rx,
        "refused": dict(service.client.refused) if service else {},
    }


@page("GET", "/api/v1/rules")
async def dashboard(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    caller = caller_of(request)
    now = clock.now(node)
    upcoming, in_progress, shared, changes, health = [], [], [], [], None
    if may(caller, "GET", "/api/v1/meetings"):
        upcoming = sorted((m for m in await meetings.listing(node.db, now)
                           if m["starts_at_ms"] >= now - 6 * 3_600_000),
                          key=lambda m: m["starts_at_ms"])[:5]
    if may(caller, "GET", "/api/v1/motions"):
        in_progress = [m for m in await motions.listing(node.db, None)
                       if m["outcome"] is None][-8:]
    if may(caller, "GET", "/api/v1/network/motions"):
        shared = [m for m in sharing.feed(node) if m["state"] != "withdrawn"][:5]
    if may(caller, "GET", "/api/v1/groups"):
        changes = await _directory_changes(request)
    if may(caller, "GET", "/api/v1/node"):
        health = await _health(request)
    return render(request, "dashboard.html", upcoming=upcoming, in_progress=in_progress,
                  shared=shared, changes=changes, health=health, now=now)


@page("GET", "/api/v1/groups")
async def directory(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    return render(request, "directory.html", groups=node.groups(), own=node.id,
                  network=node.state.name if node.state.net else None)


@page("PUT", "/api/v1/profile")
async def profile_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    current = node.state.profiles.get(node.id)
    body = current[1] if current else None
    return render(request, "profile.html", profile=body, saved=request.query.get("saved") == "1",
                  admitted=node.state.is_member(node.id))


@action("PUT", "/api/v1/profile", "profile", profile_page,
        {"bad_profile": "area", "bad_link": "url"})
async def post_profile(request: web.Request) -> web.StreamResponse:
    changes = {name: text(request, name) for name in ("name", "area", "meets", "contact")}
    changes["url"] = text(request, "url") or None
    body = shaped(ProfileChange, changes)
    await joining.set_profile(node_of(request), msgspec.to_builtins(body))
    raise see_other("/profile?saved=1")


# -- shared motions ------------------------------------------------------------------------


FEED_FILTERS = ("group", "area", "topic", "state", "q")


@page("GET", "/api/v1/network/motions")
async def feed_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    q = {name: request.query.get(name, "").strip() for name in FEED_FILTERS}
    items = sharing.feed(node, q["group"] or None, q["area"] or None, q["topic"] or None,
                         q["state"] or None, q["q"] or None)
    topics = sorted({t for m in node.state.motions.motions.values() for t in m.current.topics})
    groups = sorted((m.name, m.node) for m in node.state.members.values())
    return render(request, "feed.html", items=items[:200], total=len(items), filters=q,
                  topics=topics, groups=groups, own=node.id)


@page("POST", "/api/v1/network/motions")
async def share_page(request: web.Request) -> web.StreamResponse:
    return render(request, "share.html")


def _topics(request: web.Request) -> list[str]:
    return [t.strip() for t in text(request, "topics").split(",") if t.strip()]


@action("POST", "/api/v1/network/motions", "share", share_page)
async def post_share(request: web.Request) -> web.StreamResponse:
    body = shaped(ShareRequest, {"title": text(request, "title"), "text": text(request, "text"),
                                 "topics": _topics(request), "adopted": None,
                                 "local": text(request, "local")})
    entry = await sharing.share(node_of(request), body.title, body.text, body.topics,
                                body.adopted, body.local)
    raise see_other(f"/network/motions/{entry.id}")


@page("GET", "/api/v1/network/motions/{id}")
async def motion_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    motion = sharing.motion_or_404(node, request.match_info["id"])
    described = sharing.describe(node, motion, full=True)
    versions = motion.versions
    by_number = {v.number: v for v in versions}
    amendments = [{**a, "diff": text_diff(by_number[a["version"]].text, a["text"])
                   if a["version"] in by_number else []}
                  for a in described["amendment_list"]]
    revisions = [{"number": v.number, "diff": text_diff(versions[i - 1].text, v.text)}
                 for i, v in enumerate(versions) if i > 0]
    endorsed = {"in_favour": 0, "against": 0, "abstentions": 0, "attendance": 0}
    for e in described["endorsement_list"]:
        for key in endorsed:
            endorsed[key] += e["adoption"]["tally"][key]
    now = clock.now(node)
    ours = [m for m in await meetings.listing(node.db, now)
            if not m["cancelled"] and m["starts_at_ms"] > now]
    orders = await rules.current(node.db)
    allowed = await people.entitled_ids(node.db, "general", orders)
    return render(request, "network_motion.html", motion=described, amendments=amendments,
                  revisions=revisions, endorsed=endorsed, own=motion.group == node.id,
                  side=request.query.get("diff") == "side", meetings=sorted(
                      ours, key=lambda m: m["starts_at_ms"]),
                  links=await adoption.links(node, motion.id), notice=request.query,
                  our_endorsements=[e for e in described["endorsement_list"]
                                    if e["group"]["node"] == node.id],
                  our_cosponsorship=[c for c in described["cosponsor_list"]
                                     if c["group"]["node"] == node.id],
                  choices=await choices_of(request, allowed)
                  if len(allowed) <= PICK_LIST_MAX else [])


def _motion_action(path: str, name: str, fields: dict | None = None):
    return action("POST", "/api/v1/network/motions/{id}" + path, name, motion_page, fields)


def _back(request: web.Request) -> web.HTTPSeeOther:
    return see_other(f"/network/motions/{request.match_info['id']}")


@_motion_action("/adoption", "adopt", {"bad_meeting": "meeting", "not_found": "seconder",
                                        "seconder_is_proposer": "seconder",
                                        "not_active": "seconder"})
async def post_adopt(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    allowed = await people.entitled_ids(node.db, "general", await rules.current(node.db))
    choices = await choices_of(request, allowed) if len(allowed) <= PICK_LIST_MAX else []
    proposer = text(request, "proposer")
    body = shaped(AdoptRequest, {
        "meeting": number(request, "meeting", "The meeting"),
        "seconder": await person(request, text(request, "seconder"), "Seconder", choices),
        "proposer": await person(request, proposer, "Proposer", choices) if proposer else None})
    view = await adoption.adopt(node, actor_of(request), request.match_info["id"],
                                body.meeting, body.seconder, body.proposer)
    raise see_other(f"/motions/{view.id}?adopted=1")


@_motion_action("/cosponsors", "cosponsor")
async def post_cosponsor(request: web.Request) -> web.StreamResponse:
    await sharing.cosponsor(node_of(request), request.match_info["id"])
    raise see_other(f"/network/motions/{request.match_info['id']}?done=cosponsored#actions")


@_motion_action("/amendments", "amend")
async def post_amend(request: web.Request) -> web.StreamResponse:
    body = shaped(AmendRequest, {"text": text(request, "text"),
                                 "reason": text(request, "reason")})
    await sharing.amend(node_of(request), request.match_info["id"], body.text, body.reason)
    raise _back(request)


@_motion_action("/replies", "reply")
async def post_reply(request: web.Request) -> web.StreamResponse:
    body = shaped(ReplyRequest, {"text": text(request, "text")})
    await sharing.reply(node_of(request), request.match_info["id"], body.text)
    raise _back(request)


@_motion_action("/revisions", "revise")
async def post_revise(request: web.Request) -> web.StreamResponse:
    body = shaped(ReviseRequest, {
        "title": text(request, "title") or None, "text": text(request, "text") or None,
        "topics": _topics(request) if text(request, "topics") else None,
        "note": text(request, "note")})
    changes = {"title": body.title, "text": body.text, "topics": body.topics}
    await sharing.revise(node_of(request), request.match_info["id"], changes, body.note)
    raise _back(request)


@_motion_action("/withdrawal", "withdraw")
async def post_withdraw(request: web.Request) -> web.StreamResponse:
    body = shaped(WithdrawRequest, {"reason": text(request, "reason")})
    await sharing.withdraw(node_of(request), request.match_info["id"], body.reason)
    raise _back(request)


# -- follows and notifications ---------------------------------------------------------------


@page("GET", "/api/v1/notifications")
async def notifications_page(request: web.Request) -> web.StreamResponse:
    node = node_of(request)
    found = await following.notifications(node)
    follows = await following.follows(node)
    names = {m.node: m.name for m in node.state.members.values()}
    groups = sorted((m.name, m.node) for m in node.state.members.values() if m.node != node.id)
    return render(request, "notifications.html", found=found, follows=follows, names=names,
                  groups=groups)


@action("POST", "/api/v1/follows", "follow", notifications_page)
async def post_follow(request: web.Request) -> web.StreamResponse:
    body = shaped(FollowRequest, {"kind": text(request, "kind"), "value": text(request, "value")})
    await following.follow(node_of(request), body.kind, body.value)
    raise see_other("/notifications")


@action("DELETE", "/api/v1/follows", "unfollow", notifications_page)
async def post_unfollow(request: web.Request) -> web.StreamResponse:
    body = shaped(FollowRequest, {"kind": text(request, "kind"), "value": text(request, "value")})
    await following.unfollow(node_of(request), body.kind, body.value)
    raise see_other("/notifications")


@action("POST", "/api/v1/notifications/read", "read", notifications_page)
async def post_read(request: web.Request) -> web.StreamResponse:
    await following.mark_read(node_of(request))
    raise see_other("/notifications")


# -- the audit trail ---------------------------------------------------------------------------


@page("GET", "/api/v1/audit")
async def audit_page(request: web.Request) -> web.StreamResponse:
    before = whole_number(request.query.get("before", ""), 1)
    subject = request.query.get("subject", "").strip()[:200] or None
    limit = 100
    rows = await audit.page(node_of(request).db, before, limit, subject)
    following_page = rows[-1].seq if len(rows) == limit and rows[-1].seq > 1 else None
    return render(request, "audit.html", rows=rows, before=following_page,
                  subject=subject or "")


def routes() -> list[web.RouteDef]:
    return [
        web.get("/", dashboard),
        web.get("/directory", directory),
        web.get("/profile", profile_page),
        web.post("/profile", post_profile),
        web.get("/network/motions", feed_page),
        web.get("/network/motions/new", share_page),
        web.post("/network/motions/new", post_share),
        web.get("/network/motions/{id}", motion_page),
        web.post("/network/motions/{id}/adopt", post_adopt),
        web.post("/network/motions/{id}/cosponsor", post_cosponsor),
        web.post("/network/motions/{id}/amend", post_amend),
        web.post("/network/motions/{id}/reply", post_reply),
        web.post("/network/motions/{id}/revise", post_revise),
        web.post("/network/motions/{id}/withdraw", post_withdraw),
        web.get("/notifications", notifications_page),
        web.post("/follows", post_follow),
        web.post("/follows/remove", post_unfollow),
        web.post("/notifications/read", post_read),
        web.get("/audit", audit_page),
    ]
