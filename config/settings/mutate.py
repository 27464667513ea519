"""Settings for `make mutate`: the test settings with one fixed SQLite test database that
pytest-django keeps between runs (--reuse-db), so that each mutant's test run does not
rebuild the demo district. Never used for the normal suite."""

import os

from .test import *  # noqa: F403
from .test import BASE_DIR, DATABASES

# mutmut runs the tests inside ./mutants, a copy of the project; the database lives outside it.
DATABASES["default"]["TEST"] = {
    "NAME": os.environ.get("C365_MUTATE_DB", str(BASE_DIR / "var" / "mutate.sqlite3")),
}
