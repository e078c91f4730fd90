"""The one writer of CSV and XLSX files: every export of the application goes through here.

A spreadsheet reads a text cell that starts with = + - @ (or a tab or carriage return, which some trim
first) as a formula, so data typed by others (a provider's name, an invoice number, a log label) could run
as one on an official's machine ("CSV injection", OWASP). Such a text cell is written after a single quote,
which the spreadsheet shows as text. Numbers (int, Decimal, float) are written as numbers and never
changed: a negative number is not a formula, and amounts stay readable.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from django.http import FileResponse, Http404, HttpResponse

from victimsupport.audit import AccessAction, log_access

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Spaces and control characters some programs skip before they look for a formula.
SKIPPED = "".join(chr(code) for code in range(33))
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_text(value) -> str:
    """Text for a cell, neutralised if a spreadsheet would read it as a formula."""
    text = str(value)
    if text.startswith(FORMULA_STARTS) or text.lstrip(SKIPPED).startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _number(value) -> bool:
    """A finite number (NaN and infinities are written as text)."""
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, int)


def csv_cell(value) -> str:
    if value is None:
        return ""
    if _number(value):
        return format(value, "f") if isinstance(value, Decimal) else str(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return safe_text(value)


def csv_bytes(rows: Iterable[Sequence], *, header: Sequence | None = None, delimiter: str = ";") -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads the Estonian letters), `;` between cells (the comma is
    the decimal separator here)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    if header is not None:
        writer.writerow([csv_cell(value) for value in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def _attachment(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(rows: Iterable[Sequence], *, filename: str, header: Sequence | None = None) -> HttpResponse:
    return _attachment(csv_bytes(rows, header=header), filename=filename, content_type="text/csv; charset=utf-8")


def xlsx_bytes(rows: Iterable[Sequence], *, header: Sequence | None = None, title: str = "") -> bytes:
    """One sheet. Text is always a text cell (never a formula), neutralised as in CSV; numbers and dates
    are real numbers and dates."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\']", "", title)[:31] or "Sheet1")

    def cell(value):
        if value is None or isinstance(value, bool | date) or _number(value):
            return value
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", str(value)))

    if header is not None:
        sheet.append([cell(value) for value in header])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    rows: Iterable[Sequence], *, filename: str, header: Sequence | None = None, title: str = ""
) -> HttpResponse:
    return _attachment(xlsx_bytes(rows, header=header, title=title), filename=filename, content_type=XLSX_CONTENT_TYPE)


def payment_file_response(request, batch, kind: str) -> FileResponse:
    """The CSV (`kind` "csv") or the pain.001 file ("xml") of a payment batch the view fetched through
    restrict(), logged as an export."""
    if kind not in ("csv", "xml"):
        raise Http404
    field = batch.csv_file if kind == "csv" else batch.xml_file
    log_access(request.user, AccessAction.EXPORT, obj=batch)
    return FileResponse(field.open("rb"), as_attachment=True, filename=field.name.rsplit("/", 1)[-1])
