"""The board (own community first, search, filter, paged in SQL), inviting co-signers (link, QR,
poster), rating with stars, the inbox's finished list, and the hardening of talks' pages and API:
staff-only figures, links only to what opens, ids range-checked."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db.models import Q
from django.utils import timezone

from community365.people.models import Person
from community365.talks import policies, selectors, services
from community365.talks.models import TalkTask, TalkTopic

pytestmark = pytest.mark.django_db

HUGE = "9" * 20


# --- the board -----------------------------------------------------------------------------------------


def _ids(page: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/talks/(\d+)/"', page)}


def test_board_opens_on_the_residents_own_community(client_for, persona):
    person = Person.objects.get(user=persona("resident_101"))
    page = client_for("resident_101").get("/talks/").content.decode()
    shown = TalkTopic.objects.filter(pk__in=_ids(page))
    assert shown.exists() and set(shown.values_list("region_id", flat=True)) == {person.community_id}
    expected = selectors.board(persona("resident_101"), selectors.BoardFilter(community=person.community_id))
    assert f"共 {expected.count()} 个点题" in page
    everything = client_for("resident_101").get("/talks/?community=all").content.decode()
    assert (
        f"共 {selectors.board(persona('resident_101'), selectors.BoardFilter()).count()} 个点题" in everything
    )


def test_board_of_a_district_official_shows_the_district(client_for, persona):
    page = client_for("admin_district").get("/talks/").content.decode()
    assert f"共 {selectors.board(persona('admin_district'), selectors.BoardFilter()).count()} 个点题" in page


def test_board_search_and_community_filter(client_for, persona):
    topic = TalkTopic.objects.exclude(status="draft").filter(status="closed").order_by("id").first()
    word = topic.title[:4]
    page = client_for("admin_district").get("/talks/", {"q": word, "community": "all"}).content.decode()
    assert topic.pk in _ids(page)
    assert all(
        word in t.title or word in t.description or word in t.request
        for t in TalkTopic.objects.filter(pk__in=_ids(page))
    )
    filtered = client_for("admin_district").get("/talks/", {"community": topic.region_id}).content.decode()
    assert set(TalkTopic.objects.filter(pk__in=_ids(filtered)).values_list("region_id", flat=True)) == {
        topic.region_id
    }
    api = client_for("admin_district").get("/api/v1/talks/topics", {"q": word, "limit": 200}).json()
    assert api["count"] == selectors.board(persona("admin_district"), selectors.BoardFilter(q=word)).count()
    assert all(item["id"] for item in api["items"])


@pytest.mark.parametrize("measure", sorted(selectors.MEASURES))
def test_board_measures_in_sql_select_what_the_figures_count(persona, measure):
    admin = persona("admin_district")
    day = selectors.today()
    in_python = {
        t.pk
        for t in selectors.topics_with_details(policies.topics_visible_to(admin))
        if selectors.MEASURES[measure][1](t, day)
    }
    in_sql = set(selectors.board(admin, selectors.BoardFilter(measure=measure)).values_list("pk", flat=True))
    assert in_sql == in_python and in_sql


def test_board_counts_and_pages_in_the_database(client_for, django_assert_max_num_queries):
    # one page of 30 cards, whatever the history: the count is a COUNT, the page a LIMIT
    client = client_for("admin_district")
    with django_assert_max_num_queries(25) as first:
        client.get("/talks/")
    with django_assert_max_num_queries(25) as later:
        client.get("/talks/?page=5")
    assert len(first.captured_queries) == len(later.captured_queries)
    assert any("COUNT(" in q["sql"].upper() for q in first.captured_queries)
    assert all(
        "LIMIT 30" in q["sql"]
        for q in first.captured_queries
        if 'FROM "talks_talktopic"' in q["sql"]
        and "COUNT(" not in q["sql"].upper()
        and "ORDER BY" in q["sql"]
    )


def test_board_marks_topics_with_overdue_tasks(client_for, persona):
    day = selectors.today()
    overdue = TalkTopic.objects.filter(
        Q(tasks__done_at__isnull=True, tasks__deadline__lt=day), status="answering"
    ).first()
    assert overdue is not None
    page = client_for("admin_district").get("/talks/", {"community": overdue.region_id}).content.decode()
    card = page[page.index(f'href="/talks/{overdue.pk}/"') - 600 : page.index(f'href="/talks/{overdue.pk}/"')]
    assert "有超期任务" in card


# --- the inbox ------------------------------------------------------------------------------------------


def test_liaisons_finished_tasks_come_a_page_at_a_time(client_for, persona):
    from community365.regions.models import Department

    housing = Department.objects.get(code="housing")
    done = TalkTask.objects.filter(department=housing, done_at__isnull=False).count()
    assert done > 20
    client = client_for("liaison_housing")
    first = client.get("/talks/tasks/").content.decode()
    listed = first[first.index('class="done-list"') :].split("</ul>")[0]
    assert listed.count("<li>") == 20 and f"1 / {(done + 19) // 20}" in first
    last = client.get(f"/talks/tasks/?page={(done + 19) // 20}").content.decode()
    assert last[last.index('class="done-list"') :].split("</ul>")[0].count("<li>") == done - 20 * (
        (done - 1) // 20
    )


def test_overdue_is_marked_in_the_inbox(client_for, answering_topic, persona):
    topic = answering_topic([("修灯", "housing", 1)])
    task = topic.tasks.get()
    TalkTask.objects.filter(pk=task.pk).update(deadline=selectors.today() - datetime.timedelta(days=1))
    page = client_for("liaison_housing").get("/talks/tasks/").content.decode()
    card = page[page.index("修灯") - 300 : page.index("修灯") + 200]
    assert "overdue-tag" in card and "超期" in card


# --- inviting co-signers --------------------------------------------------------------------------------


def test_topic_in_signature_offers_a_link_a_qr_code_and_a_poster(client_for, signing_topic):
    topic = signing_topic(3)
    for username in ("resident_001", "resident_002", "worker_huachuan"):
        page = client_for(username).get(f"/talks/{topic.pk}/").content.decode()
        assert f'value="http://testserver/talks/{topic.pk}/"' in page, username
        assert "<svg" in page and 'class="qr-code"' in page
        assert f'href="/talks/{topic.pk}/poster/"' in page
        assert (
            "style="
            not in page[page.index('id="share"') : page.index("</section>", page.index('id="share"'))]
        )


def test_poster_is_an_a4_page_with_title_threshold_deadline_and_qr(client_for, signing_topic):
    topic = signing_topic(3)
    response = client_for("resident_002").get(f"/talks/{topic.pk}/poster/")
    assert response.status_code == 200
    page = response.content.decode()
    assert topic.title in page and "需要 10 位本社区居民联署" in page and "还差 7 人" in page
    assert timezone.localtime(topic.signing_deadline).strftime("%Y") in page
    assert 'class="qr-code"' in page and f"http://testserver/talks/{topic.pk}/" in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script: CSP-safe


def test_share_and_poster_only_while_collecting_and_only_for_who_sees_it(client_for, signing_topic, persona):
    topic = signing_topic(10)
    assert client_for("resident_101").get(f"/talks/{topic.pk}/poster/").status_code == 404  # other community
    services.topic_submit(actor=persona("resident_001"), topic=topic)
    page = client_for("resident_001").get(f"/talks/{topic.pk}/").content.decode()
    assert 'id="share"' not in page and "/poster/" not in page
    assert client_for("resident_001").get(f"/talks/{topic.pk}/poster/").status_code == 404


# --- rating ---------------------------------------------------------------------------------------------


def test_rating_is_large_star_choices_with_words(client_for, answering_topic, persona):
    topic = answering_topic([("修灯", "housing", 1)])
    task = topic.tasks.get()
    services.task_claim(actor=persona("liaison_housing"), task=task)
    services.task_progress(actor=persona("liaison_housing"), task=task, status="done")
    client = client_for("resident_001")
    page = client.get(f"/talks/{topic.pk}/").content.decode()
    # the shared widget of core/rating_field.html: five large choices with words
    assert page.count('class="rating-face rating-') == 5 and 'class="rating-field"' in page
    assert re.search(r'<input type="radio" name="score" value="5" required>', page) and "很满意" in page
    client.post(f"/talks/{topic.pk}/do", {"action": "rate", "score": "4"})
    assert topic.ratings.get().score == 4


# --- hardening ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["resident_001", "resident_101"])
def test_figures_pages_export_and_api_are_not_found_for_residents(client_for, api_for, username):
    client = client_for(username)
    assert client.get("/talks/figures/").status_code == 404
    assert client.get("/talks/figures.xlsx").status_code == 404
    assert api_for(username).get("/api/v1/talks/figures").status_code == 404
    assert 'href="/talks/figures/"' not in client.get("/talks/").content.decode()


@pytest.mark.parametrize("username", ["worker_huachuan", "leader_demo", "liaison_housing", "admin_district"])
def test_figures_open_for_staff_leaders_and_liaisons(client_for, username):
    client = client_for(username)
    assert client.get("/talks/figures/").status_code == 200
    assert client.get("/talks/figures.xlsx").status_code == 200
    assert 'href="/talks/figures/"' in client.get("/talks/").content.decode()


def test_board_links_only_what_the_user_can_open(client_for):
    for username in ("resident_001", "worker_huachuan", "liaison_housing", "admin_district", "leader_demo"):
        client = client_for(username)
        page = client.get("/talks/").content.decode()
        actions = page[
            page.index('<p class="actions">') : page.index("</p>", page.index('<p class="actions">'))
        ]
        for href in re.findall(r'href="([^"]+)"', actions):
            assert client.get(href.replace("&amp;", "&")).status_code == 200, (username, href)


def test_edit_page_is_the_authors_until_the_first_signature(client_for, signing_topic):
    topic = signing_topic(0)
    assert client_for("resident_001").get(f"/talks/{topic.pk}/edit/").status_code == 200
    assert client_for("resident_002").get(f"/talks/{topic.pk}/edit/").status_code == 404
    assert client_for("worker_huachuan").get(f"/talks/{topic.pk}/edit/").status_code == 404


def test_paper_signatures_with_a_twenty_digit_id_is_refused_not_a_crash(api_for, signing_topic):
    topic = signing_topic(0)
    response = api_for("worker_huachuan").post(
        f"/api/v1/talks/topics/{topic.pk}/paper-signatures",
        f'{{"person_ids": [{HUGE}]}}',
        content_type="application/json",
    )
    assert response.status_code == 422
    assert TalkTopic.objects.get(pk=topic.pk).signature_count == 0


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", f"/api/v1/talks/topics/{HUGE}", None),
        ("get", f"/api/v1/talks/tasks/{HUGE}", None),
        ("get", f"/api/v1/talks/topics?community={HUGE}", None),
        ("post", f"/api/v1/talks/topics/{HUGE}/signatures", None),
        ("post", f"/api/v1/talks/tasks/{HUGE}/claim", None),
        ("post", "/api/v1/talks/topics/{topic}/merge", f'{{"into_id": {HUGE}}}'),
        (
            "post",
            "/api/v1/talks/topics/{topic}/schedule",
            f'{{"talk_at": "2030-01-01T09:00:00", "place": "x", "department_ids": [{HUGE}]}}',
        ),
        (
            "post",
            "/api/v1/talks/topics",
            f'{{"title": "t", "description": "d", "request": "r", "invited_leader_id": {HUGE}}}',
        ),
    ],
)
def test_api_range_checks_every_id_from_the_request(api_for, signing_topic, method, path, body):
    topic = signing_topic(0)
    client = api_for("admin_district")
    url = path.format(topic=topic.pk)
    response = (
        client.get(url)
        if method == "get"
        else client.post(url, body or "{}", content_type="application/json")
    )
    assert response.status_code in (404, 422), response.content


def test_pages_answer_not_found_for_ids_no_database_holds(client_for):
    client = client_for("admin_district")
    for url in (f"/talks/{HUGE}/", f"/talks/{HUGE}/edit/", f"/talks/{HUGE}/poster/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/talks/{HUGE}/do", {"action": "accept"}).status_code == 404
    assert client.post(f"/talks/tasks/{HUGE}/do", {"action": "claim"}).status_code == 404
    assert client.get("/talks/", {"community": HUGE, "leader": HUGE, "department": HUGE}).status_code == 200


def test_openapi_declares_the_answers_of_changed_talks_endpoints(client_for):
    schema = client_for("admin_district").get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    assert {"200", "404", "422"} <= set(paths["/api/v1/talks/figures"]["get"]["responses"])
    assert {"200", "404", "422"} <= set(paths["/api/v1/talks/topics/{topic_id}"]["get"]["responses"])
    progress = paths["/api/v1/talks/tasks/{task_id}/progress"]["post"]
    assert {"201", "404", "409", "422"} <= set(progress["responses"])


def test_the_api_list_counts_each_pages_ratings_and_signatures_as_the_topic_page_does(api_for, persona):
    """The list reads a page's ratings in one grouped query and the reader's signatures in one;
    every row agrees with the topic's own figures (its prefetched ratings, its signature rows)."""
    from community365.talks.models import TalkSignature

    signer = (
        TalkSignature.objects.filter(withdrawn_at__isnull=True, person__user__isnull=False)
        .values_list("person__user__username", flat=True)
        .first()
    )
    assert signer, "the demo's residents co-sign topics"
    for username in ("admin_district", signer):
        user = persona(username)
        offset, seen_rated, seen_signed = 0, 0, 0
        while True:
            body = api_for(username).get(f"/api/v1/talks/topics?limit=50&offset={offset}").json()
            items = body["items"]
            if not items:
                break
            ids = [i["id"] for i in items]
            topics = {t.pk: t for t in selectors.topics_with_details(TalkTopic.objects.filter(pk__in=ids))}
            signed = set(
                TalkSignature.objects.filter(
                    person__user=user, topic_id__in=ids, withdrawn_at__isnull=True
                ).values_list("topic_id", flat=True)
            )
            for item in items:
                assert (item["satisfaction"], item["ratings"]) == selectors.satisfaction(topics[item["id"]])
                assert item["signed_by_me"] == (item["id"] in signed)
                seen_rated += item["ratings"] > 0
                seen_signed += item["signed_by_me"]
            offset += 50
        assert seen_rated, "some listed topics are rated"
        if username == signer:
            assert seen_signed, "the resident co-signed some listed topics"
