"""xlsx exports of what the user can see. Callers pass rows already masked as on the pages;
this only lays them out (one sheet, a header row, optional notes below)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook


def xlsx_response(
    filename: str,
    title: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    notes: Sequence[str] = (),
) -> HttpResponse:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append([str(h) for h in header])
    for row in rows:
        sheet.append([str(v) if v is not None and not isinstance(v, int | float) else v for v in row])
    if notes:
        sheet.append([])
        for note in notes:
            sheet.append([str(note)])
    for column in sheet.columns:
        letter = column[0].column_letter
        sheet.column_dimensions[letter].width = max(
            10, min(40, max(len(str(c.value or "")) for c in column) * 2)
        )
    buffer = io.BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
