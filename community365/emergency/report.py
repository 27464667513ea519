"""The after-action report (复盘报告) of an event: one set of figures, written as a PDF
(core/pdf.py, embedded fonts) and as an xlsx sheet (core/exports.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.core import pdf

from . import selectors
from .models import (
    CheckAssignment,
    CheckStatus,
    EmergencyEvent,
    EmergencyTask,
    EventKind,
    EventLevel,
    Need,
    Supply,
    TaskStatus,
)


@dataclass
class Report:
    event: EmergencyEvent
    figures: dict[str, int]
    by_status: dict[str, int]
    helpers: list[dict[str, Any]]
    supplies: dict[str, int]
    needs: list[dict[str, Any]]
    communities: list[selectors.BoardRow]


def build(event: EmergencyEvent) -> Report:
    """A fixed number of grouped queries, whatever the size of the event."""
    assignments = CheckAssignment.objects.filter(event=event)
    by_status = dict(assignments.values("status").annotate(n=Count("id")).values_list("status", "n"))
    needs = list(
        EmergencyTask.objects.filter(event=event)
        .values("need")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
        .order_by("need")
    )
    return Report(
        event=event,
        figures=selectors.counts(assignments),
        by_status=by_status,
        helpers=selectors.helpers(event),
        supplies=selectors.supplies_by_item(event),
        needs=needs,
        communities=selectors.board(assignments, by="community"),
    )


def _when(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _who(row: dict[str, Any]) -> str:
    return row["checked_by__display_name"] or row["checked_by__username"]


def lines(report: Report) -> list[tuple[str, list[list[Any]]]]:
    """The report as titled tables (both formats write these)."""
    e = report.event
    f = report.figures
    sections: list[tuple[str, list[list[Any]]]] = [
        (
            _("事件"),
            [
                [_("名称"), e.title],
                [_("类型"), str(EventKind(e.kind).label)],
                [_("级别"), str(EventLevel(e.level).label)],
                [_("发布单位"), e.region.name],
                [_("时间"), f"{_when(e.starts_at)} – {_when(e.closed_at or e.ends_at)}"],
                [_("状态"), _("已结束") if e.closed_at else _("进行中")],
            ],
        ),
        (
            _("入户排查"),
            [
                [_("重点关注户"), f["total"]],
                [_("已排查"), f["checked"]],
                [_("未排查"), f["to_check"]],
                *[[str(s.label), report.by_status.get(s.value, 0)] for s in CheckStatus],
            ],
        ),
        (
            _("各社区"),
            [[_("社区"), _("户数"), _("已排查"), _("需要帮助")]]
            + [[r.name, r.total, r.checked, r.needs_help] for r in report.communities],
        ),
        (
            _("排查人员"),
            [[_("姓名"), _("排查次数"), _("户数"), _("开始"), _("结束")]]
            + [
                [_who(h), h["checks"], h["households"], _when(h["first"]), _when(h["last"])]
                for h in report.helpers
            ],
        ),
        (
            _("发放物资"),
            [[str(s.label), report.supplies.get(s.value, 0)] for s in Supply],
        ),
        (
            _("帮扶需求"),
            [[_("需求"), _("提出"), _("已办结")]]
            + [[str(Need(n["need"]).label), n["total"], n["done"]] for n in report.needs],
        ),
    ]
    if e.summary:
        sections.append((_("总结"), [[e.summary]]))
    return sections


def as_pdf(report: Report) -> bytes:
    e = report.event
    doc = pdf.Document(
        title=_("应急处置复盘报告：%(title)s") % {"title": e.title},
        author=e.region.name,
        subject=_("应急处置复盘报告"),
        keywords=str(e.pk),
    )
    doc.heading(_("应急处置复盘报告"), size=22)
    doc.paragraph(e.title, size=14, align="C")
    helped = report.by_status.get(CheckStatus.NEEDS_HELP, 0)
    doc.paragraph(
        _("共排查重点关注户 %(checked)s / %(total)s 户，其中 %(helped)s 户需要帮助，%(people)s 人参与入户。")
        % {
            "checked": report.figures["checked"],
            "total": report.figures["total"],
            "helped": helped,
            "people": len(report.helpers),
        },
        size=12,
    )
    for title, rows in lines(report):
        doc.space(3)
        doc.paragraph(title, size=13, face="serif-bold")
        for row in rows:
            doc.paragraph("  ".join(str(c) for c in row), size=10.5, face="sans", line_height=1.5)
    doc.space(4)
    doc.paragraph(
        _("生成时间：%(at)s") % {"at": _when(timezone.now())}, size=9, face="sans", colour=pdf.GREY, align="R"
    )
    return doc.output()


def xlsx_rows(report: Report) -> list[list[Any]]:
    rows: list[list[Any]] = []
    for title, section in lines(report):
        rows.append([title])
        rows += section
        rows.append([])
    return rows
