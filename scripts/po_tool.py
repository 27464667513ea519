"""Small helper for the English catalogue: list untranslated or fuzzy entries, or fill them from
a JSON map {msgid: msgstr}. `python scripts/po_tool.py check` exits 1 while any remain."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def _unquote(block: str) -> str:
    return "".join(json.loads(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', block))


def entries(text: str) -> list[str]:
    return text.strip().split("\n\n")


def field(entry: str, name: str) -> str | None:
    match = re.search(rf"^{name} ((?:\".*\"\n?)+)", entry + "\n", re.M)
    return _unquote(match.group(1)) if match else None


def problems(text: str) -> list[str]:
    found = []
    for entry in entries(text)[1:]:
        msgid = field(entry, "msgid") or ""
        translated = field(entry, "msgstr") if "msgid_plural" not in entry else field(entry, r"msgstr\[0\]")
        if "#, fuzzy" in entry or "#| msgid" in entry or not translated:
            found.append(msgid)
    return found


def fill(text: str, mapping: dict[str, str]) -> str:
    out = [entries(text)[0]]
    for entry in entries(text)[1:]:
        msgid = field(entry, "msgid") or ""
        if msgid in mapping and "msgid_plural" not in entry:
            entry = re.sub(r"^#, fuzzy\n", "", entry, flags=re.M)
            entry = re.sub(r"^#, fuzzy, (.*)$", r"#, \1", entry, flags=re.M)
            entry = re.sub(r"^#\| .*\n", "", entry, flags=re.M)
            entry = re.sub(
                r"^msgstr (?:\".*\"\n?)+",
                "msgstr " + json.dumps(mapping[msgid], ensure_ascii=False),
                entry + "\n",
                flags=re.M,
            ).rstrip("\n")
        out.append(entry)
    return "\n\n".join(out) + "\n"


def main() -> int:
    text = PO.read_text()
    if sys.argv[1:2] == ["check"]:
        missing = problems(text)
        for msgid in missing:
            print(f"untranslated or fuzzy: {msgid!r}")
        return 1 if missing else 0
    if sys.argv[1:2] == ["fill"]:
        PO.write_text(fill(text, json.loads(Path(sys.argv[2]).read_text())))
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main())
