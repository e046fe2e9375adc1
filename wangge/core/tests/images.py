"""Real images for upload tests, made with Pillow: the upload sanitiser keeps only files that decode."""

from __future__ import annotations

import io

from PIL import Image

# A phone's EXIF: where (GPS IFD: latitude 33°44'N, longitude 113°11'E) and which way up.
GPS_IFD = 0x8825
ORIENTATION = 0x0112
GPS = {1: "N", 2: (33.0, 44.0, 10.0), 3: "E", 4: (113.0, 11.0, 20.0)}


def _exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[GPS_IFD] = GPS
    if orientation is not None:
        exif[ORIENTATION] = orientation
    return exif


def image(
    fmt: str = "PNG",
    size: tuple[int, int] = (8, 6),
    colour: tuple[int, int, int] = (200, 40, 40),
    *,
    gps: bool = False,
    orientation: int | None = None,
) -> bytes:
    """An image of one colour in ``fmt`` (PNG, JPEG, GIF, WEBP), with a GPS position in its EXIF if asked."""
    out = io.BytesIO()
    options = {"exif": _exif(orientation).tobytes()} if gps else {}
    Image.new("RGB", size, colour).save(out, fmt, **options)
    return out.getvalue()


def exif_of(data: bytes) -> dict[int, object]:
    """The EXIF tags of an image, with the GPS IFD read out."""
    with Image.open(io.BytesIO(data)) as opened:
        exif = opened.getexif()
        tags: dict[int, object] = dict(exif)
        gps = exif.get_ifd(GPS_IFD)
        if gps:
            tags[GPS_IFD] = dict(gps)
        return tags


PNG = image("PNG")
JPEG = image("JPEG")
