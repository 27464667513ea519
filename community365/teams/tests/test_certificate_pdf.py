"""The certificate PDF is a document an office can print and stamp: every font embedded (a
subset), the text extractable as written (dates whole, digits not full-width), the metadata
readable, a QR code and a link to this certificate's public check, text inside the frame."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from pypdf import PdfReader

from tests.pdf_text import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(persona):
    from community365.teams import services

    volunteer = persona("volunteer_001")
    return services.certificate_issue(actor=volunteer, volunteer=volunteer)


def test_certificate_pdf_embeds_its_fonts_and_reads_whole(client_for, certificate):
    # when the volunteer downloads the certificate
    response = client_for("volunteer_001").get(f"/teams/certificates/{certificate.pk}.pdf")

    # then it is a PDF whose every font is embedded as a subset
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    fonts = pdf_fonts(response.content)
    assert fonts, "the PDF names no font"
    assert all(embedded for _name, embedded in fonts), fonts
    assert all(re.match(r"^/[A-Z]{6}\+", name) for name, _e in fonts), fonts  # subset tag

    # and the text extracts as written: the dates whole, the code, the hours in plain digits
    text = pdf_text(response.content)
    flat = re.sub(r"\s+", "", text)
    c = certificate.content
    assert c["from"] in text and c["to"] in text and c["issued"] in text
    assert certificate.code in flat
    assert f"{c['hours']}小时" in flat
    assert not re.search(r"[０-９]", text), "full-width digits"
    assert "志愿服务证明" in text and c["name"] in text
    assert len(reader.pages) == 1

    # and the metadata is readable Unicode
    meta = reader.metadata
    assert meta.title == f"志愿服务证明 {c['serial']}"
    assert meta.author == "江东区志愿服务联盟"
    assert c["name"] in meta.subject


def test_certificate_pdf_links_to_this_certificates_public_check(client_for, certificate):
    response = client_for("volunteer_001").get(f"/teams/certificates/{certificate.pk}.pdf")
    reader = PdfReader(io.BytesIO(response.content))

    # the QR code's link annotation opens the public check with this certificate's code
    links = [
        a.get_object()["/A"]["/URI"]
        for a in reader.pages[0].get("/Annots", [])
        if a.get_object().get("/Subtype") == "/Link"
    ]
    assert len(links) == 1
    url = urlparse(links[0])
    assert url.scheme == "http" and url.netloc == "testserver" and url.path == "/verify/"
    assert parse_qs(url.query)["code"] == [certificate.code]

    # and that page confirms the certificate
    page = client_for("volunteer_002").get(f"{url.path}?{url.query}")
    assert "证明真实有效" in page.content.decode()


def test_qr_code_drawn_is_the_qr_code_of_the_url():
    """The squares core.pdf draws, read back from the page, are exactly segno's QR matrix of
    the URL (so the printed code opens the check page)."""
    import segno

    from community365.core.pdf import Document

    url = "https://example.org/verify/?code=20260301ABCDEF-0123456789ABCDEF0123"
    doc = Document(title="t", author="a", subject="s")
    doc.qr(url, x=20, y=30, size=40)
    content = bytes(doc.pdf.pages[1].contents).decode("latin-1")
    rects = [
        tuple(map(float, m)) for m in re.findall(r"([\d.-]+) ([\d.-]+) ([\d.-]+) ([\d.-]+) re f", content)
    ]
    expected = [[bool(v) for v in row] for row in segno.make(url, error="m", micro=False).matrix]
    k = 72 / 25.4
    module = 40 * k / (len(expected) + 4)
    left, top = 20 * k + 2 * module, (doc.pdf.h - 30) * k - 2 * module
    drawn = [[False] * len(expected) for _ in expected]
    for x, y, w, _h in rects[1:]:  # the first is the white ground
        row = round((top - y) / module)
        first = round((x - left) / module)
        for col in range(first, first + round(w / module)):
            drawn[row][col] = True
    assert drawn == expected


def test_text_stays_inside_the_frame(certificate):
    """Every word starts and ends inside the inner frame (15 mm from the page edge), even with a
    long name and a long address, and the page count stays one."""
    from community365.teams import certificates

    certificate.content = {**certificate.content, "name": "欧阳" + "长" * 40}
    data = certificates.certificate_pdf(certificate, check_url="http://testserver/verify/?code=" + "X" * 90)
    boxes = pdf_text(data, "-bbox")
    page_width = float(re.search(r'<page width="([\d.]+)"', boxes).group(1))
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', boxes)
    frame = 15 / 25.4 * 72
    assert words
    assert min(float(a) for a, _b in words) > frame
    assert max(float(b) for _a, b in words) < page_width - frame
    assert "长" * 20 in re.sub(r"\s+", "", pdf_text(data))  # wrapped, not cut
    assert len(PdfReader(io.BytesIO(data)).pages) == 1


def test_other_volunteers_cannot_download_the_certificate(client_for, certificate):
    assert client_for("volunteer_002").get(f"/teams/certificates/{certificate.pk}.pdf").status_code == 404
    assert client_for("resident_huachuan").get(f"/teams/certificates/{certificate.pk}.pdf").status_code == 404


def test_lines_break_between_chinese_characters_but_keep_dates_whole():
    from community365.core.pdf import Document

    doc = Document(title="t", author="a", subject="s")
    doc.font("serif", 16)
    text = "兹证明某某同志于 2026-03-01 至 2026-11-30 期间参加志愿服务，" * 6
    lines = doc._lines(text, 120)
    assert len(lines) > 3
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert doc.pdf.get_string_width(line.rstrip("，")) <= 120
        assert not line.startswith("，")
    dates = [d for line in lines for d in re.findall(r"\d{4}-\d{2}-\d{2}|\d[\d-]*$|^[\d-]+", line)]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in dates), dates


def test_a_document_embeds_the_faces_it_shows_and_only_those():
    from community365.core.pdf import Document

    doc = Document(title="t", author="a", subject="s")
    doc.heading("志愿服务证明")
    (only,) = pdf_fonts(doc.output())  # the bold heading's face, not the two faces left unused
    assert re.search(r"Bold", only[0]) and only[1], only

    doc = Document(title="t", author="a", subject="s")
    doc.heading("志愿服务证明")
    doc.paragraph("兹证明。")
    doc.paragraph("兹证明。", face="serif")  # a face used twice is read once
    assert len(pdf_fonts(doc.output())) == 2
    with pytest.raises(ValueError, match="unknown face"):
        doc.font("kaiti", 12)
