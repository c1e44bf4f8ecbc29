"""Scope on every route, deny by default: each role sees only its part of the world."""

from __future__ import annotations

import httpx
import pytest
from sanic import Blueprint, Sanic

from server.app import create_app
from server.auth.principal import Principal
from server.auth.scope import ScopeRules, scope_q
from server.domain.errors import Forbidden
from server.models.people import ResidentHousehold, Role
from tests.support.asgi import asgi_client
from tests.support.factories import auth, make_household, make_resident, make_world


async def test_app_refuses_to_start_with_an_unguarded_route(settings, broker) -> None:  # type: ignore[no-untyped-def]
    app = create_app(settings, broker=broker, manage_db=False)
    bp = Blueprint("leaky")

    @bp.get("/leak")
    async def leak(request):  # type: ignore[no-untyped-def]
        return None

    app.blueprint(bp)
    with pytest.raises(RuntimeError, match="without an access policy"):
        async with asgi_client(app):
            pass


def test_scope_denies_roles_a_resource_does_not_declare() -> None:
    officer = Principal("staff", 1, "j", 0, Role.department_officer, department_id=3)
    with pytest.raises(Forbidden):
        scope_q(officer, ScopeRules(community="community_id"))
    resident = Principal("resident", 9, "j", 0)
    with pytest.raises(Forbidden):
        scope_q(resident, ScopeRules(community="community_id"))
    admin = Principal("staff", 2, "j", 0, Role.admin)
    q = scope_q(admin, ScopeRules())
    assert not q.children and not q.filters  # admins: no restriction


async def test_community_list_per_role(app: Sanic, client: httpx.AsyncClient) -> None:
    w = await make_world(2)
    other = await make_world(1)  # another street entirely
    c0, c1 = w.communities

    async def ids(who) -> set[int]:  # type: ignore[no-untyped-def]
        r = await client.get("/api/v1/communities", headers=auth(app, who))
        assert r.status_code == 200, r.text
        return {c["id"] for c in r.json()}

    assert await ids(w.staff["worker"]) == {c0.id}
    assert await ids(w.staff["secretary"]) == {c0.id}
    assert await ids(w.staff["dispatcher"]) == {c0.id, c1.id}
    assert await ids(w.staff["officer"]) == {c0.id, c1.id}
    assert await ids(w.staff["admin"]) == {c0.id, c1.id, other.communities[0].id}
    r = await client.get(f"/api/v1/communities/{c1.id}", headers=auth(app, w.staff["worker"]))
    assert r.status_code == 404  # out of scope looks like missing
    r = await client.get(
        f"/api/v1/communities/{other.communities[0].id}", headers=auth(app, w.staff["dispatcher"])
    )
    assert r.status_code == 404


async def test_staff_directory_is_scoped(app: Sanic, client: httpx.AsyncClient) -> None:
    w = await make_world(2)
    r = await client.get("/api/v1/staff", headers=auth(app, w.staff["worker"]))
    names = {s["username"] for s in r.json()}
    assert w.staff["worker2"].username in names
    assert w.staff["other_worker"].username not in names
    assert w.staff["dispatcher"].username not in names
    # The optional filters narrow only when given; an absent one filters nothing.
    r = await client.get(
        "/api/v1/staff", params={"role": "secretary"}, headers=auth(app, w.staff["worker"])
    )
    assert {s["role"] for s in r.json()} == {"secretary"}
    r = await client.get(
        "/api/v1/staff",
        params={"role": "worker", "active": "true"},
        headers=auth(app, w.staff["worker"]),
    )
    assert w.staff["worker2"].username in {s["username"] for s in r.json()}
    assert {s["role"] for s in r.json()} == {"worker"} and len(r.json()) < len(names)
    resident = await make_resident()
    r = await client.get("/api/v1/staff", headers=auth(app, resident))
    assert r.status_code == 403


async def test_only_admin_manages_staff(app: Sanic, client: httpx.AsyncClient) -> None:
    w = await make_world(1)
    new = {
        "username": "newbie",
        "display_name": "新人",
        "password": "a long enough password",
        "role": "worker",
        "community_id": w.communities[0].id,
    }
    for role in ("worker", "secretary", "dispatcher", "officer"):
        r = await client.post("/api/v1/staff", json=new, headers=auth(app, w.staff[role]))
        assert r.status_code == 403, role
    r = await client.post("/api/v1/staff", json=new, headers=auth(app, w.staff["admin"]))
    assert r.status_code == 201, r.text
    r = await client.post("/api/v1/staff", json=new, headers=auth(app, w.staff["admin"]))
    assert r.status_code == 409
    bad = {**new, "username": "nocomm", "community_id": None}
    r = await client.post("/api/v1/staff", json=bad, headers=auth(app, w.staff["admin"]))
    assert r.status_code == 422


async def test_household_binding_flow_and_denials(app: Sanic, client: httpx.AsyncClient) -> None:
    w = await make_world(2)
    h = await make_household(w.communities[0])
    resident, stranger = await make_resident(), await make_resident()
    r = await client.post(
        "/api/v1/me/households", json={"household_id": h.id}, headers=auth(app, resident)
    )
    assert r.status_code == 201 and r.json()["status"] == "pending"
    bid = r.json()["id"]
    # a resident cannot verify, nor see another resident's claim
    r = await client.post(f"/api/v1/bindings/{bid}/verify", headers=auth(app, resident))
    assert r.status_code == 403
    r = await client.get("/api/v1/bindings", headers=auth(app, stranger))
    assert r.json() == []
    # staff of another community cannot see or verify it
    r = await client.post(
        f"/api/v1/bindings/{bid}/verify", headers=auth(app, w.staff["other_worker"])
    )
    assert r.status_code == 404
    r = await client.get("/api/v1/bindings", headers=auth(app, w.staff["other_worker"]))
    assert r.json() == []
    # the department officer has no household scope at all
    r = await client.get("/api/v1/bindings", headers=auth(app, w.staff["officer"]))
    assert r.status_code == 403
    r = await client.post(f"/api/v1/bindings/{bid}/verify", headers=auth(app, w.staff["worker"]))
    assert r.status_code == 200 and r.json()["status"] == "verified"
    me = await client.get("/api/v1/auth/me", headers=auth(app, resident))
    assert me.json()["resident"]["household_ids"] == [h.id]
    assert (await ResidentHousehold.get(id=bid)).verified_by_id == w.staff["worker"].id  # type: ignore[attr-defined]
