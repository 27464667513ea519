"""The 12345 hotline import: good rows, bad rows and duplicates give an exact row-by-row report;
importing the same file twice adds nothing."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from community365.core.actors import SystemActor
from community365.core.errors import InvalidInput, NotAllowed
from community365.core.phrases import render
from community365.desk.hotline import hotline_import
from community365.desk.models import Channel, ServiceRequest
from community365.regions.models import Region

pytestmark = pytest.mark.django_db
SYSTEM = SystemActor("test")
HEADER = ["工单号", "受理时间", "地址编码", "事项编码", "诉求内容", "来电号码"]


def _rows(huachuan, stairwell):
    return [
        ["T-1", "2026-11-02 09:00", stairwell.code, "stairwell-light", "楼道灯不亮。", "13800000001"],
        ["T-2", "2026-11-02 10:00", huachuan.code, "drain", "下水道堵了。", "13800000002"],
        ["T-3", "2026-11-02 11:00", huachuan.name, "certificate", "要开居住证明。", ""],
        ["T-4", "2026-11-02 11:00", huachuan.code, "no-such", "噪音。", ""],
        ["T-5", "2026-11-02 11:00", "XX-404", "drain", "下水道。", ""],
        ["T-2", "2026-11-02 12:00", huachuan.code, "drain", "下水道堵了（重复来电）。", ""],
        ["", "2026-11-02 12:00", huachuan.code, "drain", "没有工单号。", ""],
        ["T-8", "昨天", huachuan.code, "drain", "时间不对。", ""],
        ["T-9", "2026-11-02 12:00", huachuan.code, "drain", "短", ""],
    ]


def _csv(rows) -> bytes:
    lines = [",".join(HEADER)] + [",".join(r) for r in rows]
    return "\n".join(lines).encode("utf-8")


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def district(huachuan):
    return Region.objects.get(pk=huachuan.district_id)


def test_the_report_says_exactly_what_happened_to_each_row(persona, district, huachuan, stairwell):
    batch = hotline_import(
        actor=persona("admin_district"),
        district=district,
        filename="a.csv",
        data=_csv(_rows(huachuan, stairwell)),
    )
    got = [(r["row"], r["ticket"], r["result"], r["code"]) for r in batch.report]
    assert got == [
        (2, "T-1", "added", "desk.row.added"),
        (3, "T-2", "added", "desk.row.added"),
        (4, "T-3", "added", "desk.row.added"),
        (5, "T-4", "refused", "desk.row.unknown_item"),
        (6, "T-5", "refused", "desk.row.unknown_place"),
        (7, "T-2", "duplicate", "desk.row.duplicate_in_file"),
        (8, "", "refused", "desk.row.no_ticket"),
        (9, "T-8", "refused", "desk.row.bad_time"),
        (10, "T-9", "refused", "desk.row.refused"),
    ]
    assert (batch.added, batch.duplicates, batch.refused) == (3, 1, 5)
    assert "T-4" not in render(batch.report[3]["code"], batch.report[3]["params"])  # names the code instead
    assert "no-such" in render(batch.report[3]["code"], batch.report[3]["params"])
    req = ServiceRequest.objects.get(hotline_ticket="T-1")
    assert req.channel == Channel.HOTLINE and req.region == stairwell and req.contact_phone == "13800000001"


def test_importing_the_same_file_twice_adds_nothing(persona, district, huachuan, stairwell):
    data = _xlsx(_rows(huachuan, stairwell))
    admin = persona("admin_district")
    hotline_import(actor=admin, district=district, filename="a.xlsx", data=data)
    before = ServiceRequest.objects.count()
    again = hotline_import(actor=admin, district=district, filename="a.xlsx", data=data)
    assert ServiceRequest.objects.count() == before
    assert again.added == 0 and again.duplicates == 4
    assert [r["code"] for r in again.report if r["result"] == "duplicate"][:3] == ["desk.row.duplicate"] * 3


def test_a_file_without_the_needed_columns_is_refused_whole(persona, district):
    with pytest.raises(InvalidInput):
        hotline_import(
            actor=persona("admin_district"),
            district=district,
            filename="a.csv",
            data="工单号,内容\nT,x".encode(),
        )


def test_other_files_are_refused(persona, district):
    with pytest.raises(InvalidInput):
        hotline_import(actor=persona("admin_district"), district=district, filename="a.pdf", data=b"%PDF")
    with pytest.raises(InvalidInput):
        hotline_import(
            actor=persona("admin_district"), district=district, filename="a.xlsx", data=b"not a zip"
        )


def test_a_social_worker_may_not_import(persona, district, huachuan, stairwell):
    with pytest.raises(NotAllowed):
        hotline_import(
            actor=persona("worker_huachuan"),
            district=district,
            filename="a.csv",
            data=_csv(_rows(huachuan, stairwell)),
        )


def test_the_page_shows_the_report(client_for, huachuan, stairwell):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for("admin_district")
    upload = SimpleUploadedFile("a.csv", _csv(_rows(huachuan, stairwell)), content_type="text/csv")
    response = client.post("/services/hotline/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert response.content.decode().count("data-row") == 9
