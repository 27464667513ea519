"""The PDF reports of 对标 (core.pdf: fonts embedded): a community against the model, and the
district's yearly report (league, dimension leaders, subdistricts side by side, biggest gaps,
trend). Both share the opening, the figure lines and the formulas block below."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from community365.core import pdf

from .models import Dimension

DIMS = ("linkages", "services", "mechanisms")


def _f(value: Decimal | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def _open(title: str, heading: str, run: Any) -> pdf.Document:
    """A report's first page: the document information, the heading and the period."""
    doc = pdf.Document(title=title, author=_("区委组织部"), subject=_("对标划船社区"), keywords=run.key)
    doc.heading(heading, size=22)
    doc.paragraph(
        _("期间：%(period)s（%(start)s 至 %(end)s）")
        % {"period": run.key, "start": run.start, "end": run.end},
        size=11,
        align="C",
        colour=pdf.GREY,
    )
    doc.space(4)
    return doc


def _section(doc: pdf.Document, text: str) -> None:
    doc.space(3)
    doc.paragraph(text, size=14, face="sans")


def _close(doc: pdf.Document, formulas: list[Any], run: Any) -> bytes:
    doc.space(3)
    doc.paragraph(_("计算方法"), size=13, face="sans")
    for f in formulas:
        doc.paragraph(str(f), size=9, colour=pdf.GREY, line_height=1.5)
    doc.paragraph(
        _("指标体系第 %(v)s 版，计算于 %(at)s。")
        % {
            "v": run.tree_version,
            "at": run.finished_at.strftime("%Y-%m-%d %H:%M") if run.finished_at else "—",
        },
        size=9,
        colour=pdf.GREY,
    )
    return doc.output()


def community_report(community: Any, run: Any, ctx: dict[str, Any], formulas: list[Any]) -> bytes:
    mine, theirs, medians, model = ctx["mine"], ctx["theirs"], ctx["medians"], ctx["model"]
    doc = _open(
        _("%(name)s对标报告 %(period)s") % {"name": community.name, "period": run.key},
        _("%(name)s对标报告") % {"name": community.name},
        run,
    )
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
    _section(doc, _("三个维度（本社区 / 示范社区 / 全区中位数）"))
    for d in DIMS:
        doc.paragraph(
            f"{Dimension(d).label}: {_f(getattr(mine, d, None))} / {_f(getattr(theirs, d, None))} / {_f(medians.get(d))}",
            size=12,
            left=4,
        )
    _section(
        doc,
        _("各项指标与%(model)s的差距（差距最大的在前）") % {"model": model.name if model else _("示范社区")},
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
    return _close(doc, formulas, run)


def _grade(s: Any) -> str:
    return s.grade or "—"


def district_report(district: Any, run: Any, data: dict[str, Any], formulas: list[Any]) -> bytes:
    """The district's report of a year: every figure read from the run's snapshots and results
    (``selectors.district_report_data``)."""
    rows, groups, leaders, gaps, trend = (
        data["rows"],
        data["groups"],
        data["leaders"],
        data["gaps"],
        data["trend"],
    )
    doc = _open(
        _("%(name)s对标年度报告 %(period)s") % {"name": district.name, "period": run.key},
        _("%(name)s社区对标年度报告") % {"name": district.name},
        run,
    )
    model = next((s for s in rows if s.community.is_model), None)
    doc.paragraph(
        _("参评社区 %(n)s 个，平均总分 %(mean)s，中位数 %(median)s。")
        % {"n": len(rows), "mean": _f(data["mean"]), "median": _f(data["median"])},
        size=13,
    )
    if model is not None:
        doc.paragraph(
            _("示范社区%(name)s：总分 %(total)s，全区第 %(rank)s 名，等级 %(grade)s。")
            % {
                "name": model.community.name,
                "total": _f(model.total),
                "rank": model.rank,
                "grade": _grade(model),
            },
            size=13,
        )
    _section(doc, _("各维度领先的社区"))
    for d in DIMS:
        names = "、".join(f"{s.community.name} {_f(getattr(s, d))}" for s in leaders[d])
        doc.paragraph(f"{Dimension(d).label}：{names or '—'}", size=12, left=4)
    _section(doc, _("各街道（社区平均）"))
    for g in groups:
        doc.paragraph(
            _("%(name)s（%(n)s 个社区）：总分 %(total)s；三联 %(l)s，六服务 %(s)s，五机制 %(m)s")
            % {
                "name": g.region.name,
                "n": g.count,
                "total": _f(g.total),
                "l": _f(g.dims.get("linkages")),
                "s": _f(g.dims.get("services")),
                "m": _f(g.dims.get("mechanisms")),
            },
            size=11,
            left=4,
        )
    _section(doc, _("差距最大的指标（示范社区得分 − 全区平均得分）"))
    for g in gaps:
        doc.paragraph(
            _("%(label)s：示范社区 %(mp)s 分，全区平均 %(avg)s 分，差 %(gap)s 分")
            % {
                "label": g["label"],
                "mp": _f(g["model_points"]),
                "avg": _f(g["mean_points"]),
                "gap": _f(g["gap"]),
            },
            size=11,
            left=4,
        )
    if trend:
        _section(doc, _("逐月走势（全区平均总分 / 示范社区总分）"))
        for t in trend:
            doc.paragraph(f"{t['key']}：{_f(t['mean'])} / {_f(t['model'])}", size=11, left=4)
    doc.new_page()
    doc.paragraph(_("全区排名"), size=14, face="sans")
    for s in rows:
        doc.paragraph(
            _("%(rank)s. %(name)s（%(sub)s）总分 %(total)s %(grade)s · 三联 %(l)s 六服务 %(s)s 五机制 %(m)s")
            % {
                "rank": s.rank,
                "name": s.community.name,
                "sub": s.subdistrict.name,
                "total": _f(s.total),
                "grade": _grade(s),
                "l": _f(s.linkages),
                "s": _f(s.services),
                "m": _f(s.mechanisms),
            },
            size=10,
            line_height=1.5,
        )
    return _close(doc, formulas, run)
