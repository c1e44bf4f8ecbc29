"""The embedded database's Tortoise engine: SQLite whose write transactions take the
write lock when they begin (``BEGIN IMMEDIATE``).

Tortoise begins with a plain (deferred) ``BEGIN``: a transaction then reads under a
snapshot and asks for the write lock at its first write. When another process (the relay
beside the API) committed in between, SQLite cannot wait its way out and answers
``database is locked`` at once, whatever the busy timeout. Taking the lock at ``BEGIN``
makes a transaction wait its turn (``busy_timeout``) instead, so concurrent writers across
processes queue rather than fail. WAL (Tortoise's default journal) keeps reads apart from
the writer. Reads outside a transaction are unaffected.

A ``BEGIN IMMEDIATE`` can still fail once the busy timeout is spent; Tortoise's context
would then keep its connection lock for good (its exit never runs), so every later
statement of the process would hang. Ours gives the lock back.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tortoise.backends.base.client import TransactionalDBClient, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class ImmediateTransactionContext(SqliteTransactionContext):
    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        return self.connection  # type: ignore[no-any-return]


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return ImmediateTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient


def get_client_class(db_info: dict[str, Any]) -> type[SqliteClient]:
    return ImmediateSqliteClient
