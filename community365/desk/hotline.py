"""The 12345 hotline's files: an xlsx or CSV batch of tickets, validated row by row. Every row
ends as added, duplicate (its ticket number is already a request, or appears earlier in the
file) or refused with the reason; importing the same file twice adds nothing.

Columns (a header row; Chinese or English names): 工单号/ticket, 受理时间/time, 地址编码/place
(a community's, grid's, building's or stairwell's region code; or a community's name),
事项编码/service_code, 诉求内容/text, 来电号码/phone."""

from __future__ import annotations

import csv
import datetime
import io
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.actors import is_system
from community365.core.errors import DomainError, InvalidInput
from community365.regions.models import COMMUNITY_KINDS, Region, RegionKind

from . import phrases, policies
from .models import CatalogueItem, HotlineImport, ServiceRequest
from .services import request_from_hotline

COLUMNS = {
    "ticket": ("工单号", "ticket"),
    "time": ("受理时间", "time"),
    "place": ("地址编码", "place"),
    "service_code": ("事项编码", "service_code"),
    "text": ("诉求内容", "text"),
    "phone": ("来电号码", "phone"),
}
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
PLACE_KINDS = (*COMMUNITY_KINDS, RegionKind.GRID, RegionKind.BUILDING, RegionKind.STAIRWELL)


def _rows(filename: str, data: bytes) -> list[list[Any]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a broken file
            raise InvalidInput(_("无法读取该 xlsx 文件。"), field="file") from None
        sheet = book.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1)]
    if filename.lower().endswith(".csv"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise InvalidInput(_("CSV 文件编码无法识别（请用 UTF-8）。"), field="file")
        return list(csv.reader(io.StringIO(text)))[: MAX_ROWS + 1]
    raise InvalidInput(_("只接受 .xlsx 或 .csv 文件。"), field="file")


def _header(row: list[Any]) -> dict[str, int]:
    names = [str(c or "").strip().lower() for c in row]
    index: dict[str, int] = {}
    for key, aliases in COLUMNS.items():
        for alias in aliases:
            if alias.lower() in names:
                index[key] = names.index(alias.lower())
                break
    missing = [COLUMNS[k][0] for k in ("ticket", "place", "service_code", "text") if k not in index]
    if missing:
        raise InvalidInput(_("表头缺少：%(cols)s。") % {"cols": "、".join(missing)}, field="file")
    return index


def _time(value: Any) -> datetime.datetime | None:
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, datetime.datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    text = str(value).strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M", "%Y-%m-%d"):
        try:
            return timezone.make_aware(datetime.datetime.strptime(text, fmt))
        except ValueError:
            continue
    return None


def _cell(row: list[Any], index: dict[str, int], key: str) -> str:
    i = index.get(key)
    if i is None or i >= len(row) or row[i] is None:
        return ""
    value = row[i]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


@service("desk.hotline:import")
def hotline_import(*, actor: Any, district: Region, filename: str, data: bytes) -> HotlineImport:
    role = (
        "system" if is_system(actor) else permissions.require_at(actor, policies.HOTLINE.name, district.path)
    )
    if len(data) > MAX_BYTES:
        raise InvalidInput(_("文件太大（最多 5 MB）。"), field="file")
    rows = _rows(filename, data)
    if not rows:
        raise InvalidInput(_("文件是空的。"), field="file")
    index = _header(rows[0])
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise InvalidInput(_("一次最多导入 %(n)s 行。") % {"n": MAX_ROWS}, field="file")
    # What the rows may name, read once: tickets already imported, items, places.
    tickets = {_cell(r, index, "ticket") for r in body} - {""}
    known = dict(
        ServiceRequest.objects.filter(district=district, hotline_ticket__in=tickets).values_list(
            "hotline_ticket", "pk"
        )
    )
    items = {
        i.code: i for i in CatalogueItem.objects.filter(district=district, active=True, region__isnull=True)
    }
    place_keys = {_cell(r, index, "place") for r in body} - {""}
    places = {
        key: region
        for region in Region.objects.filter(
            Q(code__in=place_keys) | Q(name__in=place_keys, kind__in=list(COMMUNITY_KINDS))
        ).filter(district=district, kind__in=list(PLACE_KINDS))
        for key in (region.code, region.name)
    }
    report: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    counts = {"added": 0, "duplicate": 0, "refused": 0}

    def note(row_no: int, ticket: str, result: str, phrase: str, **params: Any) -> None:
        report.append({"row": row_no, "ticket": ticket, "result": result, "code": phrase, "params": params})
        counts[result] += 1

    for row_no, row in enumerate(body, start=2):
        if not any(str(c or "").strip() for c in row):
            continue
        ticket = _cell(row, index, "ticket")[:40]
        if not ticket:
            note(row_no, "", "refused", phrases.ROW_NO_TICKET)
            continue
        if ticket in seen:
            note(row_no, ticket, "duplicate", phrases.ROW_DUPLICATE_IN_FILE, row=seen[ticket])
            continue
        if ticket in known:
            note(row_no, ticket, "duplicate", phrases.ROW_DUPLICATE, id=known[ticket])
            continue
        seen[ticket] = row_no
        code = _cell(row, index, "service_code")
        if code not in items:
            note(row_no, ticket, "refused", phrases.ROW_UNKNOWN_ITEM, code=code)
            continue
        place_key = _cell(row, index, "place")
        if place_key not in places:
            note(row_no, ticket, "refused", phrases.ROW_UNKNOWN_PLACE, place=place_key)
            continue
        raw_time = row[index["time"]] if "time" in index and index["time"] < len(row) else None
        at = _time(raw_time)
        if at is None:
            note(row_no, ticket, "refused", phrases.ROW_BAD_TIME, value=str(raw_time))
            continue
        try:
            req = request_from_hotline(
                actor=actor,
                item=items[code],
                place=places[place_key],
                text=_cell(row, index, "text"),
                ticket=ticket,
                contact_phone=_cell(row, index, "phone"),
                at=at,
            )
        except DomainError as exc:
            note(row_no, ticket, "refused", phrases.ROW_REFUSED, text=exc.message)
            continue
        known[ticket] = req.pk
        note(row_no, ticket, "added", phrases.ROW_ADDED, id=req.pk)
    batch = HotlineImport.objects.create(
        district=district,
        filename=filename[:200],
        imported_by=actor if not is_system(actor) and getattr(actor, "pk", None) else None,
        rows=sum(counts.values()),
        added=counts["added"],
        duplicates=counts["duplicate"],
        refused=counts["refused"],
        report=report,
    )
    audit_record(
        actor=actor,
        action="desk.hotline:import",
        target=None,
        role=role,
        district_id=district.pk,
        changes=counts,
    )
    return batch
