"""Pictures in the terminal: which renderer draws them, and turning fetched bytes into one.

textual-image asks the terminal what it can draw (sixel, the kitty graphics protocol, or
neither) when it is first imported, which only works before Textual owns the terminal;
the app imports this module at start for that reason.
"""

from __future__ import annotations

import io
from typing import Literal

from PIL import Image as PILImage
from textual.widget import Widget
from textual_image.widget import HalfcellImage, UnicodeImage
from textual_image.widget import Image as BestImage

ImageMode = Literal["auto", "halfcell", "unicode"]
# Largest side kept after decoding: enough for a sharp sixel picture on a large terminal,
# small enough that the renderer's rescale on every redraw stays cheap (uploads go up to
# 40 megapixels).
MAX_SIDE = 1280


def image_widget(mode: ImageMode) -> type[Widget]:
    """``auto`` is the best the terminal answered for; the others force the cell fallbacks
    (coloured half blocks, or shaded characters) where a detected protocol misbehaves."""
    if mode == "halfcell":
        return HalfcellImage
    if mode == "unicode":
        return UnicodeImage
    return BestImage


def decode(data: bytes) -> PILImage.Image:
    """Decode and shrink a photo; raises OSError (or a PIL error) when it is not one."""
    image = PILImage.open(io.BytesIO(data))
    image.thumbnail((MAX_SIDE, MAX_SIDE))  # also decodes JPEGs at a reduced scale
    return image.convert("RGB")
