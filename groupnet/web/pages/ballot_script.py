"""The member's ballot in the browser: the bundled script, served by the node itself.

`groupnet/web/static/ballot.js` is built from `js/ballot` (BALLOTS.md in
JavaScript, on @noble/curves' ristretto255) by `scripts/build-ballot-js.sh`; it
encrypts, proves and signs a ballot on the member's device, so no CDN and no
other origin is ever asked for it. It is served at a name that carries its own
hash, `/static/ballot.<hash>.js`, with a year's cache marked immutable: a node
upgraded to another bundle serves it under another name, so no browser keeps
running an old one. A page loads it with `<script type="module">` or `import()`
from `ballot_script` (a template global); the pages' Content-Security-Policy
(`script-src 'self'`) allows exactly this.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from aiohttp import web

BUNDLE = Path(__file__).resolve().parent.parent / "static" / "ballot.js"
_CODE = BUNDLE.read_bytes()
DIGEST = hashlib.sha256(_CODE).hexdigest()
PATH = f"/static/ballot.{DIGEST[:16]}.js"
YEAR = 365 * 24 * 3600


async def ballot_script(request: web.Request) -> web.Response:
    response = web.Response(body=_CODE, content_type="text/javascript", charset="utf-8")
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response.headers["ETag"] = f'"{DIGEST}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    # a script needs no policy to run; this one stops the file itself, opened as a
    # document, from loading or framing anything
    response.headers["Content-Security-Policy"] = "default-src 'none'; frame-ancestors 'none'"
    return response


def routes() -> list[web.AbstractRouteDef]:
    return [web.get(PATH, ballot_script)]
