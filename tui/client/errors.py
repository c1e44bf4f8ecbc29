"""What can go wrong talking to the server, phrased for the person at the desk."""

from __future__ import annotations

from typing import Any

# A few codes deserve their own words; otherwise the status decides the lead phrase.
_CODES = {
    "illegal_move": "Not possible in this state",
    "stale": "Someone else changed this first",
    "bad_credentials": "Sign-in failed",
    "legs_pending": "Not resolved: departments still hold it 部门未反馈",
}
_PLAIN = {
    400: "The request was not understood",
    401: "You are not signed in",
    403: "You are not allowed to do that",
    404: "Not found (or not yours to see)",
    409: "Not possible right now",
    413: "That is too large",
    415: "That kind of file is not accepted",
    422: "Some of the input is not valid",
    429: "Too many attempts; wait a little",
    503: "The server is busy or a service it needs is down",
}


class ApiError(Exception):
    """The server answered with its error shape ``{"error": {code, message, details}}``."""

    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def plain(self) -> str:
        """One line a person can act on: the kind of failure, then the server's words."""
        head = _CODES.get(self.code) or _PLAIN.get(self.status, f"Server error {self.status}")
        text = f"{head}: {self.message}" if self.message else head
        fields = _field_errors(self.details)
        return f"{text} ({fields})" if fields else text


class ServerUnreachable(ApiError):
    """No answer at all: the server is down, restarting, or the network is gone."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(0, "unreachable", reason)
        self.url = url

    def plain(self) -> str:
        return f"Cannot reach the server at {self.url} ({self.message}); retrying"


class SignedOut(ApiError):
    """The session cannot be renewed; the person must sign in again."""

    def __init__(self, message: str = "your session has ended; please sign in again") -> None:
        super().__init__(401, "signed_out", message)

    def plain(self) -> str:
        return self.message


def _field_errors(details: Any) -> str:
    # Validation details are a list of {"loc"/"field", "msg"/"message"}; show the first few.
    if not isinstance(details, list):
        return ""
    parts = []
    for d in details[:3]:
        if not isinstance(d, dict):
            continue
        loc = d.get("field") or d.get("loc") or ""
        if isinstance(loc, list):
            loc = ".".join(str(x) for x in loc if x != "body")
        msg = d.get("message") or d.get("msg") or ""
        parts.append(f"{loc}: {msg}" if loc else str(msg))
    return "; ".join(p for p in parts if p)
