"""The home page's to-do block: each count opens a list showing exactly that many rows; a
resident's first steps are big buttons and their home shows no place tree or internal codes."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from community365.core import todos
from conftest import PERSONA_NAMES

pytestmark = pytest.mark.django_db

TODO = re.compile(r'<a href="([^"]+)" class="todo[^"]*" data-todo="([^"]+)" data-todo-count="(\d+)"')
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "col", "area", "base", "wbr"}


class RowCounter(HTMLParser):
    """Counts elements with a data-row attribute, inside the element with ``scope`` as id (or
    anywhere when scope is empty); also remembers the rel="next" link of a pager."""

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope
        self.depth = 0 if scope else 1
        self.rows = 0
        self.next_url = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "a" and names.get("rel") == "next":
            self.next_url = (names.get("href") or "").replace("&amp;", "&")
        if tag in VOID:
            return
        if self.scope and self.depth == 0 and names.get("id") == self.scope:
            self.depth = 1
            return
        if self.depth:
            if self.scope:
                self.depth += 1
            if "data-row" in names:
                self.rows += 1

    def handle_endtag(self, tag: str) -> None:
        if self.scope and self.depth and tag not in VOID:
            self.depth -= 1


def rows_behind(client, url: str) -> int:
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    total, pages = 0, 0
    while path and pages < 20:
        response = client.get(path)
        assert response.status_code == 200, path
        counter = RowCounter(parts.fragment)
        counter.feed(response.content.decode())
        total += counter.rows
        pages += 1
        path = (parts.path + counter.next_url) if counter.next_url.startswith("?") else counter.next_url
    return total


EXPECTED = {
    "worker_huachuan": {"wishes.review"},
    "admin_district": {"talks.decide", "talks.schedule", "talks.late"},
    "liaison_housing": {"talks.claim", "talks.overdue"},
    "secretary_huachuan": {"teams.rota_holes", "wishes.review"},
    "resident_huachuan": {"wishes.confirm", "talks.sign"},
    "volunteer_demo": {"teams.next_activities"},
    "member_demo": {"teams.next_activities"},
    "leader_demo": {"talks.hold"},
}


@pytest.mark.parametrize("username", PERSONA_NAMES)
def test_each_count_equals_the_rows_of_the_list_it_opens(client_for, username):
    client = client_for(username)
    html = client.get("/").content.decode()
    found = TODO.findall(html)
    assert EXPECTED.get(username, set()) <= {key for _url, key, _n in found}
    for url, key, count in found:
        url = url.replace("&amp;", "&")
        assert rows_behind(client, url) == int(count), f"{username} {key} {url}"


def item(user, key):
    return next(c for c in todos.todos_for(user).counts if c.key == key)


def test_wishes_to_confirm_follow_the_data_and_the_list_shows_only_those(client_for, persona):
    from community365.wishes.models import Wish, WishStatus

    user = persona("resident_huachuan")
    before = item(user, "wishes.confirm").count
    # given one delivered wish and one published wish of this resident
    delivered = Wish.objects.filter(status=WishStatus.DELIVERED).first()
    published = Wish.objects.filter(status=WishStatus.PUBLISHED).first()
    assert delivered is not None and published is not None
    Wish.objects.filter(pk__in=[delivered.pk, published.pk]).update(wisher=user.person)
    # then only the delivered one waits for confirmation, and its list shows just that one
    todo = item(persona("resident_huachuan"), "wishes.confirm")
    assert todo.count == before + 1
    assert rows_behind(client_for("resident_huachuan"), todo.url) == todo.count


def test_topics_awaiting_signature_leave_out_those_signed(client_for, persona):
    from community365.talks.models import TalkTopic, TopicStatus
    from community365.talks.services import topic_sign

    user = persona("resident_huachuan")
    todo = item(user, "talks.sign")
    assert todo.count >= 1
    topic = TalkTopic.objects.filter(status=TopicStatus.SIGNING, region=user.person.community).first()
    # when the resident co-signs one of them
    topic_sign(actor=user, topic=topic)
    after = item(persona("resident_huachuan"), "talks.sign")
    assert after.count == todo.count - 1
    assert rows_behind(client_for("resident_huachuan"), after.url) == after.count


def test_overdue_tasks_count_only_the_overdue_ones(client_for, persona):
    import datetime

    from community365.talks import policies
    from community365.talks.models import TalkTask

    user = persona("liaison_housing")
    departments = policies.liaison_departments(user)
    mine = TalkTask.objects.filter(department_id__in=departments)
    # given at least two tasks the department carries (re-open a finished one if needed)
    if mine.filter(done_at__isnull=True).count() < 2:
        done = mine.filter(done_at__isnull=False).values_list("pk", flat=True)[:1]
        TalkTask.objects.filter(pk__in=list(done)).update(done_at=None)
    carrying = mine.filter(done_at__isnull=True).order_by("id")
    assert carrying.count() >= 2
    # one of them overdue and the rest due in a month
    today = datetime.date.today()
    carrying.update(deadline=today + datetime.timedelta(days=30))
    TalkTask.objects.filter(pk=carrying.first().pk).update(deadline=today - datetime.timedelta(days=3))
    todo = item(persona("liaison_housing"), "talks.overdue")
    assert todo.count == 1
    assert rows_behind(client_for("liaison_housing"), todo.url) == 1


def test_resident_home_starts_with_big_buttons_and_shows_no_work_lists(client_for):
    html = client_for("resident_huachuan").get("/").content.decode()
    main = html.split("<main", 1)[1]
    assert 'data-action="wishes.new"' in main and 'data-action="talks.new"' in main
    assert main.index("big-action") < main.index('class="todos"')
    assert "户（已登记）" not in main and "/regions/" not in main
    assert not re.search(r"\b[A-Z]{2}-[A-Z]{2}-\d{2}\b", main)  # internal codes like JD-BZ-01


def test_official_home_keeps_the_place_tree(client_for):
    html = client_for("worker_huachuan").get("/").content.decode()
    assert "户（已登记）" in html and 'data-action="wishes.new"' not in html


def test_home_query_count_does_not_grow_with_the_menu(client_for, django_assert_max_num_queries):
    client = client_for("admin_district")
    client.get("/")
    # session + user + grants + roles + places + unread + one per to-do count, and no more
    # (21: supervision's count of replies and objections to decide)
    with django_assert_max_num_queries(21):
        client.get("/")
