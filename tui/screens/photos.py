"""Photos drawn in the terminal, one at a time, fetched with the staff session: a report's,
or the stamped document of a project's step."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, ClassVar

from PIL import Image as PILImage
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from tui.client import ApiError
from tui.messages import PhotoArrived, PhotoFailed
from tui.screens.base import failure_text
from tui.widgets.key_footer import KeyFooter
from tui.widgets.photo import decode
from tui.widgets.report_view import PhotoRef

if TYPE_CHECKING:
    from tui.app import LinliApp

# What a file that is not a picture Pillow can read raises while being decoded.
_UNREADABLE = (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError)
# Fetches one photo by its sha, from wherever the server serves it for this viewer.
Fetch = Callable[[str], Awaitable[bytes]]


class PhotoViewer(ModalScreen[None]):
    """Right/left step through the photos; each is fetched when first shown, then kept
    until the viewer closes."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,n", "step(1)", "Next 下一张"),
        Binding("left,p", "step(-1)", "Previous 上一张"),
        Binding("escape,q", "dismiss", "Close"),
    ]

    def __init__(
        self, photos: list[PhotoRef], renderer: type[Widget], fetcher: Fetch, caption: str
    ) -> None:
        super().__init__()
        self.fetcher = fetcher
        self.caption = caption
        self.photos = photos
        self.renderer = renderer
        self.index = 0
        self.images: dict[str, PILImage.Image] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="photo-box"):
            yield Static(id="photo-caption")
            with Container(id="photo-frame"):
                yield self.renderer(id="photo-image")
                yield Static(id="photo-message")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.show()

    def action_step(self, by: int) -> None:
        if len(self.photos) > 1:
            self.index = (self.index + by) % len(self.photos)
            self.show()

    def show(self) -> None:
        ref = self.photos[self.index]
        self.query_one("#photo-caption", Static).update(
            Text.assemble(
                (f"照片 Photo {self.index + 1}/{len(self.photos)}", "bold"),
                f"  {self.caption}  {ref.source}",
            )
        )
        image = self.images.get(ref.sha)
        if image is not None:
            self._picture(image)
        else:
            self._message(f"Fetching photo {self.index + 1}…")
            self.fetch(ref.sha)

    def _picture(self, image: PILImage.Image) -> None:
        widget = self.query_one("#photo-image")
        widget.image = image  # type: ignore[attr-defined]
        widget.display = True
        self.query_one("#photo-message").display = False

    def _message(self, text: str, error: bool = False) -> None:
        self.query_one("#photo-image").display = False
        message = self.query_one("#photo-message", Static)
        message.update(Text(text))
        message.set_class(error, "-error")
        message.display = True

    @work(exclusive=True, group="photo-fetch")
    async def fetch(self, sha: str) -> None:
        try:
            data = await self.fetcher(sha)
        except ApiError as exc:
            self.post_message(PhotoFailed(sha, failure_text(self._linli, exc)))
            return
        try:
            # Decoding a large JPEG takes long enough to stall keys: off the event loop.
            image = await asyncio.to_thread(decode, data)
        except _UNREADABLE:
            self.post_message(PhotoFailed(sha, "the file is not a picture the terminal can read"))
            return
        self.post_message(PhotoArrived(sha, image))

    @property
    def _linli(self) -> LinliApp:
        return self.app  # type: ignore[return-value]

    def on_photo_arrived(self, msg: PhotoArrived) -> None:
        self.images[msg.sha] = msg.image
        if self.photos[self.index].sha == msg.sha:
            self._picture(msg.image)

    def on_photo_failed(self, msg: PhotoFailed) -> None:
        # Not remembered: coming back to this photo tries again (the server may be back).
        if self.photos[self.index].sha == msg.sha:
            n = self.index + 1
            self._message(f"✕ Photo {n} could not be shown: {msg.text}", error=True)
