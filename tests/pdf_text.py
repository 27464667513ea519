"""The words of a PDF as poppler reads them (the reader behind most Linux viewers and printers'
filters). pypdf cannot decode fpdf2's embedded CID encoding, so the tests that read a document
back use ``pdftotext``; ``make setup`` installs poppler-utils."""

from __future__ import annotations

import shutil
import subprocess

import pytest


def pdf_text(data: bytes, *args: str) -> str:
    """What ``pdftotext`` prints for ``data`` (``args``, e.g. ``-bbox``, before the input)."""
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext missing: run `make setup` (installs poppler-utils)")
    return subprocess.run(
        ["pdftotext", *args, "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def pdf_fonts(data: bytes) -> list[tuple[str, bool]]:
    """(base font, embedded?) for every font of every page, descendant fonts included: a PDF
    the platform hands out must carry its faces (a reader without the CJK fonts shows boxes)."""
    import io

    from pypdf import PdfReader

    found = []
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            for face in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                descriptor = face.get("/FontDescriptor")
                if descriptor is None:
                    continue
                descriptor = descriptor.get_object()
                embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
                found.append((str(face["/BaseFont"]), embedded))
    return found
