"""The production settings (config.settings.prod) as `make bench` serves them, plus one page
that touches no database (``/bench/nodb``): the baseline every throughput is divided by."""

from config.settings.prod import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
