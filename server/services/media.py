"""Photo storage: checked by content, metadata stripped by re-encoding, content-addressed.

Reusable by any feature that takes pictures (reports, dispatch report-backs, visits).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from schemas.reports import PHOTO_FORMATS, PHOTO_MAX_BYTES
from server.domain.errors import Invalid, NotFound, PayloadTooLarge, UnsupportedMedia
from server.models.reports import Photo

# What a phone photo needs: 12 MP (4032 x 3024) is what phones save by default, 16 MP
# leaves room for larger sensors; panoramas fit within the side. A decoded 16 MP picture
# takes ~64 MB (RGBA), so each process decodes at most DECODE_SLOTS at once and queues
# the rest: the decoding memory of a process stays under ~200 MB whatever arrives.
MAX_PIXELS = 16_000_000
MAX_SIDE = 8_192
DECODE_SLOTS = 2
_decoders = ThreadPoolExecutor(DECODE_SLOTS, thread_name_prefix="photo-decode")


@dataclass(frozen=True, slots=True)
class Clean:
    data: bytes
    mime: str
    width: int
    height: int


def _too_many_pixels() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"a photo may be at most {MAX_PIXELS // 1_000_000} megapixels and {MAX_SIDE} pixels a side",
        code="too_many_pixels",
        details={"max_pixels": MAX_PIXELS, "max_side": MAX_SIDE},
    )


def _clean(raw: bytes) -> Clean:
    """Open, verify and re-encode: what comes out has no EXIF, GPS or trailing payload."""
    if len(raw) > PHOTO_MAX_BYTES:
        raise PayloadTooLarge(f"a photo may be at most {PHOTO_MAX_BYTES // (1024 * 1024)} MB")
    if not raw:
        raise Invalid("the photo is empty", code="empty_file")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            fmt = probe.format or ""
            if fmt not in PHOTO_FORMATS:
                raise UnsupportedMedia("photos must be JPEG, PNG or WebP")
            if probe.width * probe.height > MAX_PIXELS or max(probe.size) > MAX_SIDE:
                raise _too_many_pixels()
            probe.verify()
        with Image.open(io.BytesIO(raw)) as img:
            img.load()
            # Keep the picture the right way up once the orientation tag is gone.
            upright = ImageOps.exif_transpose(img)
            out = io.BytesIO()
            if fmt == "JPEG":
                upright.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
            elif fmt == "PNG":
                upright.save(out, "PNG", optimize=True)
            else:
                upright.save(out, "WEBP", quality=88)
            return Clean(out.getvalue(), PHOTO_FORMATS[fmt], upright.width, upright.height)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        if isinstance(exc, Image.DecompressionBombError):
            raise _too_many_pixels() from None
        raise UnsupportedMedia("the file is not a readable JPEG, PNG or WebP image") from None


class MediaStore:
    """Files under ``root/ab/cdef…`` named by the SHA-256 of their cleaned bytes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha[2:]

    async def save_photo(self, raw: bytes, uploader: tuple[str, int]) -> Photo:
        clean = await asyncio.get_running_loop().run_in_executor(_decoders, _clean, raw)
        sha = hashlib.sha256(clean.data).hexdigest()
        await asyncio.to_thread(self._write, sha, clean.data)
        photo, _ = await Photo.get_or_create(
            sha256=sha,
            uploader_type=uploader[0],
            uploader_id=uploader[1],
            defaults={
                "mime": clean.mime,
                "size": len(clean.data),
                "width": clean.width,
                "height": clean.height,
            },
        )
        return photo

    def _write(self, sha: str, data: bytes) -> None:
        target = self.path(sha)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)  # atomic: readers never see half a file

    async def read(self, sha: str) -> tuple[bytes, str]:
        photo = await Photo.filter(sha256=sha).first()
        target = self.path(sha)
        if photo is None or not target.exists():
            raise NotFound("photo not found")
        return await asyncio.to_thread(target.read_bytes), photo.mime


async def check_owned(shas: list[str], uploader: tuple[str, int]) -> None:
    """Only pictures the caller uploaded may be attached, so ids cannot leak others' photos."""
    if not shas:
        return
    found = await Photo.filter(
        sha256__in=shas, uploader_type=uploader[0], uploader_id=uploader[1]
    ).values_list("sha256", flat=True)
    missing = sorted(set(shas) - {str(s) for s in found})
    if missing:
        raise Invalid("unknown photo: upload it first", details={"photos": missing})
