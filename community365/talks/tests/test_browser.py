"""A resident of 划船社区 signs, in a real browser, the topic that reaches its threshold with
their signature, and sees it move on (the author can then forward it)."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def nine_signatures(live_demo, django_db_blocker):
    from community365.people.models import User
    from community365.talks import services

    from .conftest import free_residents

    with django_db_blocker.unblock():
        author = User.objects.get(username="resident_001")
        topic = services.topic_raise(
            actor=author,
            title="雨后小区积水",
            description="每逢暴雨，12 幢门口积水没过脚踝。",
            request="请改造排水管网。",
        )
        services.topic_open(actor=author, topic=topic)
        persons = free_residents(topic.region, 9, exclude={topic.author_person_id})
        services.topic_sign_on_paper(
            actor=User.objects.get(username="worker_huachuan"), topic=topic, persons=persons
        )
    return topic


def test_resident_signs_the_tenth_signature_and_the_topic_moves_on(login_page, live_demo, nine_signatures):
    topic = nine_signatures

    # given resident_005 of 划船社区 signed in, on the talks board
    page = login_page("resident_005")
    page.get_by_role("link", name="双向约谈").first.click()
    page.get_by_role("link", name=topic.title).first.click()
    assert page.locator("#signature-count").inner_text() == "9"
    assert "还差 1 人" in page.inner_text("main")

    # when they press the one obvious button
    page.get_by_role("button", name="我支持，联署").click()

    # then their signature counts, the threshold is reached, and the timeline says so
    assert "联署成功" in page.inner_text("main")
    assert page.locator("#signature-count").inner_text() == "10"
    assert "您已联署" in page.inner_text("main")
    assert "可以报送区里" in page.inner_text("main")

    # and the author now forwards it to the district; it leaves the signature stage
    author = login_page("resident_001")
    author.goto(f"{live_demo.url}/talks/{topic.pk}/")
    author.get_by_role("button", name="报送区里").click()
    assert "已报送区委组织部" in author.inner_text("main")
    assert "已报送" in author.locator(".status").first.inner_text()


def test_on_a_phone_the_share_block_and_poster_fit_and_copy_appears(login_page, live_demo, nine_signatures):
    topic = nine_signatures
    page = login_page("resident_005")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_demo.url}/talks/{topic.pk}/")
    assert page.locator("#share svg.qr-code").is_visible()
    assert page.locator("#share-link").input_value() == f"{live_demo.url}/talks/{topic.pk}/"
    # nothing wider than the phone (no sideways scrolling)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#poster-link")
    page.wait_for_url(f"{live_demo.url}/talks/{topic.pk}/poster/")
    assert topic.title in page.inner_text(".poster-title")
    assert page.locator(".poster-qr svg.qr-code").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
