"""``linli-tui --server URL``: open the staff terminal against a Linli server."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from tui.client import LinliClient, TokenStore


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="linli-tui", description="Linli staff terminal")
    parser.add_argument(
        "--server",
        default=os.environ.get("LINLI_SERVER", "http://127.0.0.1:8000"),
        help="server base URL (default: $LINLI_SERVER or http://127.0.0.1:8000)",
    )
    parser.add_argument(
        "--tokens",
        type=Path,
        default=None,
        help="token file (default: $XDG_CONFIG_HOME/linli/tokens.json, mode 0600)",
    )
    parser.add_argument("--no-live", action="store_true", help="do not open the live feed")
    parser.add_argument(
        "--images",
        choices=("auto", "halfcell", "unicode"),
        default="auto",
        help="how photos are drawn: auto (sixel or kitty graphics where the terminal has "
        "them, else coloured half blocks), or force halfcell or unicode",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    from tui.app import LinliApp

    args = parse_args(argv)
    client = LinliClient(args.server, TokenStore(args.tokens))
    LinliApp(client, live=not args.no_live, owns_client=True, images=args.images).run()


if __name__ == "__main__":
    main()
