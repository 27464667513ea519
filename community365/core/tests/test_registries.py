"""The registries new apps fill: benchmarking indicators (core/indicators.py) and the demo's
stages (community365/demo/stages.py)."""

from __future__ import annotations

import datetime
import random

import pytest

from community365.core import indicators
from community365.demo import stages


def _none(period, community_ids):
    return {}


def _indicator(**changes):
    fields = {
        "code": "test.registry",
        "dimension": indicators.SERVICES,
        "label": "x",
        "unit": "%",
        "direction": indicators.HIGHER,
        "formula": "",
        "compute": _none,
    }
    return indicators.Indicator(**{**fields, **changes})


def test_an_indicator_needs_a_known_dimension_and_direction(monkeypatch):
    monkeypatch.setattr(indicators, "REGISTRY", {})
    with pytest.raises(ValueError):
        indicators.register(_indicator(dimension="elsewhere"))
    with pytest.raises(ValueError):
        indicators.register(_indicator(direction="sideways"))
    assert indicators.REGISTRY == {}


def test_two_apps_cannot_register_the_same_code(monkeypatch):
    monkeypatch.setattr(indicators, "REGISTRY", {})
    indicators.register(_indicator())
    indicators.register(_indicator())  # the same function again (a re-import) is harmless
    with pytest.raises(ValueError):
        indicators.register(_indicator(compute=lambda period, ids: {}))


def test_values_keep_only_the_communities_asked_for():
    ind = _indicator(compute=lambda period, ids: {1: indicators.Value(3), 2: indicators.Value(4)})
    period = indicators.Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert ind.values(period, [2]) == {2: indicators.Value(4)}
    with pytest.raises(ValueError):
        indicators.Period(datetime.date(2026, 2, 1), datetime.date(2026, 1, 1))


def test_every_installed_app_with_indicators_registers_in_every_dimension():
    dimensions = {i.dimension for i in indicators.all_indicators()}
    assert dimensions == set(indicators.DIMENSIONS)


def test_stages_run_in_order_and_each_defines_build():
    import importlib
    import pkgutil

    from community365 import demo

    names = sorted(i.name for i in pkgutil.iter_modules(demo.__path__) if i.name.startswith("stage_"))
    modules = [importlib.import_module(f"community365.demo.{n}") for n in names]
    expected = [m.build for m in sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))]
    assert stages.discover() == expected
    assert len(expected) >= 5  # desk, cases, emergency, mechanisms, benchmarking


def test_each_stage_starts_from_the_same_random_state(monkeypatch):
    """What one app's stage draws must not shift another app's demo records."""
    seen: list[float] = []

    def greedy(builder):
        seen.append(builder.rng.random())
        for _ in range(100):
            builder.rng.random()

    monkeypatch.setattr(stages, "discover", lambda: [greedy, greedy, greedy])
    builder = type("Builder", (), {"rng": random.Random(365)})()
    stages.run(builder)
    assert len(seen) == 3 and len(set(seen)) == 1
