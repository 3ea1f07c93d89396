"""The client API document matches what the node serves, and nothing is open by accident."""

from __future__ import annotations

import re

import aiohttp

from groupnet.web.api.routes import all_endpoints, openapi_document


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
                assert operation["security"] == [{"token": []}, {"session": []}], path
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


def _operation(document: dict, method: str, path: str) -> dict:
    return document["paths"][path][method.lower()]


def test_the_document_lists_the_statuses_each_call_answers_with():
    document = openapi_document()

    def statuses(method: str, path: str) -> set[str]:
        return set(_operation(document, method, path)["responses"])

    assert {"201", "400", "401", "403", "409", "413", "422"} <= statuses("POST", "/api/v1/meetings")
    assert "200" not in statuses("POST", "/api/v1/meetings")
    assert {"200", "202"} <= statuses("POST", "/api/v1/cases/{id}/hearing")
    assert {"201", "502", "503"} <= statuses("POST", "/api/v1/admissions")
    assert {"201", "429"} <= statuses("POST", "/api/v1/session")
    assert {"201", "410", "429"} <= statuses("POST", "/api/v1/invitations/accept")
    assert "202" in statuses("POST", "/api/v1/password-reset")
    assert "4XX" not in {s for path in document["paths"].values() for op in path.values()
                         for s in op["responses"]}
    for path in document["paths"].values():
        for operation in path.values():
            for answer in operation["responses"].values():
                answer = document["components"]["responses"][answer["$ref"].rsplit("/")[-1]] \
                    if "$ref" in answer else answer
                assert answer["content"], operation["summary"]


def test_answers_are_described_by_the_types_the_handlers_encode():
    document = openapi_document()
    meeting = _operation(document, "GET", "/api/v1/meetings/{id}")["responses"]["200"]
    assert meeting["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/MeetingView"}
    assert "quorum" in document["components"]["schemas"]["MeetingView"]["properties"]
    export = _operation(document, "GET", "/api/v1/register/export")["responses"]["200"]
    assert list(export["content"]) == ["text/csv"]


def test_a_body_is_required_exactly_where_its_type_has_a_field_without_default():
    document = openapi_document()
    for endpoint in all_endpoints():
        operation = _operation(document, endpoint.method, endpoint.path)
        if endpoint.body is None:
            assert "requestBody" not in operation, endpoint.path
            continue
        body = operation["requestBody"]
        assert body["required"] is endpoint.body_required, endpoint.path
    assert _operation(document, "POST", "/api/v1/meetings")["requestBody"]["required"]
    assert not _operation(document, "POST", "/api/v1/members/{id}/links")[
        "requestBody"]["required"]
    assert not _operation(document, "POST", "/api/v1/notifications/read")[
        "requestBody"]["required"]


def _unbounded(schema: dict, components: dict, where: str, seen: frozenset = frozenset()):
    """Every place in a request schema where a value has no limit."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name not in seen:
            yield from _unbounded(components[name], components, f"{where}<{name}>", seen | {name})
        return
    for branch in schema.get("anyOf", []):
        yield from _unbounded(branch, components, where, seen)
    kind = schema.get("type")
    if kind == "string" and not ({"maxLength", "enum", "const", "format"} & set(schema)):
        pattern = schema.get("pattern", "")
        if not pattern or re.search(r"[+*]|\{\d+,\}", pattern):
            yield f"{where}: text without maxLength"
    if kind == "integer" and not {"minimum", "maximum"} <= set(schema):
        yield f"{where}: integer without minimum and maximum"
    if kind == "array":
        if "maxItems" not in schema:
            yield f"{where}: list without maxItems"
        yield from _unbounded(schema.get("items", {}), components, where + "[]", seen)
    if kind == "object":
        for name, value in schema.get("properties", {}).items():
            yield from _unbounded(value, components, f"{where}.{name}", seen)
        if isinstance(schema.get("additionalProperties"), dict):
            if "maxProperties" not in schema:
                yield f"{where}: map without maxProperties"
            names = {"type": "string", **schema.get("propertyNames", {})}
            yield from _unbounded(names, components, where + "{key}", seen)


def test_every_value_of_every_request_has_a_limit_in_the_document():
    document = openapi_document()
    components = document["components"]["schemas"]
    found = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            where = f"{method.upper()} {path}"
            for parameter in operation.get("parameters", []):
                found += _unbounded(parameter["schema"], components,
                                    f"{where} {parameter['in']} {parameter['name']}")
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                found += _unbounded(content["application/json"]["schema"], components, where)
    assert not found, "\n".join(found)


async def test_a_method_a_path_does_not_serve_is_405_naming_those_it_does(cluster):
    (service,) = await cluster.form(1)
    base = service.node.config.url
    headers = {"Authorization": f"Bearer {cluster.tokens[0]}"}
    async with aiohttp.ClientSession() as http:
        for method, path, allowed in (("PATCH", "/api/v1/meetings", {"GET", "POST"}),
                                      ("PUT", "/api/v1/follows", {"GET", "POST", "DELETE"}),
                                      ("DELETE", "/api/v1/profile", {"PUT"})):
            async with http.request(method, base + path, headers=headers) as response:
                assert response.status == 405, (method, path)
                assert set(response.headers["Allow"].replace(" ", "").split(",")) >= allowed
                assert (await response.json())["error"]["code"] == "method_not_allowed"


async def test_a_body_may_be_left_out_only_where_every_field_has_a_default(group):
    member = await group.add("Nia Newcomer", "nia@example.org")
    issued = await group.call("POST", f"/api/v1/members/{member}/links")
    assert issued.status == 201, issued.body
    read = await group.call("POST", "/api/v1/notifications/read")
    assert read.status == 200, read.body
    called = await group.call("POST", "/api/v1/meetings")
    assert called.status == 400
    assert called.code() == "bad_request"
    assert "needs a JSON request body" in called.body["error"]["reason"]
