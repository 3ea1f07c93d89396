"""The client API document matches what the node serves, and nothing is open by accident."""

from __future__ import annotations

import re

import aiohttp

from groupnet.web.api import all_endpoints, openapi_document


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


async def test_the_openapi_document_lists_every_endpoint_the_node_serves(cluster):
    (service,) = await cluster.form(1)
    url = service.node.config.url + "/api/v1/openapi.json"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        assert response.status == 200
        document = await response.json()
    assert document == openapi_document()
    listed = {(method.upper(), path) for path, ops in document["paths"].items() for method in ops}
    assert listed == {(e.method, e.path) for e in all_endpoints()}
    for path, ops in document["paths"].items():
        for operation in ops.values():
            if operation["x-roles"]:
                assert operation["security"] == [{"token": []}], path
            else:  # open to anyone: signing in
                assert operation["security"] == [], path


async def test_every_client_api_call_without_a_valid_token_is_refused(cluster):
    (service,) = await cluster.form(1)
    base = service.node.config.url
    async with aiohttp.ClientSession() as http:
        for endpoint in [e for e in all_endpoints() if e.roles]:
            for headers in ({}, {"Authorization": "Bearer not-a-token"}):
                async with http.request(endpoint.method, base + _concrete(endpoint.path),
                                        headers=headers, json={}) as response:
                    assert response.status == 401, (endpoint.method, endpoint.path)
                    answer = await response.json()
                    assert answer["error"]["code"] == "unauthenticated"
                    assert answer["error"]["reason"]


def test_every_endpoint_is_documented_under_docs():
    from pathlib import Path

    docs = "\n".join(p.read_text() for p in Path("docs").glob("*.md"))
    missing = [f"{e.method} {e.path}" for e in all_endpoints()
               if f"`{e.method} {e.path}" not in docs]
    assert not missing, f"document these in docs/*.md: {missing}"
