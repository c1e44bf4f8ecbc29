"""A response body already encoded as JSON: the hottest reads have the database build it."""

from __future__ import annotations


class EncodedJson(bytes):
    """JSON bytes sent as they are. The route's ``@returns`` schema still describes them,
    and the contract tests check the live responses against it."""
