"""志愿服务证明: the one-page PDF (through ``core.pdf``: embedded font, wrapped text, a QR code
to the public check) and the public check itself."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from community365.core import pdf
from community365.core.masking import mask_name

from . import rules
from .models import Certificate


def check_url(request: HttpRequest, certificate: Certificate) -> str:
    """The public check page of this certificate, absolute (the QR code leaves the site)."""
    return request.build_absolute_uri(
        f"{reverse('certificate_check')}?{urlencode({'code': certificate.code})}"
    )


def certificate_pdf(certificate: Certificate, *, check_url: str) -> bytes:
    """The certificate as an office would print and stamp it. ``check_url`` is the public check
    page for this certificate's code (absolute, for the QR code); the words follow the active
    language, the figures come from the stored (MAC-protected) content."""
    c = certificate.content
    district = certificate.district.name if certificate.district_id else ""
    issuer = _("%(district)s志愿服务联盟") % {"district": district}
    stars = int(c.get("stars", 0))
    doc = pdf.Document(
        title=_("志愿服务证明 %(serial)s") % {"serial": c["serial"]},
        author=issuer,
        subject=_("%(name)s的志愿服务时长证明") % {"name": c["name"]},
        keywords=str(c["serial"]),
    )
    doc.space(6)
    doc.heading(_("志愿服务证明"))
    doc.paragraph(_("证明编号：%(serial)s") % {"serial": c["serial"]}, size=11, align="C", colour=pdf.GREY)
    doc.space(10)
    doc.paragraph(
        _(
            "兹证明 %(name)s 同志于 %(from)s 至 %(to)s 期间参加志愿服务 %(records)s 次，"
            "经活动组织者核实的服务时长共计 %(hours)s 小时。"
        )
        % {"name": c["name"], "from": c["from"], "to": c["to"], "records": c["records"], "hours": c["hours"]},
        size=16,
    )
    doc.space(4)
    doc.paragraph(
        (_("星级志愿者：%(stars)s") % {"stars": "★" * stars})
        if stars
        else _("星级志愿者：未达一星（100 小时）"),
        size=14,
    )
    doc.space(8)
    doc.paragraph(
        _(
            "本证明依据民政部《志愿服务记录与证明出具办法》（2021）出具，"
            "时长仅计入已由活动组织者核实的志愿服务记录。"
        ),
        size=11,
        colour=pdf.GREY,
    )
    # The issuer's block and the seal area at the lower right; below it the QR code with the
    # code and the address of the check page beside it.
    doc.move_to(180)
    doc.paragraph(issuer, size=15, align="R")
    doc.paragraph(_("出具日期：%(date)s") % {"date": c["issued"]}, size=13, align="R")
    doc.paragraph(_("（盖章）"), size=12, align="R", colour=pdf.GREY)
    doc.move_to(225)
    top = doc.y
    doc.qr(check_url, x=doc.margin, y=top, size=34)
    doc.move_to(top + 4)
    doc.paragraph(_("验证码：%(code)s") % {"code": certificate.code}, size=11, face="sans", left=40)
    doc.paragraph(
        _("扫描二维码或打开下面的网址核对本证明："),
        size=9,
        face="sans",
        colour=pdf.GREY,
        left=40,
        line_height=1.5,
    )
    doc.paragraph(check_url, size=8, face="sans", colour=pdf.GREY, left=40, line_height=1.4)
    return doc.output()


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
