"""The OpenAPI document is the truth: schemathesis 4 runs the whole document against the app,
in-process, with a district admin's token and again with a resident's, and every check it has
(server errors, schema conformance of every answer, undocumented status codes, content types,
headers, negative data rejected, positive data accepted, auth not ignored, …) must pass; the
document itself must hold no invalid schema object.

Bounded and deterministic: a fixed seed, ``EXAMPLES`` generated requests per operation and mode
(schema-valid and schema-invalid), hypothesis' example database off, and a time ``BUDGET`` per
persona (on a slow machine the operations past it are left out, and the run says so;
``APIFUZZ_EXAMPLES=12 APIFUZZ_BUDGET=900`` for a thorough run — it passes too). Two operations are left out,
each for a reason: ``DELETE /auth/token`` revokes the very token the run uses, and ``POST
/auth/token`` would lock the demo accounts it guesses passwords for (both have their own tests in
``people/tests/test_auth_security.py``).
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import time
from typing import Any

import hypothesis
import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.core.failures import Failure, FailureGroup

pytestmark = [pytest.mark.django_db, pytest.mark.apifuzz]

SEED = 365
EXAMPLES = int(os.environ.get("APIFUZZ_EXAMPLES", "3"))
# Seconds per persona: operations not reached by then are left for the next run (said in the
# output); keeps the two runs within the 90 s the suite allows even on a busy machine.
BUDGET = float(os.environ.get("APIFUZZ_BUDGET", "40"))
LEFT_OUT = {"DELETE /api/v1/auth/token", "POST /api/v1/auth/token"}


def load_schema() -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            # A schema-valid request may still be refused by a rule of the domain, with a reason:
            # 409 (taken already) or 422 not_allowed / invalid_transition (docs/api.md). A 422
            # invalid_input is held to ``BEYOND_THE_SCHEMA`` by ``_refused``.
            "checks": {
                "positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}
            },
        }
    )
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=config)


def fuzz(headers: dict[str, str], examples: int = EXAMPLES, budget: float = BUDGET) -> list[str]:
    """Every operation × (positive, negative) mode, ``examples`` requests each; the distinct
    failures as "<operation>: <check title> — <first line of its message>"."""
    schema = load_schema()
    found: set[str] = set()
    ends = time.monotonic() + budget
    untested = []
    for result in schema.get_all_operations():
        if time.monotonic() > ends:
            untested.append(result)
            continue
        try:
            operation = result.ok()
        except Exception as exc:  # an invalid schema object: the document is not the truth
            found.add(f"invalid schema object: {exc}")
            continue
        if operation.label in LEFT_OUT:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _run(operation, mode, headers, examples, found)
    if untested:
        print(f"apifuzz: time budget spent, {len(untested)} operations left untested")  # noqa: T201
    return sorted(found)


def _run(operation: Any, mode: Any, headers: dict[str, str], examples: int, found: set[str]) -> None:
    @hypothesis.seed(SEED)
    @hypothesis.settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    def check(case: Any) -> None:
        try:
            _validator_refused.clear()
            response = case.call(headers=headers)
            if mode == GenerationMode.POSITIVE and response.status_code == 422:
                _refused(operation, response, found)
            case.validate_response(response, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                found.add(_describe(operation, failure))
        except Failure as failure:
            found.add(_describe(operation, failure))

    # Unsatisfiable: no request of this mode exists for the operation (nothing to make invalid).
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        check()


# Rules of the input that JSON Schema cannot state, so a schema-valid request may still meet
# them (422 invalid_input from a service): each is a relation between two fields, to today, to
# another record, or to the text's content. Any other schema-valid request refused as invalid
# input fails the run: its rule belongs in the document (a length, range, enum, pattern).
BEYOND_THE_SCHEMA = {
    # benchmarking: a manual indicator's own range, set by the district per indicator; URL and
    # whitespace rules the pattern cannot state in full
    "数值不能小于 *。": "the indicator's range (its min_value), set per indicator",
    "数值不能大于 *。": "the indicator's range (its max_value), set per indicator",
    "“*”不是有效的网址*": "a URL the validator refuses (host, port) though it matches the pattern",
    "请写明佐证*": "evidence that is only blanks",
    "请写明退回理由*": "a reason that is only blanks",
    # content of public text (normalised NFKC, Chinese numerals …: people.identity)
    "公开内容里不能写手机号码，认领人会通过平台联系。": "a phone number, however disguised",
    "公开内容里不能写身份证号码。": "an ID-card number, however disguised",
    # relative to today
    "约谈时间不能早于今天。": "the talk's time is relative to today",
    "希望实现日期不能早于今天。": "the wanted-by date is relative to today",
    "完成期限不能早于约谈日期。": "a commitment's deadline against the talk's date",
    # between two fields
    "开始月份晚于结束月份。": "from after to",
    "时间段须在一年以内，且结束不早于开始。": "start, end and their distance",
    "一次活动最长 24 小时。": "ends_at against starts_at",
    "结束时间须晚于开始时间。": "ends_at against starts_at",
    # another record: what kind of place, person or department an id names
    "您的账号没有关联居民档案，请由社区社工代为登记。": "the caller's own resident record",
    "公益集市由区或街道举办。": "region_id names a district or subdistrict",
    "请选择本区另一个点题。": "into_id names another topic of the district",
    "没有这个部门。": "department_id names a department",
    "不能与自己合并。": "into names another request than the one in the path",
    "请选择转交给一位社工或一个部门。": "a transfer names a social worker or a department",
    # the desk's hot spots and request tasks (deskflow)
    "没有找到该居民。": "person_id names a resident the caller can see",
    "没有这支队伍。": "team_id names a team",
    "请选择一位社工、一支志愿队伍或一个部门（只选一个）。": "exactly one of worker_id, team_id, department_id",
    "只能分给本社区的社工。": "worker_id names a social worker of the request's community",
    "只能分给本社区或上级区域的志愿队伍。": "team_id names a team of the community or above",
    "只能分给本区的部门。": "department_id names a department of the district",
    "请写明任务内容。": "a task's text of spaces only",
    "请写明完成情况。": "a note of spaces only",
    "时间段最长 24 个月。": "month_from and month_to at most 24 months apart",
    "没有这个地点。": "place / stairwell_id names an existing place",
    "亮灯档案只能建在楼道。": "stairwell_id names a stairwell",
    "须指派给本区职能部门。": "department_id names a department of the district",
    "到场部门须为本区职能部门。": "department_ids name departments of the district",
    "牵头部门须为本区职能部门。": "lead_department_id names a department of the district",
    "请选择牵头的区领导。": "leader_id names a district leader",
    "请选择一位区领导。": "invited_leader_id names a district leader",
    "请选择一个本区职能部门。": "invited_department_id names a department of the district",
    "名单中有不存在的居民。": "person_ids name residents the caller can see",
    "开始时间已经过去。": "starts_at relative to now",
    "结束日期不能早于开始日期。": "end against start",
    "一次最多排一年。": "end against start",
    "复制到的日期须在本周之后。": "until against week",
    "未完成的任务，进度须在 0–99 之间。": "percent against status",
    "不通过时请写明原因。": "note against approve",
    "此项不能为空。": "custom_label against slot",
    "不能和自己换班。": "taker against the caller",
    # another record (continued)
    "该社工不在本社区。": "worker names a social worker of the community",
    "接班人须是本社区的社工。": "taker names a social worker of the community",
    "* 不是本社区的社工。": "worker names a social worker of the community",
    "排班模板中有人不是本社区的社工。": "pattern's workers are the community's social workers",
    "换回的班次须是对方在本社区的班次。": "other_shift names a shift of the taker",
    "值班表只能建在社区或合作社。": "community_id names a community or cooperative",
    "该志愿者没有报名成功这个活动。": "volunteer names a volunteer signed up for the activity",
    "没有这位社工。": "worker_id names a social worker of the request's community",
    "没有这项服务。": "item_id names a catalogue item offered where the request is made",
    "只能为自己担任书记的单位申报书记项目。": "unit_id names a unit the caller is secretary of",
    # the record's state (the window for corrections, the percent so far, the shifts there are)
    "超过期限的更正须写明原因。": "a late correction needs a note",
    "进度将从 *": "a lower percent needs a reason",
    "这一周还没有班次，无法复制。": "the week to copy has shifts",
    "签退时间须晚于签到时间。": "check-out after check-in",
    # supervision: the notice's own items and communities; text counted after spaces collapse
    "这一项不属于本通报。": "item_id names an item of the notice",
    "这份通报没有下发给这个社区。": "community_id names a community the notice was sent to",
    "链接须以 http:// 或 https:// 开头。": "link is empty or an http(s) address",
    "内容长度须为 *": "text is counted after runs of spaces collapse (blank text is empty)",
}
_validator_refused: list[bool] = []


def _refused(operation: Any, response: Any, found: set[str]) -> None:
    """A request the document calls valid, refused as invalid input. By the validator of the
    request's shape: the document and the code disagree — always a failure. By a service: a
    failure unless its rule is one JSON Schema cannot state (``BEYOND_THE_SCHEMA``)."""
    body = response.json()
    if body.get("code") != "invalid_input":
        return  # not_allowed / invalid_transition: a rule of state or permission, with a reason
    fields = ", ".join(sorted({e.get("field") or "" for e in body.get("errors", [])}))
    if _validator_refused:
        found.add(f"{operation.label}: schema-valid request refused by the validator — {fields}")
    elif not any(fnmatch.fnmatchcase(body.get("message", ""), rule) for rule in BEYOND_THE_SCHEMA):
        found.add(
            f"{operation.label}: schema-valid request refused as invalid input — {fields}: {body.get('message')}"
        )


def _describe(operation: Any, failure: Failure) -> str:
    message = (failure.message or "").strip().splitlines()
    return f"{operation.label}: {failure.title} — {message[0] if message else ''}"[:300]


@pytest.fixture
def in_process():
    """The WSGI handler closes the database connection after each request; inside a test that
    would end the test's transaction (Django's test client does the same as this). And the
    request validator's refusals are told apart from the services' (``_refused``)."""
    from ninja.errors import ValidationError

    from config.api import api

    handlers = api._exception_handlers
    validation_error = handlers[ValidationError]

    def noting(request: Any, exc: Exception) -> Any:
        _validator_refused.append(True)
        return validation_error(request, exc)

    handlers[ValidationError] = noting
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    handlers[ValidationError] = validation_error


def _token(persona: Any, username: str) -> dict[str, str]:
    from community365.people.services import token_issue

    token, _record = token_issue(actor=persona(username))
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("username", ["admin_district", "resident_huachuan"])
def test_the_openapi_document_is_the_truth(in_process, persona, username):
    failures = fuzz(_token(persona, username))
    assert not failures, f"{len(failures)} failures:\n" + "\n".join(failures)


def test_schema_names_are_unique():
    """Two input/output classes of one name in two apps would share one entry of the document
    (the rota's ``PublishIn`` documented the wishes' publish)."""
    import importlib

    from ninja import Schema

    for app in ("people", "regions", "audit", "wishes", "teams", "talks"):
        importlib.import_module(f"community365.{app}.api")
    seen: dict[str, str] = {}
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if not cls.__module__.startswith("community365."):
            continue
        where = f"{cls.__module__}.{cls.__qualname__}"
        assert seen.setdefault(cls.__name__, where) == where, f"{where} and {seen[cls.__name__]}"


def test_every_operation_declares_its_error_answers(client):
    document = client.get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            if operation.get("security"):
                assert "401" in answers, f"{method} {path}"
            if operation.get("requestBody"):
                assert {"400", "413", "422"} <= answers.keys(), f"{method} {path}"
            if method != "get" or operation.get("parameters"):
                assert {"404", "422"} <= answers.keys(), f"{method} {path}"


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/api/v1/wishes/99999999999999999999", None),
        ("get", "/api/v1/wishes?community=99999999999999999999", None),
        ("post", "/api/v1/talks/topics/1/paper-signatures", {"person_ids": [99999999999999999999]}),
        (
            "post",
            "/api/v1/wishes",
            {"person_id": 99999999999999999999, "title": "t", "category": "convenience"},
        ),
    ],
)
def test_a_twenty_digit_id_is_refused_at_the_edge(api_for, method, path, body):
    client = api_for("admin_district")
    if body is None:
        response = getattr(client, method)(path)
    else:
        response = getattr(client, method)(path, body, content_type="application/json")
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_input"
