"""Open311 service attributes of a catalogue item (GeoReport v2, "GET Service Definition").

An item may ask for more than a description: the floor of a dark stairwell, how many lamps are
out, the kind of a fault. Each definition is a dict stored in ``CatalogueItem.attributes``:

    {"code": "floor", "datatype": "number", "required": True, "order": 1,
     "description": "几楼", "datatype_description": "1–40", "values": []}

``values`` ([{"key", "name"}]) only for ``singlevaluelist``/``multivaluelist``. Definitions are
checked by ``clean_definitions`` when an item is saved; the values a client sends by
``clean_values``, which returns every problem at once (the specification's error list)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from community365.core.errors import InvalidInput

DATATYPES = ("string", "number", "datetime", "text", "singlevaluelist", "multivaluelist")
# The edit page's words for them (the specification's names stay in the option values).
DATATYPE_LABELS = {
    "string": gettext_lazy("一行文字"),
    "number": gettext_lazy("数字"),
    "datetime": gettext_lazy("日期时间"),
    "text": gettext_lazy("多行文字"),
    "singlevaluelist": gettext_lazy("单选"),
    "multivaluelist": gettext_lazy("多选"),
}
LIST_TYPES = ("singlevaluelist", "multivaluelist")
MAX_ATTRIBUTES = 20
MAX_VALUES = 30
CODE_RE = re.compile(r"[A-Za-z0-9_-]{1,40}")
MAX_LENGTH = {"string": 200, "text": 2000}


def _flag(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true", "on", "yes")


def clean_definitions(raw: Any) -> list[dict[str, Any]]:
    """The attribute definitions of an item, normalised, sorted by ``order``; refused with a
    message naming the attribute when one is not well formed."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise InvalidInput(_("附加信息项格式不对。"), field="attributes")
    if len(raw) > MAX_ATTRIBUTES:
        raise InvalidInput(_("附加信息项最多 %(n)s 个。") % {"n": MAX_ATTRIBUTES}, field="attributes")
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, Mapping):
            raise InvalidInput(_("附加信息项格式不对。"), field="attributes")
        code = str(entry.get("code") or "").strip()
        label = code or str(index)
        if not CODE_RE.fullmatch(code):
            raise InvalidInput(
                _("第 %(i)s 个附加信息项的编码只能用字母、数字、- 和 _（至多 40 个）。") % {"i": index},
                field="attributes",
            )
        if code in seen:
            raise InvalidInput(_("附加信息项编码 %(c)s 重复了。") % {"c": code}, field="attributes")
        seen.add(code)
        datatype = str(entry.get("datatype") or "").strip()
        if datatype not in DATATYPES:
            raise InvalidInput(_("请为附加信息项 %(c)s 选择数据类型。") % {"c": label}, field="attributes")
        description = str(entry.get("description") or "").strip()
        if not description or len(description) > 200:
            raise InvalidInput(
                _("请为附加信息项 %(c)s 写一句提问（至多 200 字）。") % {"c": label}, field="attributes"
            )
        datatype_description = str(entry.get("datatype_description") or "").strip()
        if len(datatype_description) > 200:
            raise InvalidInput(
                _("附加信息项 %(c)s 的填写说明至多 200 字。") % {"c": label}, field="attributes"
            )
        try:
            order = int(entry.get("order") or index)
        except (TypeError, ValueError):
            order = -1
        if not 1 <= order <= 999:
            raise InvalidInput(
                _("附加信息项 %(c)s 的顺序应在 1–999 之间。") % {"c": label}, field="attributes"
            )
        values = _clean_choices(entry.get("values") or [], datatype, label)
        out.append(
            {
                "code": code,
                "datatype": datatype,
                "required": _flag(entry.get("required")),
                "datatype_description": datatype_description,
                "order": order,
                "description": description,
                "values": values,
            }
        )
    out.sort(key=lambda a: (a["order"], a["code"]))
    return out


def _clean_choices(raw: Any, datatype: str, label: str) -> list[dict[str, str]]:
    if datatype not in LIST_TYPES:
        if raw:
            raise InvalidInput(
                _("附加信息项 %(c)s 不是选择题，不能设选项。") % {"c": label}, field="attributes"
            )
        return []
    if not isinstance(raw, list) or not raw:
        raise InvalidInput(_("选择题 %(c)s 至少要有一个选项。") % {"c": label}, field="attributes")
    if len(raw) > MAX_VALUES:
        raise InvalidInput(
            _("选择题 %(c)s 的选项最多 %(n)s 个。") % {"c": label, "n": MAX_VALUES}, field="attributes"
        )
    choices: list[dict[str, str]] = []
    keys: set[str] = set()
    for value in raw:
        key = str((value or {}).get("key") or "").strip() if isinstance(value, Mapping) else ""
        name = str((value or {}).get("name") or "").strip() if isinstance(value, Mapping) else ""
        if not CODE_RE.fullmatch(key) or not name or len(name) > 60:
            raise InvalidInput(
                _("选择题 %(c)s 的选项要写成“键=名称”，键只能用字母、数字、- 和 _。") % {"c": label},
                field="attributes",
            )
        if key in keys:
            raise InvalidInput(
                _("选择题 %(c)s 的选项 %(k)s 重复了。") % {"c": label, "k": key}, field="attributes"
            )
        keys.add(key)
        choices.append({"key": key, "name": name})
    return choices


def parse_choices(text: str) -> list[dict[str, str]]:
    """Options typed on the edit page, one a line (or separated by ；/;): ``key=名称``."""
    out = []
    for part in re.split(r"[\n;；]+", text or ""):
        part = part.strip()
        if not part:
            continue
        key, _sep, name = part.partition("=")
        out.append({"key": key.strip(), "name": (name or key).strip()})
    return out


def choices_text(values: list[dict[str, str]]) -> str:
    return "\n".join(f"{v['key']}={v['name']}" for v in values)


# --- values sent with a request ---------------------------------------------------------------------


def clean_values(
    definitions: list[dict[str, Any]], raw: Mapping[str, list[str]]
) -> tuple[dict[str, Any], list[str]]:
    """The values of ``raw`` (code → the strings sent) checked against the item's definitions:
    (cleaned values, problems). Problems are English sentences for the Open311 error list, one
    per attribute: missing required, not a number, not a date and time, not one of the keys, an
    attribute the item does not define."""
    known = {d["code"]: d for d in definitions}
    values: dict[str, Any] = {}
    problems: list[str] = [
        f"attribute[{code}] is not an attribute of this service" for code in raw if code not in known
    ]
    for code, definition in known.items():
        sent = [s.strip() for s in raw.get(code, []) if s is not None and s.strip()]
        if not sent:
            if definition["required"]:
                problems.append(f"attribute[{code}] is required ({definition['description']})")
            continue
        datatype = definition["datatype"]
        if datatype != "multivaluelist" and len(sent) > 1:
            problems.append(f"attribute[{code}] takes one value")
            continue
        value = sent[0]
        if datatype in MAX_LENGTH:
            if len(value) > MAX_LENGTH[datatype]:
                problems.append(f"attribute[{code}] is longer than {MAX_LENGTH[datatype]} characters")
                continue
            values[code] = value
        elif datatype == "number":
            try:
                number = float(value)
            except ValueError:
                number = math.nan
            if not math.isfinite(number) or len(value) > 30:
                problems.append(f"attribute[{code}] must be a number")
                continue
            values[code] = int(number) if number.is_integer() and "." not in value else number
        elif datatype == "datetime":
            parsed = parse_datetime(value.replace(" ", "+")) if len(value) <= 40 else None
            if parsed is None:
                problems.append(f"attribute[{code}] must be an ISO 8601 date and time")
                continue
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            values[code] = parsed.isoformat(timespec="seconds")
        else:
            keys = {v["key"] for v in definition["values"]}
            wrong = [s for s in sent if s not in keys]
            if wrong:
                problems.append(f"attribute[{code}] must be one of: {', '.join(sorted(keys))}")
                continue
            values[code] = list(dict.fromkeys(sent)) if datatype == "multivaluelist" else value
    return values, problems


def shown(definitions: list[dict[str, Any]], values: Mapping[str, Any]) -> list[dict[str, str]]:
    """The stored values for the request page: the question and the answer in words (option
    names, not keys); values of attributes since removed keep their code as the question."""
    by_code = {d["code"]: d for d in definitions}
    rows = []
    for code, value in values.items():
        definition = by_code.get(code)
        names = {v["key"]: v["name"] for v in (definition or {}).get("values", [])}
        if isinstance(value, list):
            answer = "、".join(str(names.get(v, v)) for v in value)
        elif definition and definition["datatype"] == "datetime":
            parsed = parse_datetime(str(value))
            answer = timezone.localtime(parsed).strftime("%Y-%m-%d %H:%M") if parsed else str(value)
        else:
            answer = names.get(str(value), str(value))
        rows.append({"question": definition["description"] if definition else code, "answer": answer})
    return rows


def spec_attribute(definition: dict[str, Any]) -> dict[str, Any]:
    """One definition as the specification writes it (``variable`` true: the client fills it)."""
    return {
        "variable": True,
        "code": definition["code"],
        "datatype": definition["datatype"],
        "required": definition["required"],
        "datatype_description": definition["datatype_description"] or None,
        "order": definition["order"],
        "description": definition["description"],
        "values": definition["values"],
    }


def sent_attributes(data: Any) -> dict[str, list[str]]:
    """``attribute[code]=v`` and ``attribute[code][]=v`` (a multivaluelist) from a form body."""
    out: dict[str, list[str]] = {}
    for name in data:
        match = re.fullmatch(r"attribute\[([^\[\]]{1,60})\](\[\])?", name)
        if match:
            out.setdefault(match.group(1), []).extend(data.getlist(name))
    return out
