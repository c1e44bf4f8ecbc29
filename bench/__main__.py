"""Run every benchmark in this folder (``make bench``): each ``*_bench.py`` module exactly
as ``python -m bench.<name>`` would, one after the other."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def main() -> None:
    for path in sorted(Path(__file__).parent.glob("*_bench.py")):
        print(f"== {path.stem}", flush=True)
        sys.argv = [str(path)]  # each benchmark reads its own options, not ours
        runpy.run_module(f"bench.{path.stem}", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
