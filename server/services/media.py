"""Photo storage: checked by content, metadata stripped by re-encoding, content-addressed.

Reusable by any feature that takes pictures (reports, dispatch report-backs, visits).
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from server.domain.errors import Invalid, NotFound, PayloadTooLarge, UnsupportedMedia
from server.models.reports import Photo

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}


@dataclass(frozen=True, slots=True)
class Clean:
    data: bytes
    mime: str
    width: int
    height: int


def _clean(raw: bytes) -> Clean:
    """Open, verify and re-encode: what comes out has no EXIF, GPS or trailing payload."""
    if len(raw) > MAX_BYTES:
        raise PayloadTooLarge(f"a photo may be at most {MAX_BYTES // (1024 * 1024)} MB")
    if not raw:
        raise Invalid("the photo is empty", code="empty_file")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            fmt = probe.format or ""
            if fmt not in FORMATS:
                raise UnsupportedMedia("photos must be JPEG, PNG or WebP")
            if probe.width * probe.height > MAX_PIXELS:
                raise PayloadTooLarge("a photo may be at most 40 megapixels")
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
            return Clean(out.getvalue(), FORMATS[fmt], upright.width, upright.height)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        if isinstance(exc, Image.DecompressionBombError):
            raise PayloadTooLarge("a photo may be at most 40 megapixels") from None
        raise UnsupportedMedia("the file is not a readable JPEG, PNG or WebP image") from None


class MediaStore:
    """Files under ``root/ab/cdef…`` named by the SHA-256 of their cleaned bytes."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha: str) -> Path:
        return self.root / sha[:2] / sha[2:]

    async def save_photo(self, raw: bytes, uploader: tuple[str, int]) -> Photo:
        clean = await asyncio.to_thread(_clean, raw)
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
