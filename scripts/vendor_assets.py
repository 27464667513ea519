"""Copy the front-end assets installed from the npm registry into static/vendor.

The platform runs on intranets with no internet, so nothing is loaded from a CDN: the few
files the pages need are taken from node_modules (installed by `npm ci`) and served by Django.
"""

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FILES = {
    "node_modules/htmx.org/dist/htmx.min.js": "static/vendor/htmx.min.js",
    "node_modules/echarts/dist/echarts.min.js": "static/vendor/echarts.min.js",
    "node_modules/@picocss/pico/css/pico.min.css": "static/vendor/pico.min.css",
}


def main() -> int:
    for source, target in FILES.items():
        src, dst = ROOT / source, ROOT / target
        if not src.exists():
            print(f"missing {source}: run `npm ci` first", file=sys.stderr)
            return 1
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dst)
    print(f"vendored {len(FILES)} assets into static/vendor")
    return 0


if __name__ == "__main__":
    sys.exit(main())
