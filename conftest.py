"""Shared fixtures. The demo district is built once per test session (through the services,
as `seed_demo` does) and every test runs inside a transaction that is rolled back, so tests
see the same district and cannot disturb each other."""

from __future__ import annotations

import os

import pytest
from django.conf import settings
from django.test import Client

from community365.demo.generator import PERSONAS, build_demo

PERSONA_NAMES = [p.username for p in PERSONAS]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from tests import demo_snapshot, ids

    with django_db_blocker.unblock():
        if not demo_snapshot.is_present():
            ids.spread()
        build_demo()
        demo_snapshot.take()
        demo_snapshot.restore_instead_of_flush()
    yield
    demo_snapshot.discard()


def pytest_configure(config: pytest.Config) -> None:
    """``C365_TEST_CLOCK=2027-01-01T00:30+08:00`` runs the whole suite on that day, the clock
    moving on from there: the calendar check (``make test-calendar``, docs/architecture.md) for
    rules and tests that hold on an ordinary afternoon and break in early January, on the last
    day of a month, or when a run crosses midnight. Started before the test modules are
    imported, so module-level dates are read on the travelled clock too."""
    moment = os.environ.get("C365_TEST_CLOCK", "").strip()
    if moment:
        import datetime

        import time_machine

        config.stash[_CLOCK] = time_machine.travel(datetime.datetime.fromisoformat(moment), tick=True)
        config.stash[_CLOCK].start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _CLOCK in config.stash:
        config.stash[_CLOCK].stop()


_CLOCK = pytest.StashKey["object"]()
_AFTER_TRANSACTIONAL = pytest.StashKey[bool]()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The walkers and browser tests of ``tests/`` (each a minute or more) run first, so that the
    workers share them out instead of one worker finishing them alone at the end."""
    items.sort(key=lambda item: 0 if item.nodeid.startswith("tests/") else 1)


def _is_transactional(item: pytest.Item) -> bool:
    """A transactional test (live server, threads, ``django_db(transaction=True)``) commits what
    it writes; when it ends the demo is copied back over it (``demo_snapshot``)."""
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Every test starts with the demo district in place, whatever ran before it in this process
    (the order differs from run to run: the suite is shared out between workers). A
    transactional test puts the demo back when it ends; should that have failed, it is put back
    here, before the next test's fixtures open their transaction (one indexed lookup to check)."""
    if not item.config.stash.get(_AFTER_TRANSACTIONAL, False):
        return
    from pytest_django.plugin import blocking_manager_key

    from tests import demo_snapshot

    with item.config.stash[blocking_manager_key].unblock():
        demo_snapshot.ensure()
    item.config.stash[_AFTER_TRANSACTIONAL] = False


def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> None:
    if _is_transactional(item):
        item.config.stash[_AFTER_TRANSACTIONAL] = True


@pytest.fixture
def demo_world(django_db_blocker):
    """The demo district, put back from the session's snapshot if it is not in place (copied, not
    rebuilt: see ``tests/demo_snapshot.py``)."""
    from tests import demo_snapshot

    with django_db_blocker.unblock():
        demo_snapshot.ensure()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language: a request in English activates English for the
    thread (as the middleware does for every request), and must not leak into the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def demo_password() -> str:
    return settings.DEMO_PASSWORD


@pytest.fixture
def persona(db):
    """persona("worker_huangli") → the demo user."""
    from community365.people.models import User

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def new_account(db):
    """new_account("name", role=…, place=…) → a new account of the demo district (its id past the
    demo's), holding that role at that place if one is given, made through the services and read
    afresh from the database (a user object keeps its permission facts once read)."""
    from community365.core.actors import SystemActor
    from community365.people import services as people
    from community365.people.models import User
    from community365.regions.models import Region

    system = SystemActor("tests")

    def make(username: str, *, role: str = "", place=None, department=None, district=None) -> User:
        if district is None and place is not None:
            district = place if place.kind == "district" else Region.objects.get(pk=place.district_id)
        if district is None:
            district = Region.objects.filter(kind="district").order_by("pk").first()
        user = people.user_create(
            actor=system, username=username, password=None, display_name=username, district=district
        )
        if role:
            people.role_grant(
                actor=system, user=user, role=role, region=place or district, department=department
            )
        return User.objects.get(pk=user.pk)

    return make


@pytest.fixture
def revoke_roles(db, persona):
    """revoke_roles(user) → the same account read afresh, every role it held revoked through the
    services by the district admin (a social worker moved away, a cadre who left)."""
    from community365.people import services as people
    from community365.people.models import RoleAssignment, User

    def revoke(user: User) -> User:
        admin = persona("admin_district")
        for assignment in RoleAssignment.objects.filter(user=user, revoked_at__isnull=True):
            people.role_revoke(actor=admin, assignment=assignment)
        return User.objects.get(pk=user.pk)

    return revoke


@pytest.fixture
def blind_check(monkeypatch):
    """blind_check(Model) → from now on in the test, ``.exists()`` on that model's rows answers
    False and ``.first()`` None: a service's check reads as a request did that read just before
    another request's insert committed. What is left to refuse the second insert is the
    database's constraint (the race paths, ``except IntegrityError``)."""
    from django.db.models.query import QuerySet

    blinded: set[type] = set()
    real_exists, real_first = QuerySet.exists, QuerySet.first

    def exists(self: QuerySet) -> bool:
        return False if self.model in blinded else real_exists(self)

    def first(self: QuerySet):
        return None if self.model in blinded else real_first(self)

    monkeypatch.setattr(QuerySet, "exists", exists)
    monkeypatch.setattr(QuerySet, "first", first)
    return blinded.add


@pytest.fixture
def blind_update(monkeypatch):
    """blind_update(Model) → from now on in the test, a queryset ``.update()`` of that model's
    rows changes nothing and answers 0: a conditional UPDATE ran before another request's
    insert committed and could not see its row. blind_update(Model, times=1) blinds the next
    update only (one row of a batch that another request moved on first)."""
    from django.db.models.query import QuerySet

    blinded: dict[type, float] = {}  # model → updates left to blind
    real_update = QuerySet.update

    def update(self: QuerySet, **kwargs):
        if blinded.get(self.model, 0) > 0:
            blinded[self.model] -= 1
            return 0
        return real_update(self, **kwargs)

    def blind(model: type, times: int | None = None) -> None:
        blinded[model] = float("inf") if times is None else times

    monkeypatch.setattr(QuerySet, "update", update)
    return blind


@pytest.fixture
def other_district(db):
    """other_district("before" | "after") → a new district numbered before every region of the
    demo or after them all: a rule that compares district ids (``!=`` planted as ``<`` or ``>``)
    must refuse both."""
    from community365.core.actors import SystemActor
    from community365.regions import services as regions
    from community365.regions.models import Region, RegionKind

    def make(numbered: str) -> Region:
        district = regions.region_create(
            actor=SystemActor("tests"),
            parent=None,
            kind=RegionKind.DISTRICT,
            name=f"测试区{Region.objects.count()}",
            code=f"OD{Region.objects.count()}",
        )
        if numbered == "before":
            lowest = Region.objects.order_by("pk").values_list("pk", flat=True).first()
            assert lowest > 1, "no id is free before the demo's regions"
            Region.objects.filter(pk=district.pk).update(id=lowest - 1, district_id=lowest - 1)
            return Region.objects.get(pk=lowest - 1)
        assert numbered == "after"
        return district

    return make


@pytest.fixture
def client_for(db, persona):
    """client_for("worker_huangli") → a page client signed in as that persona."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(persona(username))
        return client

    return make


@pytest.fixture
def api_for(db, persona):
    """api_for("worker_huangli") → a client whose requests carry a bearer token of that persona."""
    from community365.people.services import token_issue

    def make(username: str) -> Client:
        token, _record = token_issue(actor=persona(username))
        return Client(headers={"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def region(db):
    """region("黄鹂社区") → the demo region of that name."""
    from community365.regions.models import Region

    def get(name: str) -> Region:
        return Region.objects.get(name=name)

    return get


CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright (never a downloaded browser)."""
    import os

    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop; Django must allow ORM calls from the test.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def live_demo(live_server, demo_world):
    """The live server with the demo district in place."""
    return live_server


def _sign_in(page, base: str, username: str, password: str):
    """Sign a Playwright page in through the login form and wait for the home page."""
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    return page


@pytest.fixture
def login_page(browser, live_demo, demo_password):
    """login_page("worker_huangli") → a Playwright page signed in as that persona."""
    contexts = []

    def make(username: str):
        context = browser.new_context(locale="zh-CN", viewport={"width": 412, "height": 900})
        contexts.append(context)
        page = context.new_page()
        return _sign_in(page, live_demo.url, username, demo_password)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(browser, live_demo, demo_password):
    """phone_page("resident_huachuan") → a signed-in page on a 390×844 phone; every Content-
    Security-Policy violation it meets is collected in ``page.csp_violations``."""
    contexts = []

    def make(username: str, *, width: int = 390, height: int = 844, language: str = "zh-hans"):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_demo.url}]
        )
        # Runs before any page script (and is not itself subject to the page's policy).
        context.add_init_script(
            "window.__csp = [];"
            "document.addEventListener('securitypolicyviolation', e => window.__csp.push("
            "e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' @' + e.sourceFile + ':' + e.lineNumber));"
        )
        contexts.append(context)
        page = context.new_page()
        page.csp_violations = []
        page.on(
            "console",
            lambda msg: (
                page.csp_violations.append(f"{page.url}: {msg.text}")
                if "Content Security Policy" in msg.text
                else None
            ),
        )
        return _sign_in(page, live_demo.url, username, demo_password)

    yield make
    for context in contexts:
        context.close()
