"""Uploaded images are checked by content and stored without metadata (issue 9, item 11)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community365.core.errors import InvalidInput
from community365.core.uploads import clean_image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def jpeg_with_gps(size=(40, 20), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (29.0, 52.0, 12.0)
    gps[3] = "E"
    gps[4] = (121.0, 33.0, 7.0)
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_a_text_file_named_jpg_is_refused():
    with pytest.raises(InvalidInput) as refused:
        clean_image(upload(b"<html><script>alert(1)</script></html>"))
    assert refused.value.field == "photo"


def test_a_truncated_image_is_refused():
    with pytest.raises(InvalidInput):
        clean_image(upload(jpeg_with_gps()[:200]))


def test_a_gif_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, format="GIF")
    with pytest.raises(InvalidInput):
        clean_image(upload(out.getvalue(), "x.jpg"))


def test_gps_exif_is_dropped():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the fixture has a position
    cleaned = clean_image(upload(original))
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.format == "JPEG"
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD)
    assert len(exif) == 0
    assert b"PhoneMaker" not in cleaned.read()
    assert cleaned.name == "photo.jpg"


def test_orientation_is_applied_to_the_pixels():
    # Orientation 6: the camera was turned; a viewer rotates 90°. Without the tag the pixels
    # themselves must be turned, or the photo would show sideways.
    cleaned = clean_image(upload(jpeg_with_gps(size=(40, 20), orientation=6)))
    image = Image.open(io.BytesIO(cleaned.read()))
    assert image.size == (20, 40)
    assert ORIENTATION not in image.getexif()


def test_transparent_png_stays_png():
    out = io.BytesIO()
    Image.new("RGBA", (4, 4), (0, 0, 0, 0)).save(out, format="PNG")
    cleaned = clean_image(upload(out.getvalue(), "logo.png"))
    assert cleaned.name == "logo.png"
    assert Image.open(io.BytesIO(cleaned.read())).format == "PNG"


def test_a_decompression_bomb_is_refused():
    # A small file that claims 50,000 × 50,000 pixels.
    out = io.BytesIO()
    Image.new("1", (10000, 10000)).save(out, format="PNG")
    data = bytearray(out.getvalue())
    # Rewrite the IHDR width/height (bytes 16-24) to 50,000 each; the CRC is then wrong too,
    # which Pillow reports as a broken image: refused either way, never decoded.
    data[16:24] = (50000).to_bytes(4, "big") * 2
    with pytest.raises(InvalidInput):
        clean_image(upload(bytes(data), "bomb.png"))


@pytest.mark.django_db
def test_the_wish_photo_path_stores_the_cleaned_image(persona, region, settings, tmp_path):
    from community365.people.models import Person
    from community365.wishes import services

    settings.MEDIA_ROOT = tmp_path
    worker = persona("worker_huachuan")
    wisher = Person.objects.filter(
        community=region("划船社区"), user__isnull=True, wishes__isnull=True
    ).first()
    with pytest.raises(InvalidInput):
        services.wish_create(
            actor=worker,
            wisher=wisher,
            title="一台收音机",
            reason="想听戏曲节目",
            value_yuan=80,
            category="convenience",
            photo=upload(b"not an image at all"),
        )
    wish = services.wish_create(
        actor=worker,
        wisher=wisher,
        title="一台收音机",
        reason="想听戏曲节目",
        value_yuan=80,
        category="convenience",
        photo=upload(jpeg_with_gps()),
    )
    with wish.photo.open("rb") as stored:
        assert not Image.open(io.BytesIO(stored.read())).getexif().get_ifd(GPS_IFD)
