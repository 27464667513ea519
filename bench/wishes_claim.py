"""Flash-claim benchmark against a real server process (gunicorn).

K published wishes, C claimant threads; every claimant tries every wish (each starting at a
different one) over HTTP with its own bearer token. Prints claims/s, p50/p99 latency, errors
and double-claims, and the same server's throughput on GET /api/v1/me measured in the same
run, with the ratio. The database is its own (var/bench.sqlite3) unless DATABASE_URL names
another one.

    python bench/wishes_claim.py --wishes 50 --claimants 20 --workers 4
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(wishes: int, claimants: int) -> tuple[list[str], list[int]]:
    """A small district of its own, built through the services; returns tokens and wish ids."""
    import django

    django.setup()
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from community365.core.actors import SystemActor
    from community365.core.roles import Role
    from community365.people import services as people
    from community365.regions import services as regions
    from community365.regions.models import Region, RegionKind
    from community365.wishes import services
    from community365.wishes.models import ServiceCategory

    system = SystemActor("bench")
    run = f"B{int(time.time())}"
    district = Region.objects.filter(code="BENCH").first() or regions.region_create(
        actor=system, parent=None, kind=RegionKind.DISTRICT, name="基准测试区", code="BENCH"
    )
    sub = regions.region_create(
        actor=system, parent=district, kind=RegionKind.SUBDISTRICT, name="街道", code=run
    )
    community = regions.region_create(
        actor=system, parent=sub, kind=RegionKind.COMMUNITY, name="社区", code=f"{run}-01"
    )
    hashed = make_password("bench-pass-365")
    tokens = []
    for i in range(claimants):
        user = people.user_create(
            actor=system,
            username=f"bench_{run}_{i}".lower(),
            password=None,
            district=district,
            password_hash=hashed,
        )
        people.role_grant(actor=system, user=user, role=Role.PARTY_MEMBER, region=community)
        token, _record = people.token_issue(actor=user)
        tokens.append(token)
    ids = []
    for i in range(wishes):
        person = people.person_register(actor=system, name=f"李{i}", community=community)
        wish = services.wish_create(
            actor=system, wisher=person, title=f"想要一台收音机{i}", category=ServiceCategory.CONVENIENCE
        )
        services.wish_approve(actor=system, wish=wish)
        services.wish_publish(actor=system, wish=wish)
        ids.append(wish.pk)
    from django.db import connections

    connections.close_all()
    return tokens, ids


def start_server(
    port: int, workers: int, env: dict[str, str], extra: list[str] | None = None
) -> subprocess.Popen:
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
            *(extra or []),
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(600):  # up to a minute or more on a loaded machine
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


def run_threads(port: int, jobs: list[list[tuple[str, str, str]]]) -> list[tuple[int, float, str]]:
    """Each job list runs in its own thread on a kept-alive connection: (method, path, token)."""
    results: list[tuple[int, float, str]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(jobs))

    def worker(job: list[tuple[str, str, str]]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        barrier.wait()
        for method, path, token in job:
            started = time.perf_counter()
            try:
                conn.request(
                    method, path, headers={"Authorization": f"Bearer {token}", "Content-Length": "0"}
                )
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, body = 0, repr(exc).encode()
            mine.append(
                (
                    status,
                    time.perf_counter() - started,
                    path if status == 200 else body[:80].decode("utf-8", "replace"),
                )
            )
        with lock:
            results.extend(mine)

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def quantile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wishes", type=int, default=50)
    parser.add_argument("--claimants", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument(
        "--no-refusal-audit",
        action="store_true",
        help="comparison only: the server writes no audit row for a lost race (bench/no_refusal_audit.py)",
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}")
    # every claimant may hold all the wishes it wins: the limit would turn claims into 422s
    os.environ["WISH_MAX_ACTIVE_CLAIMS"] = str(args.wishes + 1)
    tokens, ids = prepare(args.wishes, args.claimants)
    port = _free_port()
    extra = ["--config", "python:bench.no_refusal_audit"] if args.no_refusal_audit else []
    server = start_server(port, args.workers, {**os.environ, "LOG_LEVEL": "ERROR"}, extra)
    try:
        # baseline: the trivial authenticated endpoint, same number of requests and threads
        base_jobs = [[("GET", "/api/v1/me", token)] * len(ids) for token in tokens]
        started = time.perf_counter()
        base = run_threads(port, base_jobs)
        base_elapsed = time.perf_counter() - started
        claim_jobs = [
            [
                ("POST", f"/api/v1/wishes/{wid}/claim", token)
                for wid in ids[i % len(ids) :] + ids[: i % len(ids)]
            ]
            for i, token in enumerate(tokens)
        ]
        started = time.perf_counter()
        claims = run_threads(port, claim_jobs)
        elapsed = time.perf_counter() - started
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)  # a loaded machine takes a while to stop the workers
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    winners: dict[str, int] = {}
    for status, _latency, path in claims:
        if status == 200:
            winners[path] = winners.get(path, 0) + 1
    from community365.audit.models import AuditEvent
    from community365.wishes.models import Claim

    rows = Claim.objects.filter(wish_id__in=ids).count()
    refused_rows = AuditEvent.objects.filter(
        action="wishes.wish:claim", result="refused", object_id__in=[str(i) for i in ids]
    ).count()
    double = sum(n - 1 for n in winners.values() if n > 1) + max(0, rows - len(ids))
    errors = sum(1 for status, _l, _p in claims if status not in (200, 409))
    base_errors = sum(1 for status, _l, _p in base if status != 200)
    latencies = [latency for _s, latency, _p in claims]
    base_latencies = [latency for _s, latency, _p in base]
    report = {
        "claim_attempts": len(claims),
        "claims_per_s": len(claims) / elapsed,
        "claim_p50_ms": quantile(latencies, 0.5) * 1000,
        "claim_p99_ms": quantile(latencies, 0.99) * 1000,
        "winners": len(winners),
        "already_claimed_409": sum(1 for s, _l, _p in claims if s == 409),
        "errors": errors,
        "double_claims": double,
        "refused_audit_rows": refused_rows,
        "me_per_s": len(base) / base_elapsed,
        "me_p50_ms": quantile(base_latencies, 0.5) * 1000,
        "me_p99_ms": quantile(base_latencies, 0.99) * 1000,
        "me_errors": base_errors,
    }
    report["ratio_claim_to_me"] = report["claims_per_s"] / report["me_per_s"]
    engine = "postgresql" if os.environ["DATABASE_URL"].startswith("postgres") else "sqlite"
    print(
        f"wishes_claim [{engine}, gunicorn {args.workers} workers] "
        f"{args.wishes} wishes x {args.claimants} claimants = {len(claims)} claim requests"
    )
    print(
        f"  claim   {report['claims_per_s']:8.1f} req/s  p50 {report['claim_p50_ms']:6.1f} ms  "
        f"p99 {report['claim_p99_ms']:6.1f} ms  winners {report['winners']}/{len(ids)}  "
        f"409 {report['already_claimed_409']}  errors {errors}  double-claims {double}  "
        f"refusal audit rows {refused_rows}"
    )
    print(
        f"  GET /me {report['me_per_s']:8.1f} req/s  p50 {report['me_p50_ms']:6.1f} ms  "
        f"p99 {report['me_p99_ms']:6.1f} ms  errors {base_errors}"
    )
    print(f"  ratio claim/me throughput: {report['ratio_claim_to_me']:.2f}")
    print("  " + json.dumps({k: round(v, 2) for k, v in report.items()}))
    return report


if __name__ == "__main__":
    main()
