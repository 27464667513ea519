"""The cut faces (core/pdf.py, ``manage.py pdf_fonts``): a document made only of common
characters reads the small cut of a face, a text with a rarer character (a name written outside
GB2312) reads the whole face, and either way every word is printed and extractable. The tests
cut the faces to a handful of characters (a cut of the real set takes some 20 s a face)."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from community365.core import pdf
from tests.pdf_text import pdf_text

SMALL = frozenset(range(0x20, 0x7F)) | frozenset(map(ord, "志愿服务证明兹社区，。"))


def _forget() -> None:
    pdf._cut_name.cache_clear()
    pdf._covered.cache_clear()


@pytest.fixture
def cuts(settings, tmp_path, monkeypatch):
    """A cache folder of this test's own and a common set of a few characters."""
    settings.PDF_FONT_CACHE_DIR = str(tmp_path / "fonts")
    monkeypatch.setattr(pdf, "common_characters", lambda: SMALL)
    _forget()
    yield tmp_path / "fonts"
    _forget()


def _files(doc: pdf.Document) -> dict[str, str]:
    """The file each face of the document was read from, by fpdf's font key."""
    return {key: str(font.ttffile) for key, font in doc.pdf.fonts.items()}


def _document(*paragraphs: str) -> pdf.Document:
    doc = pdf.Document(title="证明", author="社区", subject="证明")
    doc.heading("志愿服务证明")
    for text in paragraphs:
        doc.paragraph(text)
    return doc


def test_common_text_reads_the_cut_faces(cuts):
    # given the serif faces cut
    serif, bold = pdf.build_common_face("serif"), pdf.build_common_face("serif-bold")
    assert serif is not None and serif.parent == cuts and serif.is_file() and bold is not None

    # when a document holds only common characters (a line break among them)
    doc = _document("兹证明 Room 12，\n社区志愿服务。")
    data = doc.output()

    # then both faces come from the cuts, and every word is printed
    assert _files(doc) == {"serifB": str(bold), "serif": str(serif)}
    words = pdf_text(data)
    assert "志愿服务证明" in words and "兹证明 Room 12" in words and "社区志愿服务" in words


def test_a_rarer_character_reads_the_whole_face(cuts):
    pdf.build_common_face("serif")
    pdf.build_common_face("serif-bold")

    # when one paragraph holds a character outside the common set (张) and another does not
    doc = _document("兹证明社区", "兹证明张三")
    data = doc.output()

    # then the common paragraph reads the cut, the other the whole face, and both are printed
    files = _files(doc)
    assert files["serif"] == str(pdf.common_face_path("serif"))
    assert files["serif-whole"] == str(pdf.font_path("serif"))
    words = pdf_text(data)
    assert "兹证明社区" in words and "兹证明张三" in words


def test_without_a_cut_every_face_is_whole(cuts):
    # given a cache folder where nothing has been cut yet
    doc = _document("兹证明社区")
    doc.output()

    assert set(_files(doc).values()) == {str(pdf.font_path("serif")), str(pdf.font_path("serif-bold"))}
    assert not cuts.exists()


def test_no_cache_folder_means_the_whole_faces(settings):
    settings.PDF_FONT_CACHE_DIR = None
    assert pdf.common_face_path("serif") is None and pdf.build_common_face("serif") is None
    doc = _document("兹证明社区")
    assert "serif-whole" in doc.pdf.fonts and "serif" not in doc.pdf.fonts


def test_a_changed_set_never_meets_an_old_cut(cuts, monkeypatch):
    before = pdf.common_face_path("serif")
    monkeypatch.setattr(pdf, "common_characters", lambda: SMALL | {ord("张")})
    _forget()
    assert pdf.common_face_path("serif") != before


def test_the_common_set_is_ascii_and_gb2312():
    _forget()
    common = pdf.common_characters()
    assert len(common) == 95 + 7445
    assert {ord(c) for c in "划船社区的张 A1，。"} <= common
    assert ord("堃") not in common and ord("\n") not in common


def test_the_command_cuts_what_is_missing_and_checks(cuts):
    # when nothing is cut, the check says so and fails
    with pytest.raises(CommandError, match="not cut: serif, serif-bold, sans"):
        call_command("pdf_fonts", "--check")

    # when the command runs, every face is cut; a second run keeps them
    call_command("pdf_fonts", "--jobs", "1")
    paths = [pdf.common_face_path(face) for face in pdf.faces()]
    assert all(path is not None and path.is_file() for path in paths)
    stamps = [path.stat().st_mtime_ns for path in paths if path is not None]
    call_command("pdf_fonts")
    assert [path.stat().st_mtime_ns for path in paths if path is not None] == stamps
    call_command("pdf_fonts", "--check")
    assert not list(cuts.glob("*.part"))
    # readable by the web server's user, whoever cut them
    assert {path.stat().st_mode & 0o777 for path in paths if path is not None} == {0o644}


def test_the_command_without_the_fonts_cuts_nothing_and_says_so(cuts, settings, tmp_path):
    settings.PDF_FONT_DIRS = [str(tmp_path / "no-fonts")]
    pdf.font_path.cache_clear()
    try:
        said = io.StringIO()
        call_command("pdf_fonts", stderr=said)  # no error: make setup goes on
        assert "nothing cut" in said.getvalue() and "fonts-noto-cjk" in said.getvalue()
        with pytest.raises(CommandError, match="fonts-noto-cjk"):
            call_command("pdf_fonts", "--check")
    finally:
        pdf.font_path.cache_clear()
    assert not cuts.exists()


def test_the_command_refuses_without_a_folder(settings):
    settings.PDF_FONT_CACHE_DIR = ""
    with pytest.raises(CommandError, match="PDF_FONT_CACHE_DIR"):
        call_command("pdf_fonts")
