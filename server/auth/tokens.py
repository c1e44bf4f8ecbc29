"""Signed access and refresh tokens (JWT, HS256).

A token says who its holder is (``sub``, ``st``) and which sign-in it belongs to (``fam``,
shared by every token a sign-in and its refreshes issue); never what the holder may do:
role and scope are read from the staff row on every request."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import Any

import jwt

from server.auth.principal import Principal
from server.domain.errors import Unauthenticated

ALGORITHM = "HS256"
# Access tokens whose signature has been checked, by token: a worker sees the same few
# hundred tokens all day, and checking one costs more than the queue page it asks for.
VERIFIED_CACHE = 8192


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str
    jti: str
    expires_at: int


class TokenSigner:
    def __init__(self, secret: str, access_ttl: int, refresh_ttl: int) -> None:
        self._secret = secret
        self.access_ttl = access_ttl
        self.refresh_ttl = refresh_ttl
        self._verified: dict[str, Principal] = {}

    def _encode(self, claims: dict[str, Any], ttl: int) -> IssuedToken:
        now = int(time.time())
        jti = secrets.token_urlsafe(16)
        body = {**claims, "jti": jti, "iat": now, "exp": now + ttl}
        return IssuedToken(jwt.encode(body, self._secret, algorithm=ALGORITHM), jti, now + ttl)

    def access(self, p: Principal) -> IssuedToken:
        """An access token for ``p`` in its sign-in ``p.session`` (a new family if none)."""
        family = p.session or new_family()
        claims = {"typ": "access", "sub": str(p.id), "st": p.subject_type, "fam": family}
        return self._encode(claims, self.access_ttl)

    def refresh(self, subject_type: str, subject_id: int, family: str) -> IssuedToken:
        claims = {"typ": "refresh", "sub": str(subject_id), "st": subject_type, "fam": family}
        return self._encode(claims, self.refresh_ttl)

    def decode(self, token: str, *, expected: str) -> dict[str, Any]:
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                options={"require": ["exp", "iat", "jti", "sub", "typ"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("token expired", code="token_expired") from None
        except jwt.PyJWTError:
            raise Unauthenticated("invalid token", code="invalid_token") from None
        if claims.get("typ") != expected:
            raise Unauthenticated(f"not an {expected} token", code="invalid_token")
        return claims

    def principal(self, token: str) -> Principal:
        """The access token's holder. A token verified before is not verified again (the
        same bytes carry the same signature), but its expiry is still checked each time;
        revocation is the caller's check, always."""
        known = self._verified.get(token)
        if known is not None:
            if known.expires_at <= time.time():
                del self._verified[token]
                raise Unauthenticated("token expired", code="token_expired")
            return known
        p = self._principal(token)
        if len(self._verified) >= VERIFIED_CACHE:
            del self._verified[next(iter(self._verified))]  # the oldest entry
        self._verified[token] = p
        return p

    def _principal(self, token: str) -> Principal:
        """Who the token names, without role or scope (the staff row decides those)."""
        c = self.decode(token, expected="access")
        subject_type, sub, family = c.get("st"), c.get("sub"), c.get("fam")
        if subject_type not in ("staff", "resident") or not isinstance(family, str):
            raise Unauthenticated("invalid token", code="invalid_token")
        try:
            subject_id = int(str(sub))
        except (TypeError, ValueError):
            raise Unauthenticated("invalid token", code="invalid_token") from None
        return Principal(
            subject_type=subject_type,
            id=subject_id,
            jti=c["jti"],
            expires_at=int(c["exp"]),
            session=family,
        )


def new_family() -> str:
    return secrets.token_urlsafe(16)
