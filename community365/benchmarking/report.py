"""The yearly (or any period's) PDF report of a community against the model (core.pdf)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from community365.core import pdf

from .models import Dimension

DIMS = ("linkages", "services", "mechanisms")


def _f(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def community_report(community: Any, run: Any, ctx: dict[str, Any], formulas: list[Any]) -> bytes:
    mine, theirs, medians, model = ctx["mine"], ctx["theirs"], ctx["medians"], ctx["model"]
    doc = pdf.Document(
        title=_("%(name)s对标报告 %(period)s") % {"name": community.name, "period": run.key},
        author=_("区委组织部"),
        subject=_("对标划船社区"),
        keywords=run.key,
    )
    doc.heading(_("%(name)s对标报告") % {"name": community.name}, size=22)
    doc.paragraph(
        _("期间：%(period)s（%(start)s 至 %(end)s）")
        % {"period": run.key, "start": run.start, "end": run.end},
        size=11,
        align="C",
        colour=pdf.GREY,
    )
    doc.space(4)
    if mine is not None:
        movement = ""
        if mine.previous_rank is not None:
            movement = _("，上期第 %(prev)s 名") % {"prev": mine.previous_rank}
        doc.paragraph(
            _("总分 %(total)s，全区第 %(rank)s 名%(movement)s，等级：%(grade)s。")
            % {"total": _f(mine.total), "rank": mine.rank, "movement": movement, "grade": mine.grade or "—"},
            size=14,
        )
        doc.paragraph(
            _("为民指数 %(p)s，服务指数 %(s)s。") % {"p": _f(mine.people_index), "s": _f(mine.service_index)},
            size=13,
        )
    doc.space(3)
    doc.paragraph(_("三个维度（本社区 / 示范社区 / 全区中位数）"), size=14, face="sans")
    for d in DIMS:
        doc.paragraph(
            f"{Dimension(d).label}: {_f(getattr(mine, d, None))} / {_f(getattr(theirs, d, None))} / {_f(medians.get(d))}",
            size=12,
            left=4,
        )
    doc.space(3)
    doc.paragraph(
        _("各项指标与%(model)s的差距（差距最大的在前）") % {"model": model.name if model else _("示范社区")},
        size=14,
        face="sans",
    )
    for g in ctx["gaps"]:
        doc.paragraph(
            _("%(label)s：本社区 %(v)s，示范社区 %(m)s（%(unit)s）；得分 %(p)s / %(mp)s")
            % {
                "label": g.node.display_label,
                "v": _f(g.value),
                "m": _f(g.model_value),
                "unit": g.node.display_unit,
                "p": _f(g.points),
                "mp": _f(g.model_points),
            },
            size=11,
            left=4,
        )
    doc.space(3)
    doc.paragraph(_("计算方法"), size=13, face="sans")
    for f in formulas:
        doc.paragraph(str(f), size=9, colour=pdf.GREY, line_height=1.5)
    return doc.output()
