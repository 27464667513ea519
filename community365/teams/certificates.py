"""志愿服务证明: a one-page PDF written by hand (no PDF library needed) and the public check.

The PDF uses the Adobe-GB1 CID font STSong-Light, which every PDF viewer provides for
Simplified Chinese, so no font file is embedded; text is UTF-16BE with the UniGB-UCS2-H
encoding."""

from __future__ import annotations

from typing import Any

from community365.core.masking import mask_name

from . import rules
from .models import Certificate


def _hex(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def _page_stream(lines: list[tuple[int, int, int, str]]) -> bytes:
    """(x, y, size, text) lines, drawn top to bottom, plus a frame."""
    ops = ["0.75 0.22 0.17 RG 3 w 40 40 515 762 re S", "1 w 52 52 491 738 re S"]
    for x, y, size, text in lines:
        ops.append(f"BT /F1 {size} Tf {x} {y} Td {_hex(text)} Tj ET")
    return "\n".join(ops).encode("ascii")


def render_pdf(lines: list[tuple[int, int, int, str]], title: str) -> bytes:
    stream = _page_stream(lines)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor 7 0 R "
        b"/DW 1000 >>",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>",
        b"<< /Title " + _hex(title).encode() + b" /Producer (Community 365) >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def certificate_pdf(certificate: Certificate) -> bytes:
    c = certificate.content
    stars = "★" * int(c.get("stars", 0)) or "—"
    lines = [
        (200, 740, 28, "志愿服务证明"),
        (80, 670, 15, f"兹证明 {c['name']} 同志于 {c['from']} 至 {c['to']}"),
        (80, 640, 15, f"参加志愿服务 {c['records']} 次，经核实的服务时长共计 {c['hours']} 小时。"),
        (80, 610, 15, f"星级：{stars}"),
        (80, 560, 13, "依据民政部《志愿服务记录与证明出具办法》（2021）出具，"),
        (80, 538, 13, "时长仅计入已由活动组织者核实的志愿服务记录。"),
        (80, 470, 13, f"证明编号：{c['serial']}"),
        (80, 448, 13, f"验证码：{certificate.code}"),
        (80, 426, 12, "任何人可在社区365“证明查验”页面输入验证码核对本证明。"),
        (330, 330, 15, "江东区志愿服务联盟"),
        (330, 305, 13, f"出具日期：{c['issued']}"),
    ]
    return render_pdf(lines, f"志愿服务证明 {c['serial']}")


def check(code: str) -> dict[str, Any]:
    """The public check: find the certificate by its serial and recompute the HMAC of its
    stored content; any change to the code or the content fails. The name is masked."""
    serial, _mac = rules.split_code(code)
    certificate = Certificate.objects.filter(serial=serial).first() if serial else None
    if certificate is None or not rules.code_matches(code, certificate.content):
        return {"valid": False}
    c = certificate.content
    return {
        "valid": True,
        "name": mask_name(str(c["name"])),
        "hours": str(c["hours"]),
        "records": int(c["records"]),
        "issued": str(c["issued"]),
    }
