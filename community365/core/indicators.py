"""Indicators that benchmarking (对标) reads: a registry each app fills in ``<app>/indicators.py``.

An indicator is a small function over a period and a set of communities that answers, for each
community, a value computed from the app's records: **one grouped query** (or a fixed few), never
a loop over communities — benchmarking calls it for all 78 at once::

    from community365.core import indicators

    @indicators.provider(
        code="wishes.fulfilled_per_1000",
        dimension=indicators.LINKAGES,
        label=_("每千名居民实现的微心愿"),
        unit=_("个/千人"),
        direction=indicators.HIGHER,
        formula=_("期内确认实现的心愿数 ÷ 登记居民数 × 1000"),
        records="wish_all",            # url name of the list behind the number; gets
    )                                  # ?community=<id>&from=<date>&to=<date>
    def fulfilled_per_1000(period, community_ids):
        rows = Wish.objects.filter(...).values("region_id").annotate(n=Count("id"))
        return {r["region_id"]: indicators.Value(r["n"] * 1000 / pop, numerator=r["n"], denominator=pop) ...}

A community missing from the answer has no value for the period (no records, nothing to
measure) — not zero. ``CoreConfig.ready()`` imports every app's ``indicators`` module, so the
registry is complete whenever Django is set up.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

LINKAGES = "linkages"  # 三联
SERVICES = "services"  # 六服务
MECHANISMS = "mechanisms"  # 五机制
DIMENSIONS = (LINKAGES, SERVICES, MECHANISMS)

PEOPLE = "people"  # counts in 为民指数 (how residents fare)
SERVICE = "service"  # counts in 服务指数 (how much service is given)

HIGHER = "higher"  # higher is better
LOWER = "lower"  # lower is better


@dataclass(frozen=True)
class Period:
    """A closed range of dates [start, end]."""

    start: datetime.date
    end: datetime.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("a period ends on or after its start")

    @property
    def start_dt(self) -> datetime.datetime:
        from django.utils import timezone

        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def end_dt(self) -> datetime.datetime:
        """The first instant after the period (use ``__lt``)."""
        from django.utils import timezone

        return timezone.make_aware(
            datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min)
        )


@dataclass(frozen=True)
class Value:
    """One community's value; numerator and denominator when it is a ratio (shown beside it)."""

    value: Decimal | float | int | None
    numerator: Decimal | float | int | None = None
    denominator: Decimal | float | int | None = None


Compute = Callable[[Period, Sequence[int]], Mapping[int, Value]]


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    label: Any
    unit: Any
    direction: str
    formula: Any
    compute: Compute
    records: str = ""  # url name of the records' list (filters: community, from, to)
    indices: frozenset[str] = field(default_factory=frozenset)  # "people" (为民), "service" (服务)
    # The name of the records list's query parameter that selects one community (some lists
    # call it ``region``); the period goes as ``from``/``to`` (YYYY-MM).
    records_param: str = "community"

    def values(self, period: Period, community_ids: Iterable[int]) -> dict[int, Value]:
        ids = list(community_ids)
        wanted = set(ids)
        return {cid: v for cid, v in self.compute(period, ids).items() if cid in wanted}


REGISTRY: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    if indicator.dimension not in DIMENSIONS:
        raise ValueError(f"indicator {indicator.code}: dimension must be one of {DIMENSIONS}")
    if indicator.direction not in (HIGHER, LOWER):
        raise ValueError(f"indicator {indicator.code}: direction must be {HIGHER!r} or {LOWER!r}")
    existing = REGISTRY.get(indicator.code)
    if existing is not None and existing.compute is not indicator.compute:
        raise ValueError(f"indicator {indicator.code!r} registered twice")
    REGISTRY[indicator.code] = indicator
    return indicator


def provider(
    *,
    code: str,
    dimension: str,
    label: Any,
    unit: Any,
    direction: str = HIGHER,
    formula: Any = "",
    records: str = "",
    indices: Iterable[str] = (),
    records_param: str = "community",
) -> Callable[[Compute], Compute]:
    def wrap(fn: Compute) -> Compute:
        register(
            Indicator(
                code=code,
                dimension=dimension,
                label=label,
                unit=unit,
                direction=direction,
                formula=formula,
                compute=fn,
                records=records,
                indices=frozenset(indices),
                records_param=records_param,
            )
        )
        return fn

    return wrap


def get(code: str) -> Indicator:
    return REGISTRY[code]


def all_indicators() -> list[Indicator]:
    return sorted(REGISTRY.values(), key=lambda i: (DIMENSIONS.index(i.dimension), i.code))


def populations(community_ids: Sequence[int]) -> dict[int, int]:
    """The reported population (上报人口) of each community: one query; a community without a
    figure (or with 0) is left out, so per-resident rates are "no value" there, not a division
    by zero."""
    from community365.regions.models import Region

    rows = Region.objects.filter(pk__in=list(community_ids), reported_population__gt=0).values_list(
        "pk", "reported_population"
    )
    return {pk: int(pop) for pk, pop in rows}


def per_1000(counts: Mapping[int, Any], pops: Mapping[int, int]) -> dict[int, Value]:
    """count ÷ population × 1000 for every community with a population (0 where no records)."""
    out: dict[int, Value] = {}
    for cid, pop in pops.items():
        n = Decimal(str(counts.get(cid) or 0))
        out[cid] = Value((n * 1000 / pop).quantize(Decimal("0.01")), numerator=n, denominator=pop)
    return out
