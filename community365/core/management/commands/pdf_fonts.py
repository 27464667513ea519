"""Cut the PDF faces to the common characters once (``core/pdf.py``), into
``settings.PDF_FONT_CACHE_DIR``: documents made from the cut faces are several times faster.
About 20 s a face on this machine's kind, the faces in parallel; a face already cut is kept.

    python manage.py pdf_fonts            # cut what is missing
    python manage.py pdf_fonts --check    # say what is there; exit 1 when a face is missing

Without the fonts installed it cuts nothing and says so (``--check`` fails), so that
``make setup`` still builds the rest on a machine where they cannot be installed yet.
"""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from community365.core import pdf


class Command(BaseCommand):
    help = "Cut the PDF faces to the common characters once, so that documents are made quickly."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check", action="store_true", help="say which faces are cut; exit 1 if one is not"
        )
        parser.add_argument("--jobs", type=int, default=2, help="faces cut at once (default 2)")
        parser.add_argument("--quiet", action="store_true", help="say only what was cut")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            paths = {face: pdf.common_face_path(face) for face in pdf.faces()}
        except pdf.FontMissing as missing_font:
            # `make setup` goes on without the fonts (a machine where they cannot be installed
            # yet); a document then fails with the same message, --check fails now.
            if options["check"]:
                raise CommandError(str(missing_font)) from None
            self.stderr.write(f"nothing cut: {missing_font}")
            return
        if any(path is None for path in paths.values()):
            raise CommandError("PDF_FONT_CACHE_DIR is not set: documents use the whole faces.")
        missing = [face for face, path in paths.items() if path is not None and not path.is_file()]
        if options["check"]:
            for face, path in paths.items():
                self.stdout.write(f"{face}: {'cut' if face not in missing else 'missing'} ({path})")
            if missing:
                raise CommandError(f"not cut: {', '.join(missing)} (run manage.py pdf_fonts)")
            return
        if missing:
            with ProcessPoolExecutor(max_workers=max(1, options["jobs"])) as pool:
                for face, path in zip(missing, pool.map(pdf.build_common_face, missing), strict=True):
                    self.stdout.write(f"{face}: cut to {path}")
        if not options["quiet"]:
            for face in paths:
                if face not in missing:
                    self.stdout.write(f"{face}: already cut ({paths[face]})")
