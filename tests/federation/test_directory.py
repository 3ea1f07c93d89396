"""Three nodes form a network and agree on its directory."""

from __future__ import annotations

import aiohttp

from groupnet.network import joining

from ..conftest import eventually


async def test_three_nodes_converge_on_the_same_directory(cluster):
    a, b, c = await cluster.form(3, names=["Southwark", "Havering", "Birmingham"])
    await joining.set_profile(b.node, {"area": "Romford", "meets": "Mondays",
                                       "contact": "h@example.org"})
    await joining.set_profile(c.node, {"area": "Digbeth"})
    await cluster.converged()
    for service in (a, b, c):
        groups = {g["name"]: g for g in service.node.groups()}
        assert set(groups) == {"Southwark", "Havering", "Birmingham"}
        assert groups["Havering"]["meets"] == "Mondays"
        assert groups["Birmingham"]["area"] == "Digbeth"
        assert groups["Southwark"]["url"] == a.node.config.url


async def test_the_groups_api_lists_every_admitted_group_to_an_authenticated_client(cluster):
    a, b = await cluster.form(2, names=["Southwark", "Havering"])
    await joining.set_profile(b.node, {"area": "Romford"})
    await cluster.converged()
    token = cluster.tokens[0]
    async with aiohttp.ClientSession() as http:
        url = a.node.config.url + "/api/v1/groups"
        async with http.get(url) as response:
            assert response.status == 401
            assert (await response.json())["error"]["code"] == "unauthenticated"
        async with http.get(url, headers={"Authorization": "Bearer wrong"}) as response:
            assert response.status == 401
        async with http.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
            assert response.status == 200
            groups = (await response.json())["groups"]
    assert sorted(g["name"] for g in groups) == ["Havering", "Southwark"]
    assert next(g for g in groups if g["name"] == "Havering")["area"] == "Romford"


async def test_a_profile_change_on_one_node_reaches_every_other(cluster):
    services = await cluster.form(4)
    await cluster.converged()
    await joining.set_profile(services[3].node, {"meets": "Saturdays at 11"})

    def everywhere() -> bool:
        return all(
            any(g["meets"] == "Saturdays at 11" for g in s.node.groups()) for s in services
        )

    await eventually(everywhere, what="the new profile on every node")
