"""Uploaded images are checked by their content and re-encoded before they are stored.

A file's name says nothing about what it holds: a text or HTML file named ``.jpg`` would be
stored and served back. ``clean_image`` lets Pillow decode the whole image (refusing anything
that is not a JPEG, PNG or WebP picture, and images so large in pixels that decoding them would
exhaust memory — "decompression bombs"), applies the EXIF orientation to the pixels, and
re-encodes without any metadata: the EXIF block with the phone's GPS position, camera serial
and time is dropped. Tests: ``core/tests/test_uploads.py``."""

from __future__ import annotations

import io
import warnings
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InvalidInput

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
# 40 megapixels: any phone photo; more is a bomb or a mistake.
MAX_PIXELS = 40_000_000
MAX_BYTES = 10 * 1024 * 1024


def clean_image(uploaded_file: Any, *, field: str = "photo") -> ContentFile:
    """The uploaded picture, re-encoded as JPEG (or PNG when it has transparency) without
    metadata; refuses anything else with ``InvalidInput``."""
    if getattr(uploaded_file, "size", 0) > MAX_BYTES:
        raise InvalidInput(_("图片太大。"), field=field)
    uploaded_file.seek(0)
    data = uploaded_file.read()
    try:
        with warnings.catch_warnings():
            # Pillow warns between MAX_IMAGE_PIXELS and twice that; treat the warning as a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in ACCEPTED_FORMATS:
                raise InvalidInput(_("照片须为 JPG、PNG 或 WebP 格式的图片。"), field=field)
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise InvalidInput(_("图片像素过多，无法处理。"), field=field)
            probe.verify()  # structural check; the image must be reopened after it
            image: Image.Image = Image.open(io.BytesIO(data))
            image.load()
    except InvalidInput:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidInput(_("上传的文件不是可识别的图片。"), field=field) from None
    except (OSError, SyntaxError, ValueError):
        raise InvalidInput(_("图片已损坏，无法打开。"), field=field) from None
    image = ImageOps.exif_transpose(image)
    stem = PurePath(getattr(uploaded_file, "name", "") or "photo").stem[:60] or "photo"
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        image.convert("RGBA").save(out, format="PNG", optimize=True)
        name = f"{stem}.png"
    else:
        # No exif= and no info passed on: the new file carries no metadata at all.
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        name = f"{stem}.jpg"
    return ContentFile(out.getvalue(), name=name)
