"""Every input bounded, every answer a clear 4xx: out-of-scope ids look missing, bodies
are capped before they are parsed, request ids are sane, photos are bounded in pixels and
decoded a few at a time, and a 401 says how to authenticate."""

from __future__ import annotations

import asyncio
import io
import threading
import time
import uuid
from typing import Any

import httpx
import pytest
from PIL import Image
from sanic import Sanic

from server.api.limits import JSON_MAX, UPLOAD_MAX
from server.services import media
from tests.support.factories import auth, make_resident, make_world


async def test_another_communitys_rota_and_policy_look_missing(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    world = await make_world(2)
    sec = auth(app, world.staff["secretary"])
    other, missing = world.communities[1].id, 2_000_000
    answers = []
    for cid in (other, missing):
        for method, path, body in [
            ("GET", f"/api/v1/rota/communities/{cid}/posts", None),
            ("GET", f"/api/v1/rota/communities/{cid}/shifts", None),
            ("GET", f"/api/v1/rota/communities/{cid}/rotas", None),
            ("GET", f"/api/v1/visits/policies/{cid}", None),
            ("PUT", f"/api/v1/visits/policies/{cid}", {"cadences": {}}),
        ]:
            r = await client.request(method, path, json=body, headers=sec)
            answers.append((path.replace(str(cid), "ID"), r.status_code, r.json()["error"]))
    half = len(answers) // 2
    assert answers[:half] == answers[half:]  # the same answer whether the id exists or not
    assert {status for _, status, _ in answers} == {404}


def _shape(r: httpx.Response) -> dict[str, Any]:
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return dict(body["error"])


async def test_bodies_are_capped_before_they_are_parsed(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    # the unauthenticated sign-in route: a body past the JSON limit is never parsed
    big = b'{"username": "' + b"a" * JSON_MAX + b'", "password": "x"}'
    r = await client.post(
        "/api/v1/auth/staff", content=big, headers={"content-type": "application/json"}
    )
    assert r.status_code == 413, r.text
    err = _shape(r)
    assert err["code"] == "payload_too_large" and err["details"]["limit_bytes"] == JSON_MAX
    # just under the limit the body is read and judged on its content
    fits = b'{"username": "' + b"a" * (JSON_MAX - 100) + b'", "password": "x"}'
    r = await client.post(
        "/api/v1/auth/staff", content=fits, headers={"content-type": "application/json"}
    )
    assert r.status_code == 422
    # the photo upload has its own, larger limit
    resident = auth(app, await make_resident())
    r = await client.post(
        "/api/v1/reports/photos",
        files={"file": ("p.jpg", b"\xff\xd8" + b"0" * UPLOAD_MAX, "image/jpeg")},
        headers=resident,
    )
    assert r.status_code == 413 and _shape(r)["details"]["limit_bytes"] == UPLOAD_MAX


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123_x.Y", True),
        ("r" * 64, True),
        ("r" * 65, False),
        ("", False),
        ("two words", False),
        ("<script>", False),
        ("id\u00e9", False),
    ],
)
async def test_request_id_is_kept_only_when_sane(
    client: httpx.AsyncClient, sent: str, kept: bool
) -> None:
    r = await client.get("/healthz", headers={"X-Request-ID": sent.encode()})
    got = r.headers["x-request-id"]
    if kept:
        assert got == sent
    else:
        assert got != sent and uuid.UUID(got)


def _png(size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")
    return out.getvalue()


async def _upload(client: httpx.AsyncClient, headers: dict[str, str], data: bytes) -> Any:
    return await client.post(
        "/api/v1/reports/photos", files={"file": ("p.png", data, "image/png")}, headers=headers
    )


async def test_photo_pixels_are_bounded_to_a_phone_photo(
    app: Sanic, client: httpx.AsyncClient
) -> None:
    resident = auth(app, await make_resident())
    r = await _upload(client, resident, _png((4032, 3024)))  # a phone's 12 MP
    assert r.status_code == 201, r.text
    assert (r.json()["width"], r.json()["height"]) == (4032, 3024)
    for size in [(6000, 6000), (5000, 4000), (media.MAX_SIDE + 1, 100)]:
        r = await _upload(client, resident, _png(size))
        assert r.status_code == 413, (size, r.text)
        assert _shape(r)["code"] == "too_many_pixels"


async def test_photos_are_decoded_a_few_at_a_time(
    app: Sanic, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    lock, now, most = threading.Lock(), [0], [0]
    real = media._clean

    def counted(raw: bytes) -> media.Clean:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
        try:
            time.sleep(0.05)  # long enough for the others to arrive meanwhile
            return real(raw)
        finally:
            with lock:
                now[0] -= 1

    monkeypatch.setattr(media, "_clean", counted)
    resident = auth(app, await make_resident())
    shots = [_png((64 + i, 48)) for i in range(3 * media.DECODE_SLOTS)]
    answers = await asyncio.gather(*(_upload(client, resident, s) for s in shots))
    assert [a.status_code for a in answers] == [201] * len(shots)
    assert most[0] == media.DECODE_SLOTS


async def test_401_says_how_to_authenticate(app: Sanic, client: httpx.AsyncClient) -> None:
    r = await client.get("/api/v1/auth/me")
    assert r.status_code == 401 and r.headers["www-authenticate"] == 'Bearer realm="linli"'
    r = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not.a.token"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == 'Bearer realm="linli", error="invalid_token"'
    world = await make_world(1)
    r = await client.post("/api/v1/auth/staff", json={"username": "nobody", "password": "x"})
    assert r.status_code == 401 and r.headers["www-authenticate"].startswith("Bearer")
    assert world  # a signed-in caller is unaffected
    r = await client.get("/api/v1/auth/me", headers=auth(app, world.staff["worker"]))
    assert r.status_code == 200 and "www-authenticate" not in r.headers


async def test_every_route_with_a_body_documents_413(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/v1/openapi.json")).json()
    with_body = [
        (path, method, op)
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if "requestBody" in op
    ]
    assert with_body
    assert [(p, m) for p, m, op in with_body if "413" not in op["responses"]] == []
