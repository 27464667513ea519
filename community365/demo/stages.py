"""The demo district's further stages, one module per app: ``community365/demo/stage_<name>.py``.

The generator builds places, residents, staff, personas, wishes, teams and talks itself; every
later app adds its part of the demo in a stage module of its own, so that apps built side by side
never edit the same lines of the generator. A stage module defines::

    ORDER = 50                       # stages run in (ORDER, module name) order

    def build(builder: DemoBuilder) -> None:
        ...                          # through the app's services; idempotent (a second run adds
                                     # nothing); reads builder.places, builder.rng, builder.report

``builder.full`` is true for the full-size district (``seed_demo --full``): a stage scales its
records to the article's figures then, and keeps ``make demo`` quick otherwise.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

Stage = Callable[[Any], None]


def discover() -> list[Stage]:
    package = importlib.import_module(__package__ or "community365.demo")
    found: list[tuple[int, str, Stage]] = []
    for info in pkgutil.iter_modules(package.__path__):
        if not info.name.startswith("stage_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        found.append((getattr(module, "ORDER", 100), info.name, module.build))
    return [build for _order, _name, build in sorted(found, key=lambda f: (f[0], f[1]))]


def run(builder: Any) -> None:
    """Run every stage. Each starts from the same random state, so that what one app's stage
    draws never shifts another app's demo records (the stages are built and tested apart)."""
    state = builder.rng.getstate()
    for stage in discover():
        builder.rng.setstate(state)
        stage(builder)
