"""Our OpenAPI document is complete and true: schemathesis drives every documented operation
of the real app, served over HTTP, as every kind of caller, and checks each answer.

Nothing here names a route: operations come from the served document and the document is
compared with the app's router, so every route added to the app is covered as it lands.
Every operation is driven once as each of the three roles people sign in with (admin,
community worker, resident) and once as a mix of everyone else (no token, a garbage or
forged token, secretary, dispatcher, officer, another community's worker); each run prints
its figures (operations, requests, failures by kind) on the backend it ran on.
Examples are bounded per operation (see ``examples_per_operation``; ``CONTRACT_EXAMPLES``
overrides) and generated deterministically unless ``CONTRACT_RANDOM=1``.
"""

from __future__ import annotations

import asyncio
import copy
import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import jwt
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from server.api.openapi import path_template
from server.app import create_app
from server.config import Settings
from tests.conftest import REDIS_URL, TEST_JWT_SECRET
from tests.support.factories import make_resident, make_world, token_for
from tests.support.fake_wechat import FakeState, FakeWeChat
from tests.support.live_server import LiveServer

CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    # Declared security is enforced, and undeclared methods answer 405 with Allow.
    ignored_auth,
    unsupported_method,
]
# Valid requests per operation and caller group: CONTRACT_EXAMPLES if set, else 12 shrinking
# towards 3 as operations are added, so each group's run stays within about a minute on
# two cores.
EXAMPLES = os.environ.get("CONTRACT_EXAMPLES")
BUDGET = 480
ROLES = ("admin", "worker", "resident")
GROUPS = (*ROLES, "everyone else")


def examples_per_operation(operations: int) -> tuple[int, int]:
    valid = int(EXAMPLES) if EXAMPLES else max(3, min(12, BUDGET // max(1, operations)))
    return valid, max(1, valid * 2 // 3)


VALID, INVALID = examples_per_operation(0)
DERANDOMIZE = os.environ.get("CONTRACT_RANDOM") != "1"
SPEC_PATH = "/api/v1/openapi.json"
SKIP_METHODS = {"HEAD", "OPTIONS"}
SEEDED_IDS = 8  # a seeded world in an empty database has rows with ids up to about this


@dataclass(frozen=True)
class Caller:
    """One kind of caller; a fresh token per request, so a generated logout revokes nothing
    the next request needs."""

    name: str
    token: Callable[[], str] | None

    def headers(self) -> dict[str, str]:
        return {} if self.token is None else {"Authorization": f"Bearer {self.token()}"}


@dataclass
class Live:
    server: LiveServer
    callers: list[Caller]
    spec: dict[str, Any]
    backend: str

    def group(self, name: str) -> list[Caller]:
        if name in ROLES:
            return [c for c in self.callers if c.name == name]
        return [c for c in self.callers if c.name not in ROLES]


async def _forget_redis_prefix(prefix: str) -> None:
    import redis.asyncio as redis

    assert REDIS_URL is not None
    client = redis.from_url(REDIS_URL)
    keys = [k async for k in client.scan_iter(match=prefix + "*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture(scope="module")
def live(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    fake = FakeWeChat(FakeState()).start_in_thread()
    prefix = f"linlicontract:{secrets.token_hex(4)}:"
    config = Settings(
        linli_env="test",
        database_url=database_url,
        redis_url=REDIS_URL,
        redis_prefix=prefix,
        wechat_appid=fake.state.appid,
        wechat_secret=fake.state.secret,
        wechat_api_base=fake.url,
        wechat_timeout=3.0,
        jwt_secret=TEST_JWT_SECRET,
        media_dir=tmp_path_factory.mktemp("media"),
    )
    app = create_app(config, manage_db=True)  # the app opens its database as in production
    server = LiveServer(app).start()
    try:
        world = server.call(make_world(tag=f"contract{secrets.token_hex(2)}"))
        resident = server.call(make_resident())
        people = [*world.staff.items(), ("resident", resident)]
        forged = jwt.encode({"sub": "1", "st": "staff", "typ": "access"}, "x" * 40, "HS256")
        callers = [
            Caller("anonymous", None),
            Caller("garbage token", lambda: "not-a-token"),
            Caller("forged token", lambda: forged),
        ] + [Caller(name, lambda who=who: token_for(app, who)) for name, who in people]
        spec = requests.get(server.base_url + SPEC_PATH, timeout=10).json()
        backend = ("postgres" if database_url.startswith("postgres") else "sqlite") + (
            " + redis" if REDIS_URL else ""
        )
        yield Live(server, callers, spec, backend)
    finally:
        server.stop()
        fake.stop()
        if REDIS_URL:
            asyncio.run(_forget_redis_prefix(prefix))


def _router_operations(app: Any) -> set[tuple[str, str]]:
    found = set()
    for route in app.router.routes:
        path = "/" + "/".join(path_template(part) for part in route.parts)
        found |= {(m, path) for m in route.methods if m not in SKIP_METHODS}
    return found


def test_document_lists_exactly_the_routes(live: Live) -> None:
    documented = {
        (method.upper(), path) for path, ops in live.spec["paths"].items() for method in ops
    }
    served = _router_operations(live.server.app)
    assert served - documented == set(), "routes missing from the OpenAPI document"
    assert documented - served == set(), "documented operations the app does not serve"


def _cases(operation: Any, mode: GenerationMode, spec: dict[str, Any]) -> Any:
    """Schemathesis's cases, and for valid requests also cases whose integer path ids are
    small enough to name rows the seeded world holds, so real records get answered too."""
    generated = operation.as_strategy(generation_mode=mode)
    declared = spec["paths"][operation.path][operation.method.lower()].get("parameters", [])
    ids = [
        p["name"]
        for p in declared
        if p.get("in") == "path" and p.get("schema", {}).get("type") == "integer"
    ]
    if mode is not GenerationMode.POSITIVE or not ids:
        return generated
    existing = st.fixed_dictionaries({name: st.integers(1, SEEDED_IDS) for name in ids})
    return st.one_of(
        generated,
        existing.flatmap(
            lambda values: operation.as_strategy(generation_mode=mode, path_parameters=values)
        ),
    )


@dataclass
class Tally:
    requests: int = 0
    failures: dict[str, int] = field(default_factory=dict)  # failure title -> operations


def _exercise(
    operation: Any,
    mode: GenerationMode,
    examples: int,
    live: Live,
    session: requests.Session,
    callers: list[Caller] | None = None,
    tally: Tally | None = None,
) -> list[str]:
    problems: dict[str, str] = {}
    tally = tally if tally is not None else Tally()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=DERANDOMIZE,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation, mode, live.spec), caller=st.sampled_from(callers or live.callers))
    def run(case: Any, caller: Caller) -> None:
        headers = caller.headers()
        tally.requests += 1
        response = case.call(base_url=live.server.base_url, session=session, headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                title = getattr(failure, "title", type(failure).__name__)
                if title not in problems:
                    problems[title] = (
                        f"{title} as {caller.name} ({mode.value} data), "
                        f"HTTP {response.status_code}: "
                        f"{getattr(failure, 'message', str(failure)).strip()}\n"
                        f"    reproduce: {case.as_curl_command(headers=headers)}"
                    )

    try:
        run()
    except Unsatisfiable:
        # Nothing to get wrong: an operation without parameters or body has no invalid form.
        assert mode is GenerationMode.NEGATIVE, f"{operation.label}: no valid request exists"
    return list(problems.values())


@pytest.mark.parametrize("group", GROUPS)
def test_every_operation_keeps_its_contract(
    live: Live, group: str, capsys: pytest.CaptureFixture[str]
) -> None:
    schema = schemathesis.openapi.from_dict(live.spec)
    schema.validate()
    callers = live.group(group)
    assert callers, group
    report: dict[str, list[str]] = {}
    tally = Tally()
    operations = [result.ok() for result in schema.get_all_operations()]
    valid, invalid = examples_per_operation(len(operations))
    with requests.Session() as session:
        for operation in operations:
            found = _exercise(
                operation, GenerationMode.POSITIVE, valid, live, session, callers, tally
            )
            found += _exercise(
                operation, GenerationMode.NEGATIVE, invalid, live, session, callers, tally
            )
            if found:
                report[operation.label] = found
                for problem in found:
                    title = problem.split(" as ", 1)[0]
                    tally.failures[title] = tally.failures.get(title, 0) + 1
    assert len(operations) == sum(len(ops) for ops in live.spec["paths"].values())
    with capsys.disabled():
        failures = ", ".join(f"{t}: {n}" for t, n in sorted(tally.failures.items())) or "none"
        print(
            f"\ncontract [{live.backend}] {group}: {len(operations)} operations, "
            f"{tally.requests} requests, operations failing: {failures}"
        )
    if report:
        lines = [f"{len(report)} of {len(operations)} operations break the OpenAPI contract:"]
        for label, problems in sorted(report.items()):
            lines.append(f"\n{label}")
            lines += [f"  - {p}" for p in problems]
        pytest.fail("\n".join(lines), pytrace=False)


def test_the_check_catches_an_untrue_document(live: Live) -> None:
    # The same machinery against a copy of the document with two lies planted in it.
    spec = copy.deepcopy(live.spec)
    del spec["paths"]["/api/v1/auth/staff"]["post"]["responses"]["422"]
    spec["components"]["schemas"]["Health"]["properties"]["status"] = {"type": "integer"}
    schema = schemathesis.openapi.from_dict(spec)
    with requests.Session() as session:
        login = schema["/api/v1/auth/staff"]["POST"]
        found = _exercise(login, GenerationMode.NEGATIVE, INVALID, live, session)
        assert any("Undocumented status code" in p for p in found), found
        health = schema["/healthz"]["GET"]
        found = _exercise(health, GenerationMode.POSITIVE, 2, live, session)
        assert any("Response violates schema" in p for p in found), found
