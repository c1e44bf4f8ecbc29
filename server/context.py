"""Per-request context (request id, client address) for logs and the audit trail."""

from __future__ import annotations

import logging
import re
import uuid
from contextvars import ContextVar

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
client_ip_var: ContextVar[str | None] = ContextVar("client_ip", default=None)

# A caller's X-Request-ID is kept only when it is a sane id that fits the audit log's
# column (up to 64 of letters, digits, ".", "_", "-"); anything else gets a fresh id, so a
# log line or a header never carries what a client chose to smuggle in.
REQUEST_ID_PATTERN = r"^[A-Za-z0-9._-]{1,64}$"
_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)


def request_id_from(sent: str | None) -> str:
    return sent if sent is not None and _REQUEST_ID.fullmatch(sent) else str(uuid.uuid4())


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True


LOG_FORMAT = "%(asctime)s %(levelname)s [%(process)d] [req %(request_id)s] %(name)s: %(message)s"


def configure_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(RequestIdFilter())
    for name in ("linli", "sanic.error", "sanic.root"):
        logger = logging.getLogger(name)
        logger.handlers = [handler]
        logger.setLevel(level)
        logger.propagate = False
    # Database drivers log SQL with its parameters at DEBUG, and parameters carry
    # personal data (phones, WeChat session keys): never let those through.
    for name in ("tortoise", "aiosqlite", "asyncpg"):
        logging.getLogger(name).setLevel(max(level, logging.INFO))
