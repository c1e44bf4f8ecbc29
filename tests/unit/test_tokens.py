"""Access tokens: a verified token is remembered, but never past its expiry, and a token
that fails verification is never remembered."""

from __future__ import annotations

import time

import jwt
import pytest

from server.auth import tokens
from server.auth.principal import Principal
from server.auth.tokens import TokenSigner
from server.domain.errors import Unauthenticated
from server.models.people import Role

WORKER = Principal("staff", 7, "", 0, role=Role.worker, community_id=3)


def test_a_verified_token_is_not_decoded_again(monkeypatch: pytest.MonkeyPatch) -> None:
    signer = TokenSigner("s" * 32, 60, 120)
    token = signer.access(WORKER).token
    first = signer.principal(token)
    # the token names the subject and its sign-in, never a role or scope
    assert (first.id, first.role, first.community_id) == (7, None, None)
    assert first.session and "role" not in jwt.decode(token, options={"verify_signature": False})
    calls = []
    monkeypatch.setattr(jwt, "decode", lambda *a, **k: calls.append(a))
    assert signer.principal(token) == first and calls == []


def test_a_remembered_token_still_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    signer = TokenSigner("s" * 32, 60, 120)
    token = signer.access(WORKER).token
    p = signer.principal(token)
    monkeypatch.setattr(time, "time", lambda: p.expires_at + 0.001)
    with pytest.raises(Unauthenticated) as err:
        signer.principal(token)
    assert err.value.code == "token_expired"
    assert token not in signer._verified


def test_bad_tokens_are_refused_every_time() -> None:
    signer = TokenSigner("s" * 32, 60, 120)
    other = TokenSigner("t" * 32, 60, 120)
    forged = other.access(WORKER).token
    refresh = signer.refresh("staff", 7, "fam").token
    for token in (forged, forged, refresh, refresh, forged[:-2] + "xx"):
        with pytest.raises(Unauthenticated):
            signer.principal(token)
    assert signer._verified == {}


def test_the_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "VERIFIED_CACHE", 3)
    signer = TokenSigner("s" * 32, 60, 120)
    issued = [signer.access(WORKER).token for _ in range(5)]
    for t in issued:
        signer.principal(t)
    assert list(signer._verified) == issued[2:]
