"""The terminal asks Textual for 120 frames a second unless the user chose otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = "import tui.app; from textual import constants; print(constants.MAX_FPS)"


@pytest.mark.parametrize(("given", "expected"), [(None, "120"), ("30", "30")])
def test_frame_rate(given: str | None, expected: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if given is not None:
        env["TEXTUAL_FPS"] = given
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == expected
