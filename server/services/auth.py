"""Signing in and out: residents through WeChat, staff by password with throttling."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from server.auth.passwords import verify_password
from server.auth.principal import Principal
from server.auth.tokens import TokenSigner, new_family
from server.broker import Broker, BrokerUnavailable, MemoryBroker
from server.domain.errors import RateLimited, Unauthenticated
from server.models.people import RefreshToken, Resident, RevokedSession, Staff
from server.notify.wechat import WeChatGateway
from server.services import standing
from server.services.audit import audit


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    max_failures: int = 5
    lockout_seconds: int = 900
    ip_max_failures: int = 30
    delay_base: float = 0.25  # seconds; doubles with each failure, capped
    delay_cap: float = 4.0


def staff_principal(s: Staff, jti: str = "", exp: int = 0) -> Principal:
    street_id = s.street_id
    return Principal(
        subject_type="staff",
        id=s.id,
        jti=jti,
        expires_at=exp,
        role=s.role,
        community_id=s.community_id,
        street_id=street_id,
        department_id=s.department_id,
    )


def resident_principal(r: Resident) -> Principal:
    return Principal(subject_type="resident", id=r.id, jti="", expires_at=0)


class AuthService:
    def __init__(
        self,
        signer: TokenSigner,
        broker: Broker,
        wechat: WeChatGateway,
        policy: LoginPolicy | None = None,
    ) -> None:
        self.signer = signer
        self.broker = broker
        self.wechat = wechat
        self.policy = policy or LoginPolicy()
        self._local = MemoryBroker()  # failure counters while the broker is away

    async def _issue(self, p: Principal, family: str | None = None) -> Tokens:
        """A token pair in the sign-in ``family`` (a new sign-in when None)."""
        family = family or new_family()
        access = self.signer.access(replace(p, session=family))
        refresh = self.signer.refresh(p.subject_type, p.id, family)
        await RefreshToken.create(
            jti=refresh.jti,
            subject_type=p.subject_type,
            subject_id=p.id,
            family=family,
            expires_at=datetime.fromtimestamp(refresh.expires_at, UTC),
        )
        return Tokens(access.token, refresh.token, self.signer.access_ttl)

    def _ended_until(self) -> datetime:
        """How long an ended sign-in must be remembered: its last access token's life."""
        return datetime.now(UTC) + timedelta(seconds=self.signer.access_ttl + 60)

    # -- residents -------------------------------------------------------
    async def wechat_login(self, code: str) -> Tokens:
        session = await self.wechat.code_to_session(code)
        now = datetime.now(UTC)
        async with in_transaction() as conn:
            resident = (
                await Resident.filter(openid=session.openid)
                .select_for_update()
                .using_db(conn)
                .first()
            )
            created = resident is None
            if resident is None:
                resident = await Resident.create(
                    openid=session.openid,
                    unionid=session.unionid,
                    session_key=session.session_key,
                    last_login_at=now,
                    using_db=conn,
                )
            else:
                resident.session_key = session.session_key
                resident.unionid = session.unionid or resident.unionid
                resident.last_login_at = now
                await resident.save(
                    using_db=conn, update_fields=["session_key", "unionid", "last_login_at"]
                )
            await audit(
                ("resident", resident.id),
                "resident.register" if created else "resident.login",
                "resident",
                resident.id,
                using_db=conn,
            )
        return await self._issue(resident_principal(resident))

    # -- staff -----------------------------------------------------------
    def _delay(self, failures: int) -> float:
        if failures <= 0:
            return 0.0
        return float(min(self.policy.delay_cap, self.policy.delay_base * 2 ** (failures - 1)))

    async def staff_login(self, username: str, password: str, ip: str | None) -> Tokens:
        user_key = f"login:fail:user:{username.lower()}"
        ip_key = f"login:fail:ip:{ip or '-'}"
        user_fails, ip_fails = await self._failures(user_key, ip_key)
        if user_fails >= self.policy.max_failures or ip_fails >= self.policy.ip_max_failures:
            raise RateLimited(
                "too many failed sign-ins; this account or address is locked for a while",
                retry_after=self.policy.lockout_seconds,
            )
        staff = await Staff.filter(username=username).first()
        ok = await verify_password(staff.password_hash if staff else None, password)
        if not ok or staff is None or not staff.active:
            fails = await self._count(user_key)
            await self._count(ip_key)
            await audit(
                ("staff", staff.id if staff else None),
                "staff.login_failed",
                "staff",
                username,
                {"failures": fails},
            )
            await asyncio.sleep(self._delay(fails))
            raise Unauthenticated("wrong username or password", code="bad_credentials")
        await self._forget(user_key)
        await audit(("staff", staff.id), "staff.login", "staff", staff.id)
        return await self._issue(staff_principal(staff))

    # Failure counters live in the broker, shared by every worker. While it is away they
    # are kept in this process, so the limits still hold (per process) and sign-in works.
    async def _failures(self, *keys: str) -> list[int]:
        try:
            shared = await self.broker.get_many(*keys)
        except BrokerUnavailable:
            shared = [None] * len(keys)
        here = await self._local.get_many(*keys)
        return [max(int(a or 0), int(b or 0)) for a, b in zip(shared, here, strict=True)]

    async def _count(self, key: str) -> int:
        try:
            return await self.broker.incr(key, self.policy.lockout_seconds)
        except BrokerUnavailable:
            return await self._local.incr(key, self.policy.lockout_seconds)

    async def _forget(self, key: str) -> None:
        await self._local.delete(key)
        with contextlib.suppress(BrokerUnavailable):
            await self.broker.delete(key)

    # -- tokens ----------------------------------------------------------
    async def refresh(self, refresh_token: str) -> Tokens:
        claims = self.signer.decode(refresh_token, expected="refresh")
        subject_type, subject_id = claims["st"], int(claims["sub"])
        now = datetime.now(UTC)
        ended: list[str] = []
        async with in_transaction() as conn:
            row = (
                await RefreshToken.filter(jti=claims["jti"])
                .select_for_update()
                .using_db(conn)
                .first()
            )
            if row is None:
                raise Unauthenticated("unknown refresh token", code="invalid_token")
            family = row.family or row.jti  # tokens issued before families were recorded
            if row.revoked_at is not None:
                if await RevokedSession.filter(family=family).using_db(conn).exists():
                    raise Unauthenticated("this sign-in has ended", code="token_revoked")
                # A used refresh token came back from a live sign-in: treat it as stolen
                # and end every sign-in of that subject, access tokens included.
                live = RefreshToken.filter(
                    subject_type=subject_type, subject_id=subject_id, revoked_at=None
                )
                others = await live.using_db(conn).values_list("family", "jti")
                families = {family, *(f or jti for f, jti in others)}
                await live.using_db(conn).update(revoked_at=now)
                ended = await standing.end_sessions(
                    families, subject_type, subject_id, "reuse", self._ended_until(), conn
                )
            else:
                row.revoked_at = now
                await row.save(using_db=conn, update_fields=["revoked_at"])
        if ended:
            await standing.sessions_ended(ended)
            await audit(
                (subject_type, subject_id), "refresh_token.reused", subject_type, subject_id
            )
            raise Unauthenticated("refresh token already used", code="token_reused")
        if subject_type == "staff":
            staff = await Staff.filter(id=subject_id, active=True).first()
            if staff is None:
                raise Unauthenticated("account disabled", code="account_disabled")
            return await self._issue(staff_principal(staff), family)
        resident = await Resident.filter(id=subject_id).first()
        if resident is None:
            raise Unauthenticated("account not found", code="invalid_token")
        return await self._issue(resident_principal(resident), family)

    async def logout(self, p: Principal, refresh_token: str | None) -> None:
        """End the sign-in this access token belongs to, whatever the body holds; a
        refresh token of the same subject in the body ends its sign-in too."""
        families = [p.session]
        if refresh_token:
            try:
                claims = self.signer.decode(refresh_token, expected="refresh")
            except Unauthenticated:
                claims = None
            same = claims and claims["st"] == p.subject_type and int(claims["sub"]) == p.id
            if claims and same and isinstance(claims.get("fam"), str):
                families.append(claims["fam"])
        async with in_transaction() as conn:
            ended = await standing.end_sessions(
                families, p.subject_type, p.id, "logout", self._ended_until(), conn
            )
        await standing.sessions_ended(ended)
        await audit(p, "logout", p.subject_type, p.id)
