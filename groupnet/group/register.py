"""What officers and members do to the member register, as transactions.

Each function is one step: it loads the member, asks the pure rules in
`procedure/group/members.py` whether the step is allowed and what it produces, and
saves the result with its audit row in one transaction, so a refused step
changes nothing. The web API and the CLI are thin callers of these functions.

The node's operator (an admin token, or the CLI on the node's directory) acts
with an officer's authority but is nobody in the group: the procedure code
sees a stand-in officer named after the operator (`operator`), and the audit
trail and status history name the operator as the one who decided.
"""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime
from typing import Annotated, get_args

import aiosqlite
import msgspec

from .. import clock
from ..clock import now_ms
from ..local_time import LocalTime
from ..network.node import Node
from ..procedure.group import members
from ..procedure.group.members import (
    CalledMeeting,
    LapseGrounds,
    Member,
    OpenCase,
    RowError,
    StatusEntry,
)
from ..procedure.group.standing_orders import DAY_MS, GroupStandingOrders
from ..store import audit, business, links, sessions
from ..store import register as store_register
from ..wire.rejection import Rejection, refuse
from . import mail, meetings, rules, signin
from .people import CLI, Actor

# Rejections a caller could only avoid by being someone else.
_FORBIDDEN = {"officer_required", "self_only"}
RESET_REQUESTS_PER_HOUR = 3
HOUR_MS = 3_600_000
# After an officer changes a member's email, no reset link goes to the new address
# for this long: the old address is told, and has this long to object.
RESET_HOLD_AFTER_EMAIL_CHANGE = 7 * DAY_MS


# A register field holds at most what the same CSV column holds (`members.MAX_LENGTH`).
Name = Annotated[str, msgspec.Meta(max_length=members.MAX_LENGTH["name"])]
Email = Annotated[str, msgspec.Meta(max_length=members.MAX_LENGTH["email"])]
Phone = Annotated[str, msgspec.Meta(max_length=members.MAX_LENGTH["phone"])]
Area = Annotated[str, msgspec.Meta(max_length=members.MAX_LENGTH["area"])]
Postcode = Annotated[str, msgspec.Meta(max_length=members.MAX_LENGTH["postcode"])]
Day = Annotated[str, msgspec.Meta(max_length=members.MAX_LENGTH["joined"])]
Notes = Annotated[str, msgspec.Meta(max_length=members.MAX_LENGTH["notes"])]

# the kind of notice a lapse notice is recorded as (group/mail.py)
LAPSE_NOTICE = "lapse"


class NewMember(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    name: Name
    email: Email
    phone: Phone = ""
    area: Area = ""
    postcode: Postcode = ""
    joined: Day | None = None  # YYYY-MM-DD; default: today
    notes: Notes = ""


class ContactChanges(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """Fields to change; those left out keep their value."""

    name: Name | None = None
    email: Email | None = None
    phone: Phone | None = None
    area: Area | None = None
    postcode: Postcode | None = None
    joined: Day | None = None
    notes: Notes | None = None


class LinkIssued(msgspec.Struct, frozen=True):
    notice: mail.Notice
    expires: int
    # shown only while nobody has sent the notice: for an officer to pass on
    link: str | None


def check(value, status: int = 422):
    """A procedure result, or the refusal it carries."""
    if isinstance(value, Rejection):
        code = 403 if value.code in _FORBIDDEN else status
        raise refuse(value.code, value.reason, code)
    return value


async def standing_orders(node: Node) -> GroupStandingOrders:
    return await rules.current(node.db)


def operator(actor: Actor, orders: GroupStandingOrders) -> Member:
    """The node's operator as the procedure code sees them: an active officer."""
    return Member(member_id=actor.audit, name=actor.audit, email="", joined=date(1970, 1, 1),
                  history=(StatusEntry("active", 0, "the node's operator", "node"),),
                  roles=orders.officer_roles[:1])


async def acting(node: Node, actor: Actor, orders: GroupStandingOrders) -> Member:
    if actor.member_id is None:
        return operator(actor, orders)
    member, _ = await store_register.load(node.db, actor.member_id)
    return member


def require_officer(by: Member, orders: GroupStandingOrders, what: str) -> None:
    if not members.is_officer(by, orders):
        raise refuse("officer_required", f"standing order 9.1: only an officer "
                     f"({', '.join(orders.officer_roles)}) {what}", 403)


def _moment(node: Node, ms: int) -> str:
    return LocalTime(node.config.time_zone).moment(ms)


def _today(now: int) -> str:
    return datetime.fromtimestamp(now // 1000, UTC).date().isoformat()


def _validated(fields: dict[str, str], now: int) -> Member:
    """Details checked by the same rules as a CSV row (`members.validate_row`)."""
    result = members.validate_row(0, {k: fields.get(k, "") for k in members.COLUMNS}, now)
    if isinstance(result, RowError):
        raise refuse("invalid_member", result.reason, 422)
    return result


async def _email_free(db: aiosqlite.Connection, email: str, member_id: str = "") -> None:
    """Inside the write transaction, so nobody can take the email between check and save."""
    owner = await store_register.email_owner(db, email)
    if owner is not None and owner != member_id:
        raise refuse("email_taken", f"{email} is already in the register (member {owner})", 409)


# -- adding, editing, status and roles ----------------------------------------------


async def add(node: Node, actor: Actor, new: NewMember) -> Member:
    orders = await standing_orders(node)
    by = await acting(node, actor, orders)
    require_officer(by, orders, "adds members to the register")
    now = clock.now(node)
    fields = {**msgspec.to_builtins(new), "joined": new.joined or _today(now)}
    member = _validated(fields, now)
    member = msgspec.structs.replace(
        member, history=(StatusEntry("active", now, "added to the register", actor.audit),))
    async with node.transaction() as db:
        await _email_free(db, member.email)
        (member,) = await store_register.insert_members(db, [member], now)
        await audit.record(db, actor.audit, "member.add", f"member:{member.member_id}",
                           {"name": member.name, "email": member.email,
                            "joined": member.joined.isoformat()}, now)
    return member


async def edit(node: Node, actor: Actor, member_id: str, changes: ContactChanges) -> Member:
    orders = await standing_orders(node)
    by = await acting(node, actor, orders)
    require_officer(by, orders, "edits members' details")
    member, version = await store_register.load(node.db, member_id)
    now = clock.now(node)
    current = {k: v for k, v in members.to_row(member).items() if k not in ("status", "roles")}
    wanted = {k: v for k, v in msgspec.to_builtins(changes).items() if v is not None}
    checked = _validated({**current, **wanted}, now)
    fields = ("name", "email", "phone", "area", "postcode", "joined", "notes")
    updated = msgspec.structs.replace(member, **{f: getattr(checked, f) for f in fields})
    diff = {f: [str(getattr(member, f)), str(getattr(updated, f))]
            for f in fields if getattr(member, f) != getattr(updated, f)}
    if not diff:
        return member
    notice = None
    async with node.transaction() as db:
        await _email_free(db, updated.email, member_id)
        await store_register.save(db, updated, version, actor.audit, now)
        await audit.record(db, actor.audit, "member.edit", f"member:{member_id}", diff, now)
        if "email" in diff and await signin.has_password(db, member_id):
            # the old address hears of it: a reset link to the new one waits (`issue_link`)
            notice = await mail.record_account_notice(
                db, node, member_id, member.name, member.email,
                f"Your email address at {node.config.name} was changed",
                _email_change_text(node, member, updated.email,
                                   by.name if actor.member_id else "the node's operator", now),
                actor.audit, now)
    if notice is not None:
        await mail.deliver(node, [notice])
    return updated


def _email_change_text(node: Node, member: Member, new: str, by: str, now: int) -> str:
    group = node.config.name
    return (f"Dear {member.name},\n\nThe email address {group}'s register holds for you was "
            f"changed on {_moment(node, now)} from {member.email} to {new}, by {by}. No "
            "password-reset link will be sent to the new address until "
            f"{_moment(node, now + RESET_HOLD_AFTER_EMAIL_CHANGE)}.\n\nIf you asked for this, "
            f"there is nothing to do. If you did not, tell {group}'s officers or the node's "
            f"operator at once.\n\n{group}\n")


async def _change(node: Node, actor: Actor, member_id: str, action: str, detail: dict,
                  step) -> Member:
    """Load, apply `step(member, by, orders, now)`, save with an audit row."""
    orders = await standing_orders(node)
    by = await acting(node, actor, orders)
    async with node.transaction() as db:
        member, version = await store_register.load(db, member_id)
        now = clock.now(node)
        updated = check(step(member, by, orders, now))
        await store_register.save(db, updated, version, actor.audit, now)
        await audit.record(db, actor.audit, action, f"member:{member_id}", detail, now)
    return updated


async def set_status(node: Node, actor: Actor, member_id: str, status: str,
                     reason: str) -> Member:
    """A status change by a person; a lapse only under SO 9.3 and 9.4 (`lapse_grounds`)."""
    if status not in get_args(members.Status):
        raise refuse("bad_request", f"'{status}' is not a status: active, lapsed, suspended, "
                     "expelled or resigned", 400)
    orders = await standing_orders(node)
    by = await acting(node, actor, orders)
    async with node.transaction() as db:
        member, version = await store_register.load(db, member_id)
        now = clock.now(node)
        grounds = await lapse_grounds(db, member, now) if status == "lapsed" else None
        updated = check(members.change_status(member, status, by, now, reason, orders,
                                              grounds))
        await store_register.save(db, updated, version, actor.audit, now)
        detail = {"status": status, "reason": reason}
        if grounds is not None:
            detail["notice_sent_at"] = grounds.notice_sent_ms
        await audit.record(db, actor.audit, "member.status", f"member:{member_id}", detail,
                           now)
    return updated


# -- dues and lapsing (SO 9.3, 9.4) ------------------------------------------------------


async def lapse_grounds(db: aiosqlite.Connection, member: Member, now: int) -> LapseGrounds:
    """When the member's lapse notice was sent, and the meetings called and not yet held."""
    notice = member.lapse_notice
    sent = await mail.all_sent_at(db, notice.related) if notice is not None else None
    called = tuple(
        CalledMeeting(str(ident), record.meeting.kind, record.meeting.starts_at_ms)
        for ident, record in await business.all_of(db, meetings.KIND, meetings.MeetingRecord)
        if record.meeting.starts_at_ms + members.MEETING_HELD_AFTER_MS > now)
    return LapseGrounds(sent, called)


class LapseView(msgspec.Struct, frozen=True, kw_only=True):
    """Where a member stands under SO 9.3 and 9.4, for officers and the member."""

    paid_until: str | None
    # from when unpaid dues let the membership lapse, after notice; None without dues
    liable_from: int | None
    notice_given_at: int | None
    notice_sent_at: int | None
    # why the membership may not lapse now, or None if an officer may mark it lapsed
    refusal: Rejection | None


async def lapse_view(node: Node, member: Member) -> LapseView:
    orders = await standing_orders(node)
    now = clock.now(node)
    grounds = await lapse_grounds(node.db, member, now)
    notice = member.lapse_notice
    return LapseView(
        paid_until=member.paid_until.isoformat() if member.paid_until else None,
        liable_from=members.liable_from(member, orders),
        notice_given_at=notice.given_at_ms if notice else None,
        notice_sent_at=grounds.notice_sent_ms,
        refusal=members.lapse_refusal(member, now, orders, grounds)
        if member.status == "active" else None)


def _lapse_notice_text(node: Node, member: Member, orders: GroupStandingOrders,
                       now: int) -> tuple[str, str]:
    group = node.config.name
    paid = member.paid_until.isoformat() if member.paid_until else "—"
    soonest = LocalTime(node.config.time_zone).day(now + orders.lapse_notice_days * DAY_MS)
    subject = f"Your membership of {group}: dues unpaid, notice of a lapse"
    body = (
        f"Dear {member.name},\n\n"
        f"Our register shows your dues to {group} paid until {paid}, and unpaid for more "
        f"than {orders.dues_grace_days} days since they fell due (standing order 9.3).\n\n"
        f"Unless you renew or pay, your membership may lapse {orders.lapse_notice_days} days "
        f"after this notice was sent to you: if it reaches you today, from {soonest} at the "
        "soonest, and never while a meeting you are entitled to attend has been called and "
        "not yet held (standing order 9.4). A lapsed member cannot vote at meetings.\n\n"
        f"To put it right, renew your membership yourself: sign in at {node.config.url}/me "
        "and choose \"Renew my membership\" (the same works after a lapse, and restores it "
        "at once). Or pay your dues to the treasurer, who records the payment.\n\n"
        f"{group}\n")
    return subject, body


async def give_lapse_notice(node: Node, actor: Actor, member_id: str) -> Member:
    """SO 9.4: an officer gives a member in arrears notice of a lapse; it is sent now (or
    waits for an officer to pass it on), and the notice period counts from its sending."""
    orders = await standing_orders(node)
    by = await acting(node, actor, orders)
    async with node.transaction() as db:
        member, version = await store_register.load(db, member_id)
        now = clock.now(node)
        related = f"member:{member_id}:lapse:{now}"
        updated = check(members.give_lapse_notice(member, by, now, related, orders))
        await store_register.save(db, updated, version, actor.audit, now)
        await audit.record(db, actor.audit, "member.lapse_notice", f"member:{member_id}", {
            "related": related, "paid_until": str(updated.paid_until),
            "notice_days": orders.lapse_notice_days}, now)
    subject, body = _lapse_notice_text(node, updated, orders, now)
    await mail.send_notice(node, [member_id], subject, body, related_subject=related,
                           kind=LAPSE_NOTICE, actor=actor.audit)
    return updated


async def record_dues(node: Node, actor: Actor, member_id: str, paid_until: str,
                      note: str) -> Member:
    """An officer records dues paid until a date; dues brought up to date withdraw a
    lapse notice and reinstate a lapsed member."""
    try:
        until = date.fromisoformat(paid_until)
    except ValueError:
        raise refuse("bad_request", f"paid_until is a date as YYYY-MM-DD, not {paid_until!r}",
                     400) from None
    orders = await standing_orders(node)
    by = await acting(node, actor, orders)
    async with node.transaction() as db:
        member, version = await store_register.load(db, member_id)
        now = clock.now(node)
        updated = check(members.record_payment(member, until, by, now, note, orders))
        await _withdraw_unsent_lapse_notice(db, member, updated)
        await store_register.save(db, updated, version, actor.audit, now)
        await audit.record(db, actor.audit, "member.dues", f"member:{member_id}", {
            "paid_until": until.isoformat(), "note": note,
            "reinstated": updated.status != member.status,
            "notice_withdrawn": member.lapse_notice is not None
            and updated.lapse_notice is None}, now)
    return updated


async def renew(node: Node, actor: Actor, note: str = "") -> Member:
    """The member renews their own membership (reversing a lapse, withdrawing a notice)."""
    if actor.member_id is None:
        raise refuse("self_only", "members renew their own membership; the operator records "
                     "a payment instead", 403)
    async with node.transaction() as db:
        member, version = await store_register.load(db, actor.member_id)
        now = clock.now(node)
        updated = check(members.renew(member, member, now, note))
        await _withdraw_unsent_lapse_notice(db, member, updated)
        await store_register.save(db, updated, version, actor.audit, now)
        await audit.record(db, actor.audit, "member.renewal", f"member:{actor.member_id}", {
            "note": note, "was": member.status, "paid_until": str(updated.paid_until)}, now)
    return updated


async def _withdraw_unsent_lapse_notice(db: aiosqlite.Connection, before: Member,
                                        after: Member) -> None:
    """A notice made moot before anyone sent it should not be passed on."""
    if before.lapse_notice is not None and after.lapse_notice is None:
        await mail.withdraw_links(db, before.member_id, LAPSE_NOTICE)


async def resign(node: Node, actor: Actor, reason: str) -> Member:
    if actor.member_id is None:
        raise refuse("self_only", "only members themselves can resign their membership", 403)
    return await _change(
        node, actor, actor.member_id, "member.resign", {"reason": reason},
        lambda m, by, orders, now: members.resign(m, by, now, reason, orders))


async def assign_role(node: Node, actor: Actor, member_id: str, role: str,
                      decision: str) -> Member:
    return await _change(
        node, actor, member_id, "member.role_assigned", {"role": role, "decision": decision},
        lambda m, by, orders, now: members.assign_role(m, role, by, decision, orders))


async def stand_down(node: Node, actor: Actor, member_id: str, role: str) -> Member:
    return await _change(
        node, actor, member_id, "member.stood_down", {"role": role},
        lambda m, by, orders, now: members.stand_down(m, role, by))


async def record_eligibility(node: Node, actor: Actor, member_id: str, condition: str,
                             met: bool, note: str,
                             at_ms: int | None = None) -> tuple[Member, OpenCase | None]:
    """SO 9.2. An ineligible member stays as they are: the answer says to open a case."""
    orders = await standing_orders(node)
    by = await acting(node, actor, orders)
    async with node.transaction() as db:
        member, version = await store_register.load(db, member_id)
        now = clock.now(node)
        at = at_ms if at_ms is not None else now
        if at > now:
            raise refuse("bad_request", "eligibility is recorded as it is or was, not ahead", 422)
        change = check(members.record_eligibility(member, condition, met, at, note, by,
                                                  orders))
        await store_register.save(db, change.member, version, actor.audit, now)
        await audit.record(db, actor.audit, "member.eligibility", f"member:{member_id}", {
            "condition": condition, "met": met, "from_ms": at, "note": note,
            "open_case": msgspec.to_builtins(change.open_case),
        }, now)
    return change.member, change.open_case


# -- CSV export (importing is register_import.py) ---------------------------------------


async def export_csv(node: Node, actor: Actor, status: str = "") -> str:
    """The register as CSV with the import columns, so an export imports again."""
    listed = await store_register.all_members(node.db, status)
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=members.COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(members.to_row(m) for m in listed)
    now = clock.now(node)
    async with node.transaction() as db:
        # handing out the register is itself something the group should be able to see
        await audit.record(db, actor.audit, "register.export", "register",
                           {"members": len(listed), "status": status or "all"}, now)
    return out.getvalue()


# -- invitations and reset links -------------------------------------------------------


def _link_notice(node: Node, member: Member, purpose: str, expires: int,
                 link: str) -> mail.Draft:
    until = _moment(node, expires)
    group = node.config.name
    if purpose == "invitation":
        subject = f"Your invitation to sign in to {group}"
        opening = (f"You are invited to sign in to {group}'s node, where you can see your own "
                   "record and the group's business. Follow this link to choose a password:")
    else:
        subject = f"Reset your password for {group}"
        opening = (f"Someone asked to reset the password you use to sign in to {group}'s node. "
                   "Follow this link to choose a new one:")
    body = (f"Dear {member.name},\n\n{opening}\n\n[[link]]\n\nThe link works once, until "
            f"{until}. If you did not expect this message, ignore it: nothing changes "
            f"until the link is used.\n\n{group}\n")
    return mail.Draft(member_id=member.member_id, name=member.name, email=member.email,
                      subject=subject, body=body, secret=link)


async def _email_changed_at(db: aiosqlite.Connection, member_id: str) -> int | None:
    """When an officer last changed the member's email (members cannot change it themselves)."""
    return await audit.last_email_change(db, f"member:{member_id}")


async def _reset_held_until(db: aiosqlite.Connection, member_id: str, now: int) -> int | None:
    """Until when reset links for the member are held back after a change of email."""
    changed = await _email_changed_at(db, member_id)
    if changed is not None and now < changed + RESET_HOLD_AFTER_EMAIL_CHANGE:
        return changed + RESET_HOLD_AFTER_EMAIL_CHANGE
    return None


async def _void_unsent_link(node: Node, member_id: str, purpose: str) -> None:
    """A link whose mail failed reached nobody, and nobody may pass it on: void it."""
    async with node.transaction() as db:
        await links.void_unused(db, member_id, now_ms(), purpose)
        await mail.withdraw_links(db, member_id, purpose)


async def issue_link(node: Node, actor: Actor, member_id: str, purpose: str) -> LinkIssued:
    """An officer sends a member an invitation (first sign-in) or a password-reset link.

    A link lets whoever holds it act as the member, so it must reach the member
    alone (docs/members.md, "Who sees a link"):

    - A member who has set a password gets a reset link only by mail, never
      through an officer, and not to an address an officer set less than
      `RESET_HOLD_AFTER_EMAIL_CHANGE` ago. Without a mail server it is refused
      (`reset_needs_mail`); only the operator at the node's own command line
      (`groupnet member invite --reset`) can be handed one.
    - A new member, who has never set a password, may be handed their link by
      the officer who issued it when no mail took it.
    """
    if purpose not in signin.LINK_LIFETIME:
        raise refuse("bad_request", "purpose is 'invitation' or 'reset'", 400)
    orders = await standing_orders(node)
    require_officer(await acting(node, actor, orders), orders,
                     "issues invitations and reset links")
    member, _ = await store_register.load(node.db, member_id)
    at_the_node = actor.audit == CLI.audit
    async with node.transaction() as db:
        now = clock.now(node)
        in_use = await signin.has_password(db, member_id)
        if purpose == "invitation" and in_use:
            raise refuse("already_signed_up", f"{member.name} has already set a password; send "
                         "a password-reset link instead", 409)
        if in_use and not at_the_node:
            if node.config.smtp is None:
                raise refuse("reset_needs_mail", f"{member.name} already uses their account, "
                             "and a password-reset link for it goes to them alone, by email; "
                             "this node has no mail server, so none can be sent. Set [smtp] in "
                             "node.toml, or the node's operator can run `groupnet member invite "
                             "DIR EMAIL --reset` on the node and hand it over in person", 409)
            held = await _reset_held_until(db, member_id, now)
            if held is not None:
                raise refuse("email_recently_changed", f"{member.name}'s email was changed "
                             f"less than {RESET_HOLD_AFTER_EMAIL_CHANGE // DAY_MS} days ago, so "
                             "no reset link goes to the new address until "
                             f"{_moment(node, held)}: their old address was told of the change, "
                             "and has that long to object", 409)
        token, expires = await signin.issue_link(db, member_id, purpose, actor.audit,
                                                 now_ms())
        draft = _link_notice(node, member, purpose, expires,
                             signin.link_url(node, purpose, token))
        (notice_id,) = await mail.record(db, [draft], purpose, f"member:{member_id}",
                                         mail.transport_of(node), actor.audit, now)
        await audit.record(db, actor.audit, f"link.{purpose}", f"member:{member_id}",
                           {"expires": expires, "notice": notice_id}, now)
    (notice,) = await mail.deliver(node, [notice_id])
    if notice.status == "sent":
        return LinkIssued(notice, expires, None)
    if in_use and not at_the_node:
        await _void_unsent_link(node, member_id, purpose)
        (notice,) = await mail.by_ids(node.db, [notice_id])
        return LinkIssued(notice, expires, None)
    return LinkIssued(notice, expires, signin.link_url(node, purpose, token))


_background: set[asyncio.Task] = set()


async def request_reset(node: Node, email: str, address: str) -> None:
    """Anyone may ask for a reset link by email; the answer never says if the email is known.

    The link goes by mail only, so without a mail server nothing is sent (the
    member asks the node's operator). A member gets at most
    `RESET_REQUESTS_PER_HOUR` links this way an hour, and none for
    `RESET_HOLD_AFTER_EMAIL_CHANGE` after an officer changed their email.
    Sending happens after the answer, so its time does not give the member away.
    """
    if node.config.smtp is None:
        return
    member = await store_register.find_by_email(node.db, members.normalise_email(email))
    if member is None:
        return
    real = now_ms()
    if await signin.recent_links(node.db, member.member_id, "reset",
                                 real - HOUR_MS) >= RESET_REQUESTS_PER_HOUR:
        return
    async with node.transaction() as db:
        now = clock.now(node)
        if await signin.has_password(db, member.member_id) and \
                await _reset_held_until(db, member.member_id, now) is not None:
            return
        token, expires = await signin.issue_link(db, member.member_id, "reset",
                                                 f"request from {address}", real)
        draft = _link_notice(node, member, "reset", expires,
                             signin.link_url(node, "reset", token))
        (notice_id,) = await mail.record(db, [draft], "reset", f"member:{member.member_id}",
                                         mail.transport_of(node), "anonymous", now)
        await audit.record(db, "anonymous", "link.reset_requested",
                           f"member:{member.member_id}",
                           {"address": address, "expires": expires, "notice": notice_id}, now)
    task = asyncio.create_task(_send_reset(node, member.member_id, notice_id))
    _background.add(task)
    task.add_done_callback(_background.discard)


async def _send_reset(node: Node, member_id: str, notice_id: int) -> None:
    (notice,) = await mail.deliver(node, [notice_id])
    if notice.status != "sent":
        await _void_unsent_link(node, member_id, "reset")


# -- a member's own data -----------------------------------------------------------------


async def own_data(node: Node, member_id: str) -> dict:
    """Everything the node holds about a member, for them to take away."""
    member, _ = await store_register.load(node.db, member_id)
    set_at = await sessions.password_set_at(node.db, member_id)
    trail = [{"seq": r[0], "ts": r[1], "actor": r[2], "action": r[3], "subject": r[4],
              "detail": msgspec.json.decode(r[5])}
             for r in await audit.about(node.db, f"member:{member_id}")]
    notices = await mail.of_member(node.db, member_id)
    return {
        "exported_at": clock.now(node),
        "node": {"name": node.config.name, "url": node.config.url},
        "member": msgspec.to_builtins(member),
        "password_set_at": set_at,
        "sessions": await signin.sessions_of(node.db, member_id),
        "notices": msgspec.to_builtins(notices),
        "audit": trail,
    }
