"""`make bench`: the running server under an external load generator (wrk, compiled C).

Production settings (config.settings.prod via bench/settings.py: DEBUG off, PostgreSQL with the
connection pool), gunicorn sync workers, and a view that touches no database (``/bench/nodb``)
measured in the same run as the baseline. For each database size (the demo district and the
full-size one, each in a PostgreSQL database of its own, seeded once and kept):

- every URL pattern of the project (read from config/urls.py, so new pages come in by
  themselves) that answers 200 to one of the demo personas (``tests/url_table.py`` says who),
  requested as that persona with path parameters from the demo world: p50 / p99 latency;
- longer runs of the ratio endpoints (``/api/v1/me``, the wishes board, the talks list, one
  figures endpoint) and of the flash claim (0 double claims checked in the database);
- the cost of the audit row a lost race writes (issue 9 item 3), timed on the same database.

Each run: ``--warmup`` seconds of load that are thrown away, then ``--duration`` seconds
measured (``--long`` for the ratio endpoints). Results: var/bench/<size>.json, and the
markdown table printed at the end (docs/benchmarks.md shows one).

    python bench/server.py --size demo --db postgres://postgres@127.0.0.1:5432/c365_bench_demo
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "var" / "bench"

# Who requests a URL: the first persona in this order whose declared answer is 200.
PERSONA_ORDER = [
    "worker_huachuan",
    "secretary_huachuan",
    "staff_baizhang",
    "admin_district",
    "leader_demo",
    "resident_huachuan",
    "member_demo",
    "volunteer_demo",
    "liaison_housing",
    "mediator_demo",
    "lawyer_demo",
    "justice_demo",
    "emergency_demo",
    "firstsec_demo",
    "unit_secretary_demo",
    "worker_huangli",
    "anonymous",
]
# The ratio endpoints: (label, path, persona) and the goal as a share of the no-database view.
RATIOS = [
    ("GET /api/v1/me", "/api/v1/me", "worker_huachuan", 0.5),
    ("wishes board (API)", "/api/v1/wishes?limit=20", "member_demo", 0.25),
    ("talks list (API)", "/api/v1/talks/topics?limit=20", "worker_huachuan", 0.25),
    ("talks figures (API)", "/api/v1/talks/figures", "admin_district", None),
]


def environment(db: str, workers: int) -> dict[str, str]:
    keys = OUT / "keys.json"
    OUT.mkdir(parents=True, exist_ok=True)
    if not keys.exists():  # the same keys for every run: tokens hash with them
        keys.write_text(
            json.dumps({"SECRET_KEY": secrets.token_urlsafe(48), "ID_HASH_KEY": secrets.token_urlsafe(48)})
        )
    env = {
        **os.environ,
        **json.loads(keys.read_text()),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": db,
        "DB_POOL": "1",
        "DB_POOL_MAX": str(max(4, workers * 2)),
        "SECURE_COOKIES": "0",
        "LOG_LEVEL": "ERROR",
        # every claimant may hold all the wishes it wins (the limit would turn wins into 422s)
        "WISH_MAX_ACTIVE_CLAIMS": "100000",
    }
    os.environ.update(env)
    return env


def seed(db: str, size: str) -> None:
    """Migrate and seed the size's database once (kept between runs: the full size takes long)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", "DATABASE_URL": db}
    check = (
        "from community365.regions.models import Region;"
        "import sys; sys.exit(0 if Region.objects.filter(code='JD').exists() else 1)"
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    if subprocess.run([sys.executable, "manage.py", "shell", "-c", check], cwd=ROOT, env=env).returncode == 0:
        return
    print(f"seeding the {size} district into {db} (once)", flush=True)
    args = ["--full"] if size == "full" else []
    subprocess.run([sys.executable, "manage.py", "seed_demo", *args], cwd=ROOT, env=env, check=True)


def prepare(claim_wishes: int, claimants: int) -> dict[str, Any]:
    """Sessions and tokens for the personas, the URL list, and fresh wishes to race for."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connections

    from community365.people import services as people
    from community365.people.models import Person, User
    from community365.regions.models import Region
    from tests import url_table

    personas = [p for p in PERSONA_ORDER if p != "anonymous"]
    cookies: dict[str, str] = {"anonymous": ""}
    tokens: dict[str, str] = {}
    for username in personas:
        user = User.objects.get(username=username)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        cookies[username] = f"{settings.SESSION_COOKIE_NAME}={store.session_key}"
        tokens[username], _record = people.token_issue(actor=user, name="bench")

    values = {key: pick() for key, pick in url_table.PARAMS.items()}
    urls = []
    for name, route in url_patterns().items():
        rule = url_table.rule_for(name)
        if not rule or name.startswith("admin:") or url_table.method_for(name) != "GET":
            continue
        who = next((p for p in PERSONA_ORDER if rule.get(p) == 200), None)
        if who is None:
            continue
        url = "/" + route
        for param in url_table.route_params(route):
            value = values[url_table.PARAM_FOR.get((name, param), param)]
            url = re.sub(rf"<(\w+:)?{param}>", str(value), url)
        urls.append({"name": name, "url": url, "persona": who})

    claim = prepare_claim(claim_wishes, claimants)
    counts = {
        "residents": Person.objects.count(),
        "regions": Region.objects.count(),
    }
    from community365.wishes.models import Wish

    counts["wishes"] = Wish.objects.count()
    audit = audit_cost()
    cpu = cpu_cost(tokens)
    connections.close_all()
    return {
        "cookies": cookies,
        "tokens": tokens,
        "urls": urls,
        "claim": claim,
        "counts": counts,
        "audit": audit,
        "cpu": cpu,
    }


def cpu_cost(tokens: dict[str, str], repeat: int = 20) -> dict[str, dict[str, float]]:
    """In-process cost of the ratio endpoints (Django's test client in this process, same
    settings and database): the Python CPU time and the wall time per request, median of
    ``repeat``. The CPU time does not depend on how busy the machine is (the database's own CPU
    is not in it); the wall time does, which tells how much of wrk's latency is waiting."""
    from django.test import Client

    out = {}
    for label, path, persona in [("no-database view", "/bench/nodb", "anonymous")] + [
        (label, path, persona) for label, path, persona, _goal in RATIOS
    ]:
        extra = {"HTTP_AUTHORIZATION": f"Bearer {tokens[persona]}"} if persona in tokens else {}
        client = Client(HTTP_HOST="127.0.0.1", **extra)
        client.get(path)
        cpu, wall = [], []
        for _ in range(repeat):
            c0, w0 = time.process_time(), time.perf_counter()
            client.get(path)
            cpu.append((time.process_time() - c0) * 1000)
            wall.append((time.perf_counter() - w0) * 1000)
        out[label] = {"cpu_ms": sorted(cpu)[repeat // 2], "wall_ms": sorted(wall)[repeat // 2]}
    return out


def url_patterns() -> dict[str, str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    routes: dict[str, list[str]] = {}

    def walk(patterns: Any, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name != "bench_nodb":
                route = prefix + str(p.pattern)
                name = f"{namespace}{p.name}" if p.name else f"{namespace}(unnamed)"
                if route not in routes.setdefault(name, []):
                    routes[name].append(route)

    walk(get_resolver().url_patterns, "", "")
    found = {}
    for name, each in routes.items():
        for route in each:
            found[name if len(each) == 1 else f"{name} /{route}"] = route
    return found


def prepare_claim(count: int, claimants: int) -> dict[str, Any]:
    """``count`` published wishes of 划船社区 and ``claimants`` party members with tokens, all new."""
    from community365.core.actors import SystemActor
    from community365.core.roles import Role
    from community365.people import services as people
    from community365.people.models import Person
    from community365.regions.models import Region
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory

    system = SystemActor("bench")
    community = Region.objects.get(name="划船社区")
    run = f"{int(time.time()) % 10**7}"
    tokens = []
    for i in range(claimants):
        user = people.user_create(
            actor=system,
            username=f"bench_{run}_{i}",
            password=None,
            display_name=f"基准{i}",
            district=community.district,
        )
        people.role_grant(actor=system, user=user, role=Role.PARTY_MEMBER, region=community)
        tokens.append(people.token_issue(actor=user, name="bench")[0])
    ids = []
    for i in range(count):
        person = people.person_register(actor=system, name=f"基准居民{i}", community=community)
        wish = services.wish_create(
            actor=system,
            wisher=person,
            title=f"想要一台收音机（基准{i}）",
            category=ServiceCategory.CONVENIENCE,
        )
        services.wish_approve(actor=system, wish=wish)
        services.wish_publish(actor=system, wish=wish)
        ids.append(wish.pk)
    assert Person.objects.filter(community=community).exists()
    path = OUT / "claim.txt"
    path.write_text(" ".join(map(str, ids)) + "\n" + "\n".join(tokens) + "\n")
    return {"ids": ids, "file": str(path)}


def audit_cost(samples: int = 300) -> dict[str, float]:
    """The lost race's audit row (issue 9 item 3): one ``audit_record`` in a transaction of its
    own, as ``wishes.services._lost`` writes it after the claim's transaction, timed directly."""
    from django.db import transaction

    from community365.audit.models import AuditResult
    from community365.audit.services import audit_record
    from community365.people.models import User
    from community365.wishes.models import Wish

    actor = User.objects.get(username="member_demo")
    wish = Wish.objects.order_by("-pk").first()
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="wishes.wish:claim",
                target=wish,
                role="party_member",
                result=AuditResult.REFUSED,
                message="bench: lost race",
                changes={"code": "already_claimed"},
            )
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50_ms": times[len(times) // 2], "p99_ms": times[int(len(times) * 0.99) - 1]}


def start_server(env: dict[str, str], port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    # the server's own output (a warning per 409 of the lost races) goes to a file
    out = log.open("ab")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=out,
    )
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/nodb", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


LATENCY = re.compile(r"^\s+(50|99)(?:\.000)?%\s+([\d.]+)(us|ms|s)\s*$", re.M)


def wrk(
    port: int,
    path: str,
    *,
    seconds: float,
    connections: int,
    headers: list[str],
    script: list[str] | None = None,
) -> dict[str, Any]:
    command = [
        "wrk",
        "-t2",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    for h in headers:
        command += ["-H", h]
    if script:
        command += ["-s", script[0]]
    command.append(f"http://127.0.0.1:{port}{path}")
    if script:
        command += ["--", *script[1:]]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}
    lat = {q: float(v) * scale[u] for q, v, u in LATENCY.findall(out)}
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(rps.group(1)) if rps else 0.0,
        "requests": int(total.group(1)) if total else 0,
        "p50_ms": lat.get("50"),
        "p99_ms": lat.get("99"),
        "non_2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": errors.group(1) if errors else "",
    }


def headers_for(prep: dict[str, Any], persona: str, api: bool) -> list[str]:
    if persona == "anonymous":
        return []
    if api:
        return [f"Authorization: Bearer {prep['tokens'][persona]}"]
    return [f"Cookie: {prep['cookies'][persona]}"]


def status_of(port: int, path: str, headers: list[str]) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}")
    for h in headers:
        k, v = h.split(": ", 1)
        request.add_header(k, v)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=60) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code


def double_claims(ids: list[int]) -> tuple[int, int]:
    from django.db import connections
    from django.db.models import Count

    from community365.wishes.models import Claim, Wish

    connections.close_all()
    per_wish = Claim.objects.filter(wish_id__in=ids).values("wish_id").annotate(n=Count("id")).filter(n__gt=1)
    doubled = sum(row["n"] - 1 for row in per_wish)
    won = Wish.objects.filter(pk__in=ids, claimed_by__isnull=False).count()
    return doubled, won


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=["demo", "full"], default="demo")
    parser.add_argument(
        "--db", required=True, help="the URL of this size's own database (PostgreSQL: the pool)"
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 2))
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--duration", type=float, default=4, help="seconds measured per page")
    parser.add_argument("--long", type=float, default=15, help="seconds measured per ratio endpoint")
    parser.add_argument("--claim-wishes", type=int, default=400)
    parser.add_argument("--claimants", type=int, default=40)
    parser.add_argument("--only", default="", help="a regular expression: measure only matching URL names")
    parser.add_argument("--label", default="", help="name of the result file (default: the size)")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: `make bench-deps` installs Debian's wrk")

    seed(args.db, args.size)
    env = environment(args.db, args.workers)
    prep = prepare(args.claim_wishes, args.claimants)
    port = int(env.get("BENCH_PORT", "8107"))
    server = start_server(env, port, args.workers, OUT / f"server-{args.size}.log")
    result: dict[str, Any] = {
        "size": args.size,
        "counts": prep["counts"],
        "workers": args.workers,
        "connections": args.connections,
        "duration": args.duration,
        "long": args.long,
        "audit_lost_race": prep["audit"],
        "in_process": prep["cpu"],
        "load": os.getloadavg(),
    }
    try:

        def measure(
            path: str, headers: list[str], seconds: float, script: list[str] | None = None
        ) -> dict[str, Any]:
            wrk(port, path, seconds=args.warmup, connections=args.connections, headers=headers, script=script)
            return wrk(
                port, path, seconds=seconds, connections=args.connections, headers=headers, script=script
            )

        print(
            f"[{args.size}] {prep['counts']}; {args.workers} gunicorn workers, wrk -c{args.connections}",
            flush=True,
        )
        result["nodb"] = measure("/bench/nodb", [], args.long)
        print(f"  no-database view: {result['nodb']['rps']:.0f} req/s", flush=True)
        result["ratios"] = []
        for label, path, persona, goal in RATIOS:
            r = measure(path, headers_for(prep, persona, True), args.long)
            r.update(label=label, path=path, goal=goal, ratio=r["rps"] / result["nodb"]["rps"])
            result["ratios"].append(r)
            print(f"  {label}: {r['rps']:.0f} req/s, ratio {r['ratio']:.2f}", flush=True)
        claim_file = prep["claim"]["file"]
        r = measure("/", [], args.long, script=[str(ROOT / "bench" / "claim.lua"), claim_file])
        doubled, won = double_claims(prep["claim"]["ids"])
        r.update(
            label="flash claim (POST /api/v1/wishes/{id}/claim)",
            goal=0.25,
            ratio=r["rps"] / result["nodb"]["rps"],
            double_claims=doubled,
            won=won,
            wishes=len(prep["claim"]["ids"]),
        )
        result["claim"] = r
        print(
            f"  flash claim: {r['rps']:.0f} req/s, ratio {r['ratio']:.2f}, won {won}, double {doubled}",
            flush=True,
        )
        pages = []
        pattern = re.compile(args.only) if args.only else None
        for item in prep["urls"]:
            if pattern and not pattern.search(item["name"]):
                continue
            api = item["url"].startswith("/api/")
            headers = headers_for(prep, item["persona"], api)
            status = status_of(port, item["url"], headers)
            if status != 200:
                pages.append({**item, "status": status})
                continue
            r = measure(item["url"], headers, args.duration)
            pages.append({**item, "status": status, **r})
            print(
                f"  {item['name']:<40} p50 {r['p50_ms']:8.1f} ms  p99 {r['p99_ms']:8.1f} ms  {r['rps']:7.1f}/s",
                flush=True,
            )
        result["pages"] = pages
    finally:
        server.terminate()
        server.wait(timeout=30)
    label = args.label or args.size
    result["database"] = args.db.split(":", 1)[0]
    (OUT / f"{label}.json").write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"written {OUT / (label + '.json')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
