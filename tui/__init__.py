"""Linli's staff terminal."""

import os

# Textual draws at most TEXTUAL_FPS frames a second (60 by default) and reads the setting
# once, on import: a key waits for the next tick before its frame, up to two ticks after
# a frame slower than one. 120 halves that wait; idle screens draw nothing either way.
os.environ.setdefault("TEXTUAL_FPS", "120")
