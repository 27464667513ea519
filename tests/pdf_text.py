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
