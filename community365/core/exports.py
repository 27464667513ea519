"""xlsx exports of what the user can see. Callers pass rows already masked as on the pages;
this only lays them out (one sheet, a header row, optional notes below).

Two rules hold for every export of the project (tests: `core/tests/test_exports.py`):

- **User text stays text.** A spreadsheet program runs a cell that starts with ``=``, ``+``,
  ``-`` or ``@`` (and, after a tab or carriage return, some import paths do too) as a formula:
  a wish titled ``=HYPERLINK("http://…","点我")`` would become a live link in a social worker's
  Excel. Every string is written as an explicit string cell (never a formula), and the risky
  ones also carry Excel's "quote prefix" so that editing the cell keeps it text. The text itself
  is written unchanged, so the reader sees exactly what the resident typed.
- **Memory does not grow with history.** The workbook is write-only (rows go to a temporary
  file as they come), column widths come from the header and the first rows only, and the
  finished file is streamed from disk.
"""

from __future__ import annotations

import datetime
import decimal
import itertools
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Characters that make a spreadsheet program treat the rest of the cell as a formula or command.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Rows looked at to size the columns (the rest are not held in memory to measure them).
WIDTH_SAMPLE = 50


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def neutralise_text(text: str) -> str:
    """For formats without cell types (CSV): prefix a formula-like text with ``'`` so that a
    spreadsheet shows it as text. xlsx cells keep the text unchanged (see `_cell`)."""
    return "'" + text if is_formula_like(text) else text


def _cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool | int | float | decimal.Decimal):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value).replace(tzinfo=None)
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    text = str(value)
    cell = WriteOnlyCell(sheet)
    # Set after construction: openpyxl's own type guessing would make "=…" a formula.
    cell._value = text
    cell.data_type = "s"
    if is_formula_like(text):
        cell.quotePrefix = True
    return cell


def _width(value: Any) -> int:
    return len(str(value)) * 2 if value is not None else 0


_SHEET_TITLE_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")


def sheet_title(title: object) -> str:
    """A sheet title Excel accepts: without \\ / ? * [ ] : and at most 31 characters (a team or
    place name a person wrote may hold any of them)."""
    cleaned = _SHEET_TITLE_FORBIDDEN.sub(" ", str(title)).strip().strip("'")
    return cleaned[:31] or "Sheet"


def write_xlsx(
    out: Any,
    title: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    notes: Sequence[str] = (),
) -> None:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title(title))
    rows_iter: Iterator[Sequence[Any]] = iter(rows)
    sample = list(itertools.islice(rows_iter, WIDTH_SAMPLE))
    for index, heading in enumerate(header):
        widest = max([_width(heading)] + [_width(r[index]) for r in sample if index < len(r)])
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(10, min(40, widest))
    sheet.append([_cell(sheet, str(h)) for h in header])
    for row in itertools.chain(sample, rows_iter):
        sheet.append([_cell(sheet, v) for v in row])
    if notes:
        sheet.append([])
        for note in notes:
            sheet.append([_cell(sheet, str(note))])
    book.save(out)


def xlsx_response(
    filename: str,
    title: str,
    header: Sequence[Any],
    rows: Iterable[Sequence[Any]],
    notes: Sequence[str] = (),
) -> HttpResponse:
    with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024) as out:
        write_xlsx(out, title, header, rows, notes)
        out.seek(0)
        response = HttpResponse(out.read(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
