"""Documents people keep: one way to make a PDF, so every PDF of the project looks the same.

Every PDF embeds the subset of a CJK font it uses (Noto Serif/Sans CJK SC from Debian's
``fonts-noto-cjk``, installed by ``make setup``), so it prints the same in any viewer and on
any office printer; Latin letters and digits come from the same font, proportional, not the
full-width forms a viewer substitutes for a non-embedded CID font. Text is wrapped inside the
page frame, the document information (title, author, subject) is written as UTF-16, and a QR
code is drawn as vector squares (crisp at any zoom) with a link over it.

Usage::

    doc = Document(title=…, author=…, subject=…)
    doc.heading("志愿服务证明")
    doc.paragraph("兹证明……")
    doc.qr("https://…/verify/?code=…", x=…, y=…, size=…)
    data = doc.output()

The font files are looked up in ``settings.PDF_FONT_DIRS`` (default: Debian's font folders);
a missing font is a deployment error (``FontMissing``), never a PDF with tofu.

Speed: reading a face of the CJK collection (65,000 glyphs) and cutting the subset a document
embeds costs about 0.5 s a face, every document. ``manage.py pdf_fonts`` cuts each face once,
to the common characters (printable ASCII and GB2312's 7,445: the 6,763 hanzi of everyday text
and its signs), into ``settings.PDF_FONT_CACHE_DIR`` (``make setup`` does it); a document then
reads that small face (2 MB) for every text made only of common characters, and the whole face,
as before, for a text with a rarer one (a name written with a character outside GB2312): a page
in the three faces took 3.9 s from the whole faces and 0.6 s from the cuts. Without the cache,
or while it is being built, every document uses the whole faces: the cache only saves time,
never changes what is printed."""

from __future__ import annotations

import functools
import hashlib
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path

import segno
from django.conf import settings
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

# (file name, index of the Simplified Chinese face in the collection)
_FACES: dict[str, tuple[str, int]] = {
    "serif": ("NotoSerifCJK-Regular.ttc", 2),
    "serif-bold": ("NotoSerifCJK-Bold.ttc", 2),
    "sans": ("NotoSansCJK-Regular.ttc", 2),
}
_DEFAULT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/truetype/noto", "/usr/share/fonts")

# The house colour of the frame (the seal red of official documents).
RED = (191, 56, 43)
INK = (20, 20, 20)
GREY = (90, 90, 90)


# A line may break between any two CJK characters, but a run of Latin letters, digits and ASCII
# signs (a date, a code, an address) stays whole; closing punctuation never starts a line.
_TOKENS = re.compile(r"[\x21-\x7e]+|[ \t]+|\n|.", re.S)
_NO_LINE_START = set("，。、；：！？）》」』〕】”’…,.;:!?)")


class FontMissing(RuntimeError):
    """The CJK font is not installed: run ``make setup`` (Debian package fonts-noto-cjk)."""


@functools.cache
def font_path(face: str) -> Path:
    name, _index = _FACES[face]
    dirs: Iterable[str] = getattr(settings, "PDF_FONT_DIRS", None) or _DEFAULT_DIRS
    for folder in dirs:
        for candidate in (Path(folder) / name, *Path(folder).rglob(name)):
            if candidate.is_file():
                return candidate
    raise FontMissing(f"{name} not found in {list(dirs)}: install the Debian package fonts-noto-cjk")


# Version of the common set below: a change of it gives the cut faces new file names.
_COMMON_VERSION = "gb2312-1"
# Control characters a text may hold that no face draws (a line break is not a glyph).
_NOT_DRAWN = frozenset(map(ord, "\n\r\t"))


@functools.cache
def common_characters() -> frozenset[int]:
    """Printable ASCII and every character of GB2312 (its 6,763 hanzi and 682 signs)."""
    found = set(range(0x20, 0x7F))
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(ord(bytes((high, low)).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return frozenset(found)


def common_face_path(face: str) -> Path | None:
    """Where the cut of ``face`` to the common characters lives (None: no cache configured).
    The name carries the source file's size and time and the set's version and digest, so an
    updated font package or a changed set never meets an old cut."""
    folder = getattr(settings, "PDF_FONT_CACHE_DIR", None)
    return Path(folder) / _cut_name(face) if folder else None


@functools.cache
def _cut_name(face: str) -> str:
    source = font_path(face)
    stat = source.stat()
    digest = hashlib.sha256(
        f"{source}|{stat.st_size}|{stat.st_mtime_ns}|{_FACES[face][1]}|{_COMMON_VERSION}|".encode()
        + ",".join(map(str, sorted(common_characters()))).encode()
    ).hexdigest()[:16]
    return f"{face}-{digest}.otf"


@functools.cache
def _covered() -> frozenset[int]:
    """What a text may hold to be written in a cut face."""
    return common_characters() | _NOT_DRAWN


def build_common_face(face: str) -> Path | None:
    """Cut ``face`` to the common characters and store it in the cache (about 20 s a face on
    this machine's kind; done once). The file is written under a temporary name and renamed,
    so a document never reads half a file; building twice at once is harmless."""
    from fontTools import subset, ttLib

    target = common_face_path(face)
    if target is None:
        return None
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    font = ttLib.TTFont(
        font_path(face), fontNumber=_FACES[face][1], lazy=True, recalcTimestamp=False, recalcBBoxes=False
    )
    options = subset.Options(notdef_outline=True, recommended_glyphs=True, layout_features=[], hinting=False)
    options.drop_tables += ["GDEF", "GPOS", "GSUB", "VORG", "vhea", "vmtx"]
    cutter = subset.Subsetter(options)
    cutter.populate(unicodes=common_characters())
    cutter.subset(font)
    handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out:
            font.save(out)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; the web server's user reads it
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return target


def faces() -> list[str]:
    return list(_FACES)


class Document:
    """An A4 page (or several) with a double frame, the project's fonts and metadata."""

    margin = 25.0  # mm from the page edge to the text; the frame sits inside the margin

    def __init__(self, *, title: str, author: str, subject: str, keywords: str = "") -> None:
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        pdf.set_title(title)
        pdf.set_author(author)
        pdf.set_subject(subject)
        if keywords:
            pdf.set_keywords(keywords)
        pdf.set_creator("Community 365")
        pdf.set_producer("Community 365")
        pdf.set_lang("zh-CN")
        self._faces: set[tuple[str, str]] = set()
        pdf.set_margins(self.margin, self.margin, self.margin)
        pdf.set_auto_page_break(auto=True, margin=self.margin)
        pdf.set_text_color(*INK)
        self.pdf = pdf
        self.new_page()

    # --- layout ----------------------------------------------------------------------------

    def new_page(self) -> None:
        pdf = self.pdf
        pdf.add_page()
        pdf.set_draw_color(*RED)
        pdf.set_line_width(1.0)
        pdf.rect(12, 12, pdf.w - 24, pdf.h - 24)
        pdf.set_line_width(0.3)
        pdf.rect(15, 15, pdf.w - 30, pdf.h - 30)
        pdf.set_xy(self.margin, self.margin + 8)

    @property
    def width(self) -> float:
        """The width text may use, inside the frame."""
        return self.pdf.w - 2 * self.margin

    def font(self, face: str, size: float, text: str = "") -> None:
        """Write ``text`` in ``face`` ("serif", "serif-bold" or "sans") at ``size`` points. A face
        is read from its file the first time the document uses it, so a document carries only
        the faces it shows; from the cut of the face to the common characters when the cache
        holds one and ``text`` needs no other character, else from the whole face."""
        if face not in _FACES:
            raise ValueError(f"unknown face {face!r}: one of {sorted(_FACES)}")
        family, _, weight = face.partition("-")
        style = "B" if weight == "bold" else ""
        cut = common_face_path(face)
        if cut is not None and cut.is_file() and _covered().issuperset(map(ord, text)):
            fname, number = cut, 0
        else:
            family, fname, number = f"{family}-whole", font_path(face), _FACES[face][1]
        if (family, style) not in self._faces:
            self.pdf.add_font(family, style=style, fname=str(fname), collection_font_number=number)
            self._faces.add((family, style))
        self.pdf.set_font(family, style, size)

    def heading(self, text: str, *, size: float = 26) -> None:
        self.font("serif-bold", size, text)
        self.pdf.multi_cell(self.width, size * 0.6, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.space(size * 0.4)

    def paragraph(
        self,
        text: str,
        *,
        size: float = 14,
        face: str = "serif",
        align: str = "L",
        colour: tuple[int, int, int] = INK,
        left: float = 0,
        width: float | None = None,
        line_height: float = 1.8,
    ) -> None:
        """Text wrapped inside the frame (CJK lines break between any two characters, Latin
        words and dates stay whole). ``left`` and ``width`` place a column inside it."""
        self.font(face, size, text)
        self.pdf.set_text_color(*colour)
        self.pdf.set_x(self.margin + left)
        column = width or self.width - left
        self.pdf.multi_cell(
            column,
            size * 0.3528 * line_height,  # points to mm, times the line spacing
            "\n".join(self._lines(text, column - 2 * self.pdf.c_margin)),
            align=Align.coerce(align),
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.pdf.set_text_color(*INK)

    def _lines(self, text: str, width: float) -> list[str]:
        """Break ``text`` into lines no wider than ``width`` (mm) by the rules above."""
        measure = self.pdf.get_string_width
        lines: list[str] = []
        line = ""
        for piece in _TOKENS.findall(text):
            if piece == "\n":
                lines.append(line.rstrip())
                line = ""
                continue
            if measure(line + piece) <= width or piece[0] in _NO_LINE_START or not line.strip():
                line += piece
                continue
            lines.append(line.rstrip())
            line = piece.lstrip()
        lines.append(line.rstrip())
        # A single token wider than the line (a very long address) is cut by characters.
        result: list[str] = []
        for line in lines:
            while measure(line) > width and len(line) > 1:
                cut = len(line)
                while cut > 1 and measure(line[:cut]) > width:
                    cut -= 1
                result.append(line[:cut])
                line = line[cut:]
            result.append(line)
        return result

    def space(self, mm: float) -> None:
        self.pdf.ln(mm)

    @property
    def y(self) -> float:
        return float(self.pdf.get_y())

    def move_to(self, y: float) -> None:
        """Continue at ``y`` mm from the top (for blocks anchored to the page, like a seal
        area), or lower when the text above already reaches there."""
        self.pdf.set_xy(self.margin, max(y, self.y))

    def qr(self, url: str, *, x: float, y: float, size: float) -> None:
        """A QR code of ``url`` drawn as vector squares, with a link annotation over it."""
        code = segno.make(url, error="m", micro=False)
        matrix = [list(row) for row in code.matrix]
        border = 2
        count = len(matrix) + 2 * border
        module = size / count
        pdf = self.pdf
        pdf.set_fill_color(255, 255, 255)
        pdf.rect(x, y, size, size, style="F")
        pdf.set_fill_color(*INK)
        for r, row in enumerate(matrix):
            c = 0
            while c < len(row):
                if row[c]:
                    start = c
                    while c < len(row) and row[c]:
                        c += 1
                    pdf.rect(
                        x + (start + border) * module,
                        y + (r + border) * module,
                        (c - start) * module,
                        module,
                        style="F",
                    )
                else:
                    c += 1
        pdf.link(x, y, size, size, url)

    def output(self) -> bytes:
        return bytes(self.pdf.output())
