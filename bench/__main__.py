"""Run every benchmark in this folder (``make bench``): each ``*_bench.py`` module's main()."""

from __future__ import annotations

import importlib
from pathlib import Path


def main() -> None:
    for path in sorted(Path(__file__).parent.glob("*_bench.py")):
        print(f"== {path.stem}")
        importlib.import_module(f"bench.{path.stem}").main()


if __name__ == "__main__":
    main()
