"""What the audit row of a lost claim race costs (issue 9 item 3): the flash-claim benchmark
(bench/wishes_claim.py, gunicorn, most answers the 409 of a lost race) run in alternating rounds
with the refusal audit (as shipped) and without it (bench/no_refusal_audit.py), on the database
of DATABASE_URL (default: SQLite var/bench.sqlite3). Prints, per variant, the median and the
range over the rounds, and writes them to var/bench/refusal-audit-<engine>.json.

    python -m bench.refusal_audit --rounds 3 --wishes 40 --claimants 10
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/c365_bench_claim python -m bench.refusal_audit
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIGURES = ("claims_per_s", "claim_p50_ms", "claim_p99_ms", "me_per_s", "ratio_claim_to_me")


def one_round(args: argparse.Namespace, audit: bool) -> dict[str, float] | None:
    command = [
        sys.executable,
        "-m",
        "bench.wishes_claim",
        "--wishes",
        str(args.wishes),
        "--claimants",
        str(args.claimants),
        "--workers",
        str(args.workers),
        *([] if audit else ["--no-refusal-audit"]),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    print(done.stdout, end="", flush=True)
    if (
        done.returncode != 0
    ):  # reported and left out of the figures (a loaded machine may not start the server)
        print(
            f"   round failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}", flush=True
        )
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--wishes", type=int, default=40)
    parser.add_argument("--claimants", type=int, default=10)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    runs: dict[str, list[dict[str, float]]] = {"with audit": [], "without": []}
    failed = {"with audit": 0, "without": 0}
    for n in range(args.rounds):
        # alternate the order so that a drift of the machine's load does not favour one side
        for variant in ("with audit", "without") if n % 2 == 0 else ("without", "with audit"):
            print(f"-- round {n + 1}, {variant}", flush=True)
            result = one_round(args, audit=variant == "with audit")
            if result is not None:
                runs[variant].append(result)
            else:
                failed[variant] += 1
    engine = "postgresql" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "sqlite"
    summary: dict[str, dict[str, object]] = {}
    print(
        f"\nrefusal audit, {engine}: {args.rounds} rounds of {args.wishes} wishes x {args.claimants} claimants"
    )
    for variant, results in runs.items():
        if not results:
            print(f"  {variant:10} no round completed ({failed[variant]} failed)")
            continue
        summary[variant] = {
            "failed_rounds": failed[variant],
            "runs": results,
            **{
                figure: {
                    "median": statistics.median(r[figure] for r in results),
                    "min": min(r[figure] for r in results),
                    "max": max(r[figure] for r in results),
                }
                for figure in FIGURES
            },
            "refused_audit_rows": [r.get("refused_audit_rows") for r in results],
            "lost_races": [r["already_claimed_409"] for r in results],
            "errors": sum(r["errors"] for r in results),
            "double_claims": sum(r["double_claims"] for r in results),
        }
        line = "  ".join(
            f"{figure} {summary[variant][figure]['median']:.1f} "  # type: ignore[index]
            f"({summary[variant][figure]['min']:.1f}–{summary[variant][figure]['max']:.1f})"  # type: ignore[index]
            for figure in FIGURES
        )
        print(f"  {variant:10} {line}")
        print(
            f"  {'':10} lost races {summary[variant]['lost_races']}, refusal audit rows "
            f"{summary[variant]['refused_audit_rows']}, errors {summary[variant]['errors']}, "
            f"double claims {summary[variant]['double_claims']}"
        )
    out = ROOT / "var" / "bench" / f"refusal-audit-{engine}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    print(f"  written to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
