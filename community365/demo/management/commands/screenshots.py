"""Save each demo persona's home page as seen on a phone (390×844) into docs/screens/.

    python manage.py screenshots                 # starts the demo server on a free port
    python manage.py screenshots --url http://127.0.0.1:8000 --lang en --size 1280x800

Needs the demo database (`make demo` or `manage.py seed_demo`) and Debian's chromium."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from community365.demo.generator import PERSONAS

CHROMIUM = "/usr/bin/chromium"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):  # noqa: S310 (our own server)
                return
        except OSError:
            time.sleep(0.3)
    raise CommandError(f"the demo server at {url} did not answer")


class Command(BaseCommand):
    help = "Screenshot every demo persona's home page on a phone into docs/screens/<persona>.png"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--url", default="", help="a running demo server (default: start one)")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "docs" / "screens"))
        parser.add_argument("--size", default="390x844", help="viewport WIDTHxHEIGHT")
        parser.add_argument("--lang", default="zh-hans", choices=["zh-hans", "en"])
        parser.add_argument("--path", default="/", help="the page to capture (default: home)")
        parser.add_argument("--persona", action="append", help="only these personas (repeatable)")
        parser.add_argument("--suffix", default="", help="appended to the file name")

    def handle(self, *args: Any, **options: Any) -> None:
        from playwright.sync_api import sync_playwright

        width, height = (int(x) for x in options["size"].split("x"))
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        names = options["persona"] or [p.username for p in PERSONAS]
        server = None
        url = options["url"].rstrip("/")
        if not url:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(  # noqa: S603 (our own manage.py, fixed arguments)
                [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--insecure"],
                cwd=settings.BASE_DIR,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        try:
            wait_for(url)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                for name in names:
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, device_scale_factor=1, locale="zh-CN"
                    )
                    context.add_cookies(
                        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": options["lang"], "url": url}]
                    )
                    page = context.new_page()
                    page.goto(f"{url}/login/")
                    page.fill("input[name=username]", name)
                    page.fill("input[name=password]", settings.DEMO_PASSWORD)
                    page.click("main button[type=submit]")
                    page.wait_for_url(f"{url}/")
                    if options["path"] != "/":
                        page.goto(url + options["path"])
                    target = out / f"{name}{options['suffix']}.png"
                    page.screenshot(path=str(target))
                    context.close()
                    self.stdout.write(f"{target} ({target.stat().st_size // 1024} KB)")
                browser.close()
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
