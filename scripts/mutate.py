#!/usr/bin/env python3
"""Mutation testing of the rules (`make mutate`): cosmic-ray over the policies and services of
every app, one module at a time, each with only the tests that exercise it.

Why this shape:
- cosmic-ray mutates the file on disk, so it works on a copy of the project (var/mutate/tree):
  editing or committing in the work tree while it runs can never pick up a mutant.
- Each mutant costs one pytest run. The demo district takes a minute to build, so the runs share
  one SQLite test database that pytest-django keeps (--reuse-db, config.settings.mutate); the
  concurrency and browser tests are left out (they flush the database) — the concurrency
  guards are covered by their own direct tests, which do run here.
- A target may name the functions to mutate (the claim, signature, capacity, state-transition
  and permission rules first); the other mutants of the module are marked skipped.

Usage:
  scripts/mutate.py --list                 the targets, in priority order
  scripts/mutate.py [TARGET ...]           run these targets (default: all), resuming sessions
  scripts/mutate.py --report               write var/mutate/report.md (the survivors, per target)
  scripts/mutate.py --fresh TARGET         forget a target's session and start it again
  scripts/mutate.py --retry TARGET         run a target's survivors again (after adding tests)
  scripts/mutate.py --lane 2 TARGET        beside a running invocation (a second core)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "mutate"
# A lane is a copy of the project and a test database of its own, so that two targets can run
# at once (one per core, `--lane 2`); the sessions and the report are shared.
LANE = ""
TREE = WORK / "tree"
VENV_BIN = Path(sys.executable).parent
COPY = [
    "community365",
    "config",
    "templates",
    "tests",
    "locale",
    "static",
    "conftest.py",
    "manage.py",
    "pyproject.toml",
]
PYTEST = (
    f"{VENV_BIN / 'python'} -m pytest -x -q -p no:cacheprovider --ds=config.settings.mutate --reuse-db"
    ' -m "not browser and not concurrency"'
)


@dataclass(frozen=True)
class Target:
    name: str
    module: str
    tests: list[str]
    # empty: every function of the module; RULES: the functions that refuse (see rule_functions)
    definitions: list[str] = field(default_factory=list)
    # with RULES: functions left out (validation and arithmetic around a check kept elsewhere)
    leave: list[str] = field(default_factory=list)
    timeout: int = 600
    # tests left out of the per-mutant run because they only render pages for every persona
    # (slow, and they exercise no rule the selected tests do not)
    exclude: str = ""


W, T, TM, P, R, A = (
    "community365/wishes",
    "community365/talks",
    "community365/teams",
    "community365/people",
    "community365/regions",
    "community365/audit",
)
PAGES = "not every_persona and not pages_open"
RULES = ["@rules"]
LEAVE = {
    "desk": [
        "_create",
        "request_assist",
        "request_from_hotline",
        "catalogue_item_save",
        "calendar_day_set",
        "calendar_range_set",
        "grid_worker_set",
        "open311_client_issue",
        "hot_spot_propose",
    ],
}
REFUSALS = {"NotAllowed", "InvalidTransition", "Conflict"}


def rule_functions(path: Path) -> list[str]:
    """The module's rules: its top-level functions that refuse a person (raise NotAllowed), a
    state change (InvalidTransition) or a lost race or full place (Conflict), or that ask the
    app's policies or ``permissions.require*`` whether the actor may act. Validation helpers
    that only raise InvalidInput are left out: they are the edge, not the rules."""
    import ast

    found = []
    for node in ast.parse(path.read_text()).body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for n in ast.walk(node):
            if isinstance(n, ast.Raise) and n.exc is not None:
                raised = n.exc.func if isinstance(n.exc, ast.Call) else n.exc
                name = raised.id if isinstance(raised, ast.Name) else getattr(raised, "attr", "")
                if name in REFUSALS:
                    found.append(node.name)
                    break
            if (
                isinstance(n, ast.Call)
                and isinstance(n.func, ast.Attribute)
                and isinstance(n.func.value, ast.Name)
                and (
                    n.func.value.id == "policies"
                    or (n.func.value.id == "permissions" and n.func.attr.startswith("require"))
                )
            ):
                found.append(node.name)
                break
    return found


TARGETS = [
    # claim, signature, capacity and permission rules first
    Target(
        "wishes-policies",
        f"{W}/policies.py",
        [f"{W}/tests/test_rules.py", f"{W}/tests/test_photos.py", f"{W}/tests/test_permissions.py"],
        exclude=PAGES,
    ),
    Target(
        "wishes-claim",
        f"{W}/services.py",
        [f"{W}/tests/test_rules.py", f"{W}/tests/test_permissions.py", f"{W}/tests/test_lifecycle.py"],
        ["wish_claim"],
        exclude=PAGES,
    ),
    Target(
        "talks-signatures",
        f"{T}/services/signatures.py",
        [f"{T}/tests/test_signatures.py", f"{T}/tests/test_db_guards.py"],
        ["topic_sign", "_add_signatures", "topic_sign_on_paper", "_check_signable", "signature_withdraw"],
    ),
    Target(
        "teams-rota",
        f"{TM}/services/rota.py",
        [f"{TM}/tests/test_rota.py"],
        ["roster_publish", "_require_rota_manager"],
    ),
    Target(
        "teams-signup",
        f"{TM}/services/alliance.py",
        [f"{TM}/tests/test_signup.py", f"{TM}/tests/test_db_guards.py", f"{TM}/tests/test_signup_race.py"],
        ["signup_create", "_already_signed_up"],
    ),
    Target(
        "teams-hours",
        f"{TM}/services/hours.py",
        [f"{TM}/tests/test_hours.py", f"{TM}/tests/test_api_hours.py"],
        ["_window_role", "_not_own", "record_verify"],
    ),
    Target("talks-policies", f"{T}/policies.py", [f"{T}/tests"], exclude=PAGES),
    Target("teams-policies", f"{TM}/policies.py", [f"{TM}/tests"], exclude=PAGES),
    Target(
        "wishes-transitions",
        f"{W}/services.py",
        [
            f"{W}/tests/test_lifecycle.py",
            f"{W}/tests/test_rules.py",
            f"{W}/tests/test_edit_returned.py",
            f"{W}/tests/test_transition_edges.py",
        ],
        [
            "_move",
            "wish_edit",
            "wish_submit",
            "wish_approve",
            "wish_return",
            "wish_reject",
            "wish_publish",
            "wish_withdraw",
            "wish_fulfil",
            "wish_confirm",
        ],
    ),
    Target(
        "talks-tasks",
        f"{T}/services/tasks.py",
        [
            f"{T}/tests/test_tasks.py",
            f"{T}/tests/test_task_edges.py",
            f"{T}/tests/test_progress_edges.py",
            f"{T}/tests/test_db_guards.py",
        ],
    ),
    Target("talks-topics", f"{T}/services/topics.py", [f"{T}/tests"], exclude=PAGES),
    Target("teams-alliance", f"{TM}/services/alliance.py", [f"{TM}/tests"], exclude=PAGES),
    Target("teams-party", f"{TM}/services/party.py", [f"{TM}/tests"], exclude=PAGES),
    # the resident list's narrowing is checked by the history-size tests (its SQL's shape)
    Target(
        "people-policies", f"{P}/policies.py", [f"{P}/tests", "tests/test_history_size.py"], exclude=PAGES
    ),
    Target("people-services", f"{P}/services.py", [f"{P}/tests"], exclude=PAGES),
    Target("regions-policies", f"{R}/policies.py", [f"{R}/tests"]),
    # the bulk paths (seed_demo --full, imports) are tested beside the demo that uses them
    Target(
        "regions-services", f"{R}/services.py", [f"{R}/tests", "community365/demo/tests/test_bulk_paths.py"]
    ),
    Target("audit-policies", f"{A}/policies.py", [f"{A}/tests"]),
    Target("audit-services", f"{A}/services.py", [f"{A}/tests"]),
    Target(
        "wishes-markets",
        f"{W}/services.py",
        [f"{W}/tests/test_market.py", f"{W}/tests/test_market_rules.py"],
        ["market_*", "_open_market"],
    ),
    # the six services' desk, the cases and the five mechanisms: who may see and act
    Target("desk-policies", "community365/desk/policies.py", ["community365/desk/tests"], exclude=PAGES),
    Target("cases-policies", "community365/cases/policies.py", ["community365/cases/tests"], exclude=PAGES),
    Target(
        "mechanisms-policies",
        "community365/mechanisms/policies.py",
        ["community365/mechanisms/tests"],
        exclude=PAGES,
    ),
    # the apps built after them: who may see and act
    *[
        Target(
            f"{app}-policies", f"community365/{app}/policies.py", [f"community365/{app}/tests"], exclude=PAGES
        )
        for app in ("zones", "pairing", "emergency", "supervision", "benchmarking")
    ],
    # the services' rules of the apps built after the first three (RULES: the functions that
    # refuse or ask a policy). Left out of the desk: intake and keeping functions whose check is a
    # helper kept here (_check_catalogue_edit, _check_calendar_day) or whose mutants are almost
    # all validation of free text and dates (a minute's run buys ~5 mutants on two cores).
    *[
        Target(
            f"{app}-rules",
            f"community365/{app}/services.py",
            [f"community365/{app}/tests"],
            RULES,
            leave=LEAVE.get(app, []),
            exclude=PAGES,
        )
        for app in (
            "desk",
            "cases",
            "mechanisms",
            "zones",
            "pairing",
            "emergency",
            "supervision",
            "benchmarking",
        )
    ],
    Target(
        "wishes-rules",
        f"{W}/services.py",
        [f"{W}/tests"],
        [
            "_wisher_side_role",
            "wish_create",
            "_require_editable",
            "_active_claim_of",
            "wish_share_phone",
            "wish_report_problem",
            "organisation_account_link",
        ],
        exclude=PAGES,
    ),
    *[
        Target(f"talks-{m.strip('_')}", f"{T}/services/{m}.py", [f"{T}/tests"], RULES, exclude=PAGES)
        for m in ("_common", "ratings", "talks")
    ],
    Target("teams-rota-rules", f"{TM}/services/rota.py", [f"{TM}/tests"], RULES, exclude=PAGES),
    Target("teams-hours-rules", f"{TM}/services/hours.py", [f"{TM}/tests"], RULES, exclude=PAGES),
]
BY_NAME = {t.name: t for t in TARGETS}
# Replacing the % that formats a message only breaks the message (a TypeError on the refused
# path, which the refusal tests meet at once): thousands of mutants that test nothing about
# the rules, left out everywhere.
SKIP_OPERATORS = ("core/ReplaceBinaryOperator_Mod_*",)


def copy_tree() -> None:
    """A fresh copy of the project's sources (never the work tree itself)."""
    if TREE.exists():
        shutil.rmtree(TREE)
    TREE.mkdir(parents=True)
    for name in COPY:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, TREE / name, ignore=shutil.ignore_patterns("__pycache__", "node_modules", "*.pyc")
            )
        elif source.exists():
            shutil.copy2(source, TREE / name)
    where = subprocess.run(
        [str(VENV_BIN / "python"), "-c", "import community365; print(community365.__file__)"],
        cwd=TREE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not where.startswith(str(TREE)):
        sys.exit(f"the copy imports {where}, not itself: refusing to mutate")


def config_for(target: Target) -> Path:
    tests = " ".join(target.tests)
    if target.exclude:
        tests += f' -k "{target.exclude}"'
    text = f"""[cosmic-ray]
module-path = "{target.module}"
timeout = {target.timeout}.0
excluded-modules = []
test-command = '''{PYTEST} {tests}'''

[cosmic-ray.distributor]
name = "local"
"""
    path = WORK / f"{target.name}.toml"
    path.write_text(text)
    return path


def session_of(target: Target) -> Path:
    return WORK / f"{target.name}.sqlite"


def annotation_spans(path: Path) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Where the module's annotations are, when it has ``from __future__ import annotations``:
    they are never evaluated, so a mutant inside one (``X | None`` → ``X & None``) is equivalent
    by construction — every earlier run found them all surviving. Positions are (line, column)."""
    import ast

    tree = ast.parse(path.read_text())
    if not any(
        isinstance(n, ast.ImportFrom)
        and n.module == "__future__"
        and any(a.name == "annotations" for a in n.names)
        for n in tree.body
    ):
        return []
    found: list[ast.expr | None] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = node.args
            found.append(node.returns)
            found += [
                arg.annotation for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg] if arg
            ]
        elif isinstance(node, ast.AnnAssign):
            found.append(node.annotation)
    return [
        ((e.lineno, e.col_offset), (e.end_lineno or e.lineno, e.end_col_offset or 0))
        for e in found
        if e is not None
    ]


def keep_only(target: Target, session: Path) -> None:
    """Mark every mutant outside the target's functions, of a skipped operator or inside an
    annotation that is never evaluated, as skipped."""
    from fnmatch import fnmatch

    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import WorkerOutcome, WorkResult

    spans = annotation_spans(TREE / target.module)
    definitions = target.definitions
    if definitions == RULES:
        definitions = [f for f in rule_functions(TREE / target.module) if f not in target.leave]

    def in_annotation(m) -> bool:
        at = tuple(m.start_pos)
        return any(start <= at < end for start, end in spans)

    def wanted(m) -> bool:
        if any(fnmatch(m.operator_name, pattern) for pattern in SKIP_OPERATORS):
            return False
        if in_annotation(m):
            return False
        return not definitions or any(fnmatch(m.definition_name or "", pattern) for pattern in definitions)

    with use_db(str(session), WorkDB.Mode.open) as db:
        skip = [item.job_id for item in db.pending_work_items if not all(wanted(m) for m in item.mutations)]
        db.set_multiple_results(skip, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output="not selected"))


def retry_survivors(session: Path) -> None:
    import sqlite3

    with sqlite3.connect(session) as db:
        db.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'")


def baseline(target: Target, env: dict[str, str]) -> None:
    """The target's tests must pass on the unmutated copy; otherwise every mutant would count
    as killed (a copy missing a module once made every run error out at setup)."""
    command = f"{PYTEST} {' '.join(target.tests)}"
    if target.exclude:
        command += f' -k "{target.exclude}"'
    done = subprocess.run(command, shell=True, cwd=TREE, env=env, capture_output=True, text=True)  # noqa: S602
    if done.returncode != 0:
        sys.exit(f"{target.name}: the tests fail without any mutant, refusing to run:\n{done.stdout[-3000:]}")


def run(target: Target, fresh: bool, retry: bool = False) -> None:
    session = session_of(target)
    if fresh and session.exists():
        session.unlink()
    if retry and session.exists():
        retry_survivors(session)
    cfg = config_for(target)
    cr = str(VENV_BIN / "cosmic-ray")
    env = dict(
        os.environ,
        C365_MUTATE_DB=str(WORK / f"test{LANE}.sqlite3"),
        DJANGO_SETTINGS_MODULE="config.settings.mutate",
    )
    baseline(target, env)
    if not session.exists():
        subprocess.run([cr, "init", str(cfg), str(session)], cwd=TREE, env=env, check=True)
    keep_only(target, session)
    started = time.monotonic()
    print(
        f"== {target.name}: {target.module} ({', '.join(target.definitions) or 'all functions'})",
        flush=True,
    )
    subprocess.run([cr, "exec", str(cfg), str(session)], cwd=TREE, env=env, check=True)
    print(f"   done in {time.monotonic() - started:.0f} s", flush=True)


def survivors(target: Target) -> tuple[dict[str, int], list[tuple[str, int, str, str]]]:
    from cosmic_ray.work_db import WorkDB, use_db
    from cosmic_ray.work_item import TestOutcome, WorkerOutcome

    counts = {"killed": 0, "survived": 0, "skipped": 0, "pending": 0, "incompetent": 0}
    rows = []
    with use_db(str(session_of(target)), WorkDB.Mode.open) as db:
        results = dict(db.results)
        for item in db.work_items:
            result = results.get(item.job_id)
            if result is None:
                counts["pending"] += 1
            elif result.worker_outcome == WorkerOutcome.SKIPPED:
                counts["skipped"] += 1
            elif result.test_outcome == TestOutcome.SURVIVED:
                counts["survived"] += 1
                m = item.mutations[0]
                diff = [
                    line.strip()
                    for line in (result.diff or "").splitlines()
                    if line[:1] in "+-" and line[:3] not in ("+++", "---")
                ]
                rows.append((m.definition_name or "", m.start_pos[0], m.operator_name, " → ".join(diff)))
            elif result.test_outcome == TestOutcome.INCOMPETENT:
                counts["incompetent"] += 1
            else:
                counts["killed"] += 1
    return counts, sorted(rows, key=lambda r: r[1])


def report() -> None:
    lines = [
        "| target | module | killed | survived | incompetent | skipped | not run |",
        "|---|---|---|---|---|---|---|",
    ]
    details = []
    for target in TARGETS:
        if not session_of(target).exists():
            lines.append(f"| {target.name} | `{target.module}` | – | – | – | – | all |")
            continue
        counts, rows = survivors(target)
        lines.append(
            f"| {target.name} | `{target.module}` | {counts['killed']} | {counts['survived']} | "
            f"{counts['incompetent']} | {counts['skipped']} | {counts['pending']} |"
        )
        for definition, line, operator, diff in rows:
            change = diff.replace("|", "\\|").replace("`", "'")
            details.append(f"| {target.name} | `{definition}` | {line} | {operator} | `{change}` |")
    out = WORK / "report.md"
    out.write_text(
        "\n".join(
            [
                *lines,
                "",
                "| target | function | line | operator | change |",
                "|---|---|---|---|---|",
                *details,
                "",
            ]
        )
    )
    print(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("targets", nargs="*")
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--retry", action="store_true")
    parser.add_argument("--lane", default="", help="run beside another invocation: its own copy and database")
    args = parser.parse_args()
    global LANE, TREE
    if args.lane:
        LANE, TREE = args.lane, WORK / f"tree{args.lane}"
    WORK.mkdir(parents=True, exist_ok=True)
    if args.list:
        for t in TARGETS:
            named = t.definitions
            if named == RULES:
                named = [f for f in rule_functions(ROOT / t.module) if f not in t.leave]
            print(f"{t.name:20} {t.module}  {' '.join(named)}")
        return
    if args.report:
        report()
        return
    unknown = [n for n in args.targets if n not in BY_NAME]
    if unknown:
        sys.exit(f"unknown targets: {unknown}; see --list")
    copy_tree()
    for target in [BY_NAME[n] for n in args.targets] or TARGETS:
        run(target, args.fresh, args.retry)
    report()


if __name__ == "__main__":
    main()
