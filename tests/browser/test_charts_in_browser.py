"""A figures page in a real browser on a phone: the chart draws under a strict
Content-Security-Policy (no 'unsafe-inline'), a tap on a bar opens the list of exactly the wishes
behind it, and the table sorts by a header."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# What the coming CSP will say; ECharts must draw without inline scripts or style attributes.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def _with_strict_csp(route):
    response = route.fetch()
    headers = {**response.headers, "content-security-policy": STRICT_CSP}
    route.fulfill(response=response, headers=headers)


def test_a_chart_draws_under_a_strict_csp_and_a_bar_opens_its_wishes(browser, live_demo, demo_password):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    violations: list[str] = []
    # every violation, with the file that caused it (the console message does not say)
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.log('CSP-VIOLATION ' + e.violatedDirective + ' ' + e.sourceFile))"
    )
    page.on(
        "console", lambda msg: violations.append(msg.text) if msg.text.startswith("CSP-VIOLATION") else None
    )
    page.route(re.compile(r".*/wishes/.*"), _with_strict_csp)
    try:
        page.goto(f"{live_demo.url}/login/")
        page.fill("input[name=username]", "admin_district")
        page.fill("input[name=password]", demo_password)
        page.click("main button[type=submit]")
        page.wait_for_url(f"{live_demo.url}/")

        # given the wishes figures on a phone
        page.goto(f"{live_demo.url}/wishes/figures/")
        chart = page.locator("div.chart[data-chart='chart-wish-published']")
        chart.locator("canvas").first.wait_for()
        assert chart.get_attribute("data-rendered") == "1"
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box and box["width"] <= 390 and box["height"] >= 180
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing pushes the page wider

        # when the official taps the first (longest) bar
        value, x, y = page.evaluate(
            """() => {
                const el = document.querySelector("div.chart[data-chart='chart-wish-published']");
                const chart = echarts.getInstanceByDom(el);
                const value = chart.getOption().series[0].data[0].value;
                const [x, y] = chart.convertToPixel({seriesIndex: 0}, [value / 2, 0]);
                return [value, x, y];
            }"""
        )
        page.mouse.click(box["x"] + x, box["y"] + y)

        # then the list of exactly those wishes opens
        page.wait_for_url(re.compile(r".*/wishes/all/\?.*reached=published.*"))
        assert page.locator("main").inner_text().count(f"共 {int(value)} 个") == 1

        # and the table of the figures page sorts by a header, numbers as numbers
        page.goto(f"{live_demo.url}/wishes/figures/")
        page.locator("table.sortable th", has_text="已发布").click()
        page.locator("table.sortable th", has_text="已发布").click()  # descending
        cells = page.locator("table.sortable tbody tr td:nth-child(2)").all_inner_texts()
        numbers = [int(c) for c in cells]
        assert numbers == sorted(numbers, reverse=True) and numbers[0] > numbers[-1]
        # htmx (every page, base.html) injects its indicator <style>; that one is the shell's to
        # switch off (htmx.config.includeIndicatorStyles); the charts themselves cause none
        assert [v for v in violations if "htmx.min.js" not in v] == []
    finally:
        context.close()
