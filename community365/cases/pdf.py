"""人民调解协议书: made from the case, printed, signed by the parties and the mediator, stamped
by the committee; the scan is then attached to the case (``services.agreement_attach_scan``)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from community365.core import pdf

from .models import MediationAgreement, MediationCase


def agreement_pdf(case: MediationCase, agreement: MediationAgreement, parties: list[Any]) -> bytes:
    """``parties`` are the reader's view of the parties (``selectors.read_parties``): the
    mediators and the secretary print full names; oversight prints them masked."""
    committee = _("%(community)s人民调解委员会") % {"community": case.region.name}
    doc = pdf.Document(
        title=_("人民调解协议书 %(number)s") % {"number": case.number},
        author=committee,
        subject=_("人民调解协议书"),
        keywords=case.number,
    )
    doc.heading(_("人民调解协议书"), size=22)
    doc.paragraph(_("编号：%(number)s") % {"number": case.number}, size=11, align="R", colour=pdf.GREY)
    doc.space(2)
    for party in parties:
        line = _("%(side)s：%(name)s") % {"side": party.side_label, "name": party.name}
        if party.id_last4:
            line += _("　身份证号：%(id)s") % {"id": party.id_last4}
        if party.address:
            line += _("　住址：%(a)s") % {"a": party.address}
        if party.phone:
            line += _("　电话：%(p)s") % {"p": party.phone}
        doc.paragraph(line, size=12)
    doc.space(3)
    doc.paragraph(_("纠纷主要事实、争议事项："), face="serif-bold", size=13)
    doc.paragraph(agreement.facts, size=12)
    doc.space(2)
    doc.paragraph(_("经调解，自愿达成如下协议："), face="serif-bold", size=13)
    doc.paragraph(agreement.terms, size=12)
    doc.space(2)
    doc.paragraph(_("履行方式、时限：%(p)s") % {"p": agreement.performance}, size=12)
    doc.space(2)
    doc.paragraph(
        _(
            "本协议书一式三份，双方当事人、人民调解委员会各持一份。经双方当事人签名（盖章或按指印）、"
            "人民调解员签名并加盖人民调解委员会印章后生效。"
        ),
        size=10,
        colour=pdf.GREY,
    )
    doc.space(6)
    for party in parties:
        doc.paragraph(_("%(side)s（签名）：____________________") % {"side": party.side_label}, size=12)
    mediator = agreement.made_by.display_name if agreement.made_by_id else ""
    doc.paragraph(_("人民调解员（签名）：%(m)s ____________") % {"m": mediator}, size=12)
    doc.space(4)
    doc.paragraph(committee, size=13, align="R")
    doc.paragraph(_("（印章）"), size=11, align="R", colour=pdf.GREY)
    doc.paragraph(timezone.localtime(agreement.made_at).strftime("%Y-%m-%d"), size=12, align="R")
    return doc.output()
