"""gunicorn config for the comparison run of bench/refusal_audit.py (never for production): each
worker, once the application is loaded, replaces the lost-race path of ``wish_claim`` with one
that writes no audit row, so the same server can be measured with and without the refusal audit."""

from __future__ import annotations

from typing import Any


def post_worker_init(worker: Any) -> None:
    from community365.wishes import services

    def lost_without_audit(actor: Any, wish: Any, role: str) -> Any:
        return services.ClaimOutcome(won=False)

    services._lost = lost_without_audit
