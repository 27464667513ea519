"""A volunteer signs up in a real browser, is checked in and out by the organiser, the
organiser verifies the hours, the volunteer downloads a certificate whose code verifies on
the public page (and an altered code does not)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tests.pdf_text import pdf_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_volunteer_signs_up_serves_and_gets_a_verifiable_certificate(login_page, live_demo, browser):
    from django.utils import timezone

    from community365.demo.generator import SYSTEM
    from community365.people.models import User
    from community365.teams import services
    from community365.teams.models import Team

    # given an activity of 划船's red team happening now, organised by its leader
    red = Team.objects.get(region__name="划船社区", colour="red")
    start = timezone.now() - datetime.timedelta(minutes=10)
    activity = services.activity_create(
        actor=SYSTEM,
        team=red,
        title="浏览器测试：楼道清扫",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        capacity=5,
        organiser=User.objects.get(username="volunteer_demo"),
        now=start - datetime.timedelta(days=1),
    )
    url = f"{live_demo.url}/teams/activities/{activity.pk}/"

    # when volunteer_011 signs up
    volunteer = login_page("volunteer_011")
    volunteer.goto(url)
    volunteer.get_by_role("button", name="我要报名").click()
    assert "您已报名成功" in volunteer.inner_text("#my-signup")

    # and the organiser checks them in, then out, then verifies the hours
    organiser = login_page("volunteer_demo")
    organiser.goto(url)
    row = organiser.locator("tr[data-volunteer=volunteer_011]")
    row.get_by_role("button", name="签到").click()
    row = organiser.locator("tr[data-volunteer=volunteer_011]")
    row.get_by_role("button", name="签退").click()
    row = organiser.locator("tr[data-volunteer=volunteer_011]")
    assert "待核实" in row.inner_text()
    row.get_by_role("button", name="核实").click()
    assert "已核实" in organiser.locator("tr[data-volunteer=volunteer_011]").inner_text()

    # then the volunteer issues a certificate and downloads it
    volunteer.goto(f"{live_demo.url}/teams/my-hours/")
    volunteer.get_by_role("button", name="出具新的服务证明").click()
    code = volunteer.locator(".cert-code").first.inner_text().strip()
    with volunteer.expect_download() as info:
        volunteer.locator("a", has_text="下载证明（PDF）").first.click()
    pdf = Path(info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert code in text.replace(" ", "")

    # and anyone, signed in or not, can check the code on the public page
    context = browser.new_context(locale="zh-CN", viewport={"width": 412, "height": 900})
    public = context.new_page()
    public.goto(f"{live_demo.url}/verify/")
    public.fill("input[name=code]", code)
    public.get_by_role("button", name="查验").click()
    assert "证明真实有效" in public.inner_text("#check-result")

    # while an altered code fails
    altered = code[:-1] + ("0" if code[-1] != "0" else "1")
    public.goto(f"{live_demo.url}/verify/?code={altered}")
    assert "验证失败" in public.inner_text("#check-result")
    context.close()
