"""The web pages a group uses from the browser: server-rendered, usable without JavaScript.

Each module here is one area (account, network, register, meetings); each page
calls the same service functions as the JSON API and asks for the same roles
(`frame.page`). `routes()` gathers them with the stylesheet and the
ballot script (`ballot_script`).
"""

from __future__ import annotations

from pathlib import Path

from aiohttp import web

from . import (
    account,
    ballot_script,
    ballots,
    cases,
    conferences,
    delegates,
    floor,
    governance,
    meetings,
    network,
    register,
)

STATIC = Path(__file__).resolve().parent.parent / "static"


def routes() -> list[web.AbstractRouteDef]:
    return [*account.routes(), *network.routes(), *register.routes(),
            *meetings.routes(), *cases.routes(),
            *delegates.routes(), *conferences.routes(), *floor.routes(), *governance.routes(),
            *ballots.routes(), *ballot_script.routes(),
            web.static("/static", STATIC, append_version=False)]
