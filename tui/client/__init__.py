"""The only code in the terminal that speaks HTTP or WebSocket to the Linli server."""

from tui.client.api import LinliClient
from tui.client.backoff import Backoff
from tui.client.errors import ApiError, ServerUnreachable, SignedOut
from tui.client.live import LinkState, LiveEvent, LiveFeed
from tui.client.tokens import StoredTokens, TokenStore, config_dir

__all__ = [
    "ApiError",
    "Backoff",
    "LinkState",
    "LinliClient",
    "LiveEvent",
    "LiveFeed",
    "ServerUnreachable",
    "SignedOut",
    "StoredTokens",
    "TokenStore",
    "config_dir",
]
