"""The markdown tables of docs/benchmarks.md from var/bench/demo.json and var/bench/full.json
(written by bench/server.py). Prints the goals met or missed; exit status 0 either way (the
table is the result; docs/benchmarks.md says why a goal is missed)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "var" / "bench"


def load(size: str) -> dict[str, Any] | None:
    path = OUT / f"{size}.json"
    return json.loads(path.read_text()) if path.exists() else None


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def main() -> int:
    labels = sys.argv[1:3] or ["demo", "full"]  # the demo-size run, then the full-size run
    runs = {label: load(label) for label in labels}
    present = {k: v for k, v in runs.items() if v}
    if not present:
        print("no results in var/bench/: run bench/server.py first")
        return 1
    for size, run in present.items():
        c = run["counts"]
        print(
            f"- **{size}** ({run.get('database', 'postgres')}): {c['residents']:,} residents, {c['wishes']:,} wishes, {c['regions']:,} places; "
            f"{run['workers']} gunicorn workers, wrk 2 threads × {run['connections']} connections, "
            f"{run['long']:.0f} s per ratio endpoint and {run['duration']:.0f} s per page after a warm-up; "
            f"load average at the start {run['load'][0]:.1f}"
        )
    print()
    print(
        "| throughput | goal | "
        + " | ".join(f"{s}: req/s | {s}: ratio | {s}: p99 ms" for s in present)
        + " |"
    )
    print("|---|---|" + "---|---|---|" * len(present))
    rows = ["no-database view (baseline)"] + [r["label"] for r in next(iter(present.values()))["ratios"]]
    rows.append(next(iter(present.values()))["claim"]["label"])
    for i, label in enumerate(rows):
        cells = []
        goal = ""
        for run in present.values():
            if i == 0:
                r = run["nodb"]
                ratio = 1.0
            elif i <= len(run["ratios"]):
                r = run["ratios"][i - 1]
                ratio = r["ratio"]
                goal = f"≥ {r['goal']}" if r["goal"] else "—"
            else:
                r = run["claim"]
                ratio = r["ratio"]
                goal = f"≥ {r['goal']}, 0 double"
            mark = ""
            if i and r.get("goal"):
                mark = " ✓" if ratio >= r["goal"] else " ✗"
            cells.append(f"{r['rps']:,.0f} | {ratio:.2f}{mark} | {ms(r['p99_ms'])}")
        print(f"| {label} | {goal} | " + " | ".join(cells) + " |")
    for size, run in present.items():
        r = run["claim"]
        print(
            f"\n{size}: flash claim {r['requests']:,} requests on {r['wishes']} wishes, {r['won']} won, "
            f"**{r['double_claims']} double claims**; non-2xx answers (the lost races, 409) {r['non_2xx']:,}. "
            f"Audit row of a lost race, timed alone on the same database ({run.get('database', 'postgres')}): p50 {run['audit_lost_race']['p50_ms']:.2f} ms, "
            f"p99 {run['audit_lost_race']['p99_ms']:.2f} ms."
        )
    print()
    print(
        "| in process (Django test client) | "
        + " | ".join(f"{s}: CPU ms | {s}: wall ms" for s in present)
        + " |"
    )
    print("|---|" + "---|---|" * len(present))
    in_process = dict.fromkeys(k for run in present.values() for k in run.get("in_process", {}))
    for label in in_process:
        cells = []
        for run in present.values():
            c = run.get("in_process", {}).get(label)
            cells.append(f"{c['cpu_ms']:.1f} | {c['wall_ms']:.1f}" if c else "— | —")
        print(f"| {label} | " + " | ".join(cells) + " |")
    print()
    demo, full = runs.get(labels[0]), runs.get(labels[1]) if len(labels) > 1 else None
    by_name = {s: {p["name"]: p for p in r["pages"]} for s, r in present.items()}
    names = list(dict.fromkeys(n for r in present.values() for n in (p["name"] for p in r["pages"])))
    head = "| page / endpoint | as | " + " | ".join(f"{s} p50 ms | {s} p99 ms" for s in present)
    if demo and full:
        head += " | full p99 / demo p99"
    print(head + " |")
    print("|---|---|" + "---|---|" * len(present) + ("---|" if demo and full else ""))
    missed = []
    for name in names:
        first = next(by_name[s][name] for s in present if name in by_name[s])
        cells = []
        for s in present:
            p = by_name[s].get(name)
            if p is None:
                cells.append("— | —")
            elif p.get("status") != 200:
                cells.append(f"({p.get('status')}) | ")
            elif not p.get("requests"):
                cells.append(f"none answered in {present[s]['duration']:.0f} s | ✗")
            else:
                cells.append(f"{ms(p['p50_ms'])} | {ms(p['p99_ms'])}")
        row = f"| `{first['url']}` | {first['persona']} | " + " | ".join(cells)
        if demo and full:
            d, f = by_name[labels[0]].get(name), by_name[labels[1]].get(name)
            if d and f and d.get("requests") and not f.get("requests") and f.get("status") == 200:
                row += " | > window ✗"
                missed.append((name, float("inf")))
            elif d and f and d.get("requests") and f.get("requests") and d.get("p99_ms") and f.get("p99_ms"):
                ratio = f["p99_ms"] / d["p99_ms"]
                row += f" | {ratio:.1f}{' ✗' if ratio > 2 else ''}"
                if ratio > 2:
                    missed.append((name, ratio))
            else:
                row += " | —"
        print(row + " |")
    if missed:
        print(
            f"\n{len(missed)} pages miss the goal full p99 ≤ 2 × demo p99: "
            + ", ".join(
                f"{n} ({r:.1f}×)" if r != float("inf") else f"{n} (no answer in the window)"
                for n, r in missed
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
