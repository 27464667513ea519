"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) for the service desk, under
``/open311/v2/``: discovery, services (list and definition), requests (create, list, one), each
in ``.xml`` (the format the specification requires) and ``.json``.

- Field names, status values and the error format (``[{"code", "description"}]`` /
  ``<errors><error>…``) are the specification's; times are ISO 8601 with the zone.
- ``POST requests`` needs the ``api_key`` of a client system (``Open311Client``, issued by the
  district admin; ``manage.py open311_key <name>``); reads need none and never return personal
  data (no name, phone or e-mail).
- The desk has more states than open/closed: with ``extended_statuses=1`` a request's status is
  one of the values FixMyStreet's Open311 extension uses (``in_progress``, ``investigating``,
  ``internal_referral``, ``fixed``, ``duplicate``, …); without it, plain ``open``/``closed``.
- Location: ``lat``+``long`` (together, in range; stored and returned), ``address_id`` or
  ``address_string``; a point alone cannot be placed in a community and is refused with a 400
  that says so. Service attributes (``desk/attributes.py``): listed in the definition, sent as
  ``attribute[code]``, every problem returned at once in the error list."""

from __future__ import annotations

import datetime
import decimal
from typing import Any
from xml.etree import ElementTree as ET

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from community365.core.actors import SystemActor
from community365.core.errors import DomainError
from community365.core.ids import valid_id
from community365.regions.models import COMMUNITY_KINDS, Region, RegionKind

from . import selectors, services
from .attributes import clean_values, sent_attributes, spec_attribute
from .models import OPEN_STATUSES, CatalogueItem, RequestStatus, ServiceRequest

SPEC = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-30T00:00:00+08:00"
MAX_RESULTS = 1000
DEFAULT_SPAN = datetime.timedelta(days=90)

PLAIN_STATUS: dict[str, str] = {s: ("open" if s in OPEN_STATUSES else "closed") for s in RequestStatus.values}
EXTENDED_STATUS: dict[str, str] = {
    RequestStatus.SUBMITTED: "open",
    RequestStatus.ACCEPTED: "in_progress",
    RequestStatus.WAITING: "investigating",
    RequestStatus.CLOSED: "fixed",
    RequestStatus.CONFIRMED: "closed",
    RequestStatus.MERGED: "duplicate",
}
# An extended status asked for in ``status=`` → the desk's states.
EXTENDED_FILTER: dict[str, list[str]] = {
    "open": list(OPEN_STATUSES),
    "closed": [RequestStatus.CLOSED, RequestStatus.CONFIRMED, RequestStatus.MERGED],
    "in_progress": [RequestStatus.ACCEPTED],
    "investigating": [RequestStatus.WAITING],
    "fixed": [RequestStatus.CLOSED],
    "duplicate": [RequestStatus.MERGED],
}


class Open311Error(Exception):
    """A refusal in the specification's format: one or more descriptions under one code."""

    def __init__(self, status: int, description: str, *more: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.descriptions = [description, *more]


# --- rendering ------------------------------------------------------------------------------------


def _iso(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _xml_value(parent: ET.Element, tag: str, value: Any) -> None:
    node = ET.SubElement(parent, tag)
    if isinstance(value, bool):
        node.text = "true" if value else "false"
    elif isinstance(value, list):
        child_tag = {
            "formats": "format",
            "endpoints": "endpoint",
            "attributes": "attribute",
            "values": "value",
        }.get(tag, "item")
        for item in value:
            if isinstance(item, dict):
                _xml_dict(ET.SubElement(node, child_tag), item)
            else:
                ET.SubElement(node, child_tag).text = str(item)
    elif isinstance(value, dict):
        _xml_dict(node, value)
    elif value is not None:
        node.text = str(value)


def _xml_dict(node: ET.Element, data: dict[str, Any]) -> None:
    for key, value in data.items():
        _xml_value(node, key, value)


def _xml_response(root_tag: str, item_tag: str | None, data: Any, status: int = 200) -> HttpResponse:
    root = ET.Element(root_tag)
    if item_tag is None:
        _xml_dict(root, data)
    else:
        for item in data:
            _xml_dict(ET.SubElement(root, item_tag), item)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(
        root, encoding="utf-8", xml_declaration=False
    )
    return HttpResponse(body, status=status, content_type="text/xml; charset=utf-8")


def _respond(fmt: str, root_tag: str, item_tag: str | None, data: Any, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        return _xml_response(root_tag, item_tag, data, status)
    return JsonResponse(data, status=status, safe=False, json_dumps_params={"ensure_ascii": False})


def _error(fmt: str, status: int, description: str, *more: str) -> HttpResponse:
    errors = [{"code": status, "description": d} for d in (description, *more)]
    return _respond(fmt, "errors", "error", errors, status)


def _handled(fn: Any) -> Any:
    """Turns refusals into the specification's error list, in the asked format."""

    def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
        try:
            return fn(request, *args, fmt=fmt, **kwargs)
        except Open311Error as exc:
            return _error(fmt, exc.status, *exc.descriptions)
        except DomainError as exc:
            status = 404 if exc.status == 404 else (409 if exc.status == 409 else 400)
            field = f"{exc.field}: " if exc.field else ""
            return _error(fmt, status, f"{field}{exc.message}")

    wrapper.__name__ = fn.__name__
    wrapper.__doc__ = fn.__doc__
    return wrapper


# --- the district served ----------------------------------------------------------------------------


def _district(request: HttpRequest) -> Region:
    code = (request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id") or "").strip()
    districts = Region.objects.filter(kind=RegionKind.DISTRICT)
    district = districts.filter(code=code).first() if code else districts.order_by("id").first()
    if district is None:
        raise Open311Error(404, "jurisdiction_id not found")
    return district


def _service_out(item: CatalogueItem) -> dict[str, Any]:
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": item.description or item.name,
        "metadata": bool(item.attributes),
        "type": "realtime",
        "keywords": item.get_deliverer_display(),
        "group": item.get_category_display(),
    }


def _request_out(req: ServiceRequest, extended: bool) -> dict[str, Any]:
    status_map = EXTENDED_STATUS if extended else PLAIN_STATUS
    return {
        "service_request_id": req.pk,
        "status": status_map[req.status],
        "status_notes": req.resolution or None,
        "service_name": req.item.name,
        "service_code": req.item.code,
        "description": req.text,
        "agency_responsible": selectors.holder_of(req) or req.community.name,
        "service_notice": None,
        "requested_datetime": _iso(req.created_at),
        "updated_datetime": _iso(req.updated_at),
        "expected_datetime": _iso(req.resolution_due),
        "address": f"{req.community.name} {req.region.name}"
        if req.region_id != req.community_id
        else req.community.name,
        "address_id": req.region.code,
        "zipcode": None,
        "lat": float(req.lat) if req.lat is not None else None,
        "long": float(req.long) if req.long is not None else None,
        "media_url": None,
    }


# --- endpoints --------------------------------------------------------------------------------------


@require_http_methods(["GET"])
@_handled
def discovery(request: HttpRequest, *, fmt: str) -> HttpResponse:
    base = request.build_absolute_uri(reverse("open311_root"))
    data = {
        "changeset": CHANGESET,
        "contact": "社区365 服务台 (Community 365 service desk)",
        "key_service": "API keys are issued to client systems by the district administrator.",
        "endpoints": [
            {
                "specification": SPEC,
                "url": base.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _respond(fmt, "discovery", None, data)


@require_http_methods(["GET"])
@_handled
def service_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    district = _district(request)
    items = CatalogueItem.objects.filter(district=district, region__isnull=True, active=True).order_by(
        "category", "id"
    )
    return _respond(fmt, "services", "service", [_service_out(i) for i in items])


@require_http_methods(["GET"])
@_handled
def service_definition(request: HttpRequest, code: str, *, fmt: str) -> HttpResponse:
    district = _district(request)
    item = CatalogueItem.objects.filter(district=district, code=code, active=True).first()
    if item is None:
        raise Open311Error(404, f"service_code {code} not found")
    definition = {
        "service_code": item.code,
        "attributes": [spec_attribute(a) for a in item.attributes or []],
    }
    return _respond(fmt, "service_definition", None, definition)


def _place(client_district: Region, address_id: str, address_string: str) -> Region:
    if address_id:
        place = Region.objects.filter(code=address_id.strip(), district=client_district).first()
        if place is None or place.kind not in (
            *COMMUNITY_KINDS,
            RegionKind.GRID,
            RegionKind.BUILDING,
            RegionKind.STAIRWELL,
        ):
            raise Open311Error(
                400, "address_id is not a community, grid, building or stairwell of this jurisdiction"
            )
        return place
    communities = Region.objects.filter(district=client_district, kind__in=list(COMMUNITY_KINDS))
    for community in communities.order_by("-depth", "id").only(
        "id", "name", "path", "code", "district_id", "kind", "depth"
    ):
        if community.name and community.name in address_string:
            return community
    raise Open311Error(400, "address_string does not name a community of this jurisdiction; give address_id")


@_handled
def create_request(request: HttpRequest, *, fmt: str) -> HttpResponse:
    data = request.POST
    key = (data.get("api_key") or "").strip()
    if not key:
        raise Open311Error(400, "api_key is required")
    client = services.open311_client_for(key)
    if client is None:
        raise Open311Error(403, "Invalid api_key received -- can't proceed with create_request.")
    code = (data.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, "service_code is required")
    item = CatalogueItem.objects.filter(district_id=client.district_id, code=code, active=True).first()
    if item is None:
        raise Open311Error(400, f"service_code {code} not found")
    description = (data.get("description") or "").strip()
    if not description:
        raise Open311Error(400, "description is required")
    address_id = (data.get("address_id") or "").strip()
    address_string = (data.get("address_string") or "").strip()
    point = _point(data)
    if not address_id and not address_string:
        if point is None:
            raise Open311Error(400, "a location is required: lat and long, address_string or address_id")
        raise Open311Error(
            400,
            "lat/long received, but this jurisdiction routes requests by community: "
            "also give address_id (a community, grid, building or stairwell code) or an address_string "
            "naming the community",
        )
    values, problems = clean_values(item.attributes or [], sent_attributes(data))
    if problems:
        raise Open311Error(400, *problems)
    place = _place(client.district, address_id, address_string)
    req = services.request_from_open311(
        actor=SystemActor(f"open311:{client.name}"),
        client=client,
        item=item,
        place=place,
        text=description,
        contact_phone=(data.get("phone") or "")[:20],
        contact_email=(data.get("email") or "")[:120],
        lat=point[0] if point else None,
        long=point[1] if point else None,
        attribute_values=sent_attributes(data) if values else None,
    )
    out = [{"service_request_id": req.pk, "service_notice": None, "account_id": None}]
    return _respond(fmt, "service_requests", "request", out, 201)


def _coordinate(text: str, name: str, limit: int) -> decimal.Decimal:
    try:
        value = decimal.Decimal(text) if len(text) <= 30 else decimal.Decimal("nan")
    except decimal.InvalidOperation:
        value = decimal.Decimal("nan")
    if not value.is_finite() or not -limit <= value <= limit:
        raise Open311Error(400, f"{name} must be a number from -{limit} to {limit} (WGS84 decimal degrees)")
    return value


def _point(data: Any) -> tuple[decimal.Decimal, decimal.Decimal] | None:
    """``lat`` and ``long`` together (the specification sends both or neither), in range."""
    lat = (data.get("lat") or "").strip()
    long = (data.get("long") or "").strip()
    if not lat and not long:
        return None
    if not lat or not long:
        raise Open311Error(400, "lat and long must be given together")
    return _coordinate(lat, "lat", 90), _coordinate(long, "long", 180)


def _parse_time(value: str, name: str) -> datetime.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value.strip().replace(" ", "+"))
    if parsed is None:
        raise Open311Error(400, f"{name} must be an ISO 8601 date and time")
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _extended(request: HttpRequest) -> bool:
    return request.GET.get("extended_statuses", "") in ("1", "true", "yes")


@_handled
def requests_list(request: HttpRequest, *, fmt: str) -> HttpResponse:
    extended = _extended(request)
    district = _district(request)
    qs = ServiceRequest.objects.filter(district=district).select_related(
        "item", "community", "region", "assignee", "department", "team", "organisation"
    )
    ids = [p.strip() for p in request.GET.get("service_request_id", "").split(",") if p.strip()]
    if ids:
        if not all(p.isdigit() and len(p) <= 10 for p in ids):
            raise Open311Error(400, "service_request_id must be a comma-separated list of numbers")
        items = list(qs.filter(pk__in=[int(p) for p in ids]).order_by("-created_at", "-id")[:MAX_RESULTS])
        return _respond(fmt, "service_requests", "request", [_request_out(r, extended) for r in items])
    codes = [p.strip() for p in request.GET.get("service_code", "").split(",") if p.strip()]
    if codes:
        qs = qs.filter(item__code__in=codes)
    start = _parse_time(request.GET.get("start_date", ""), "start_date")
    end = _parse_time(request.GET.get("end_date", ""), "end_date")
    if start is None and end is None:
        start = timezone.now() - DEFAULT_SPAN
    if start is not None:
        qs = qs.filter(created_at__gte=start)
    if end is not None:
        qs = qs.filter(created_at__lte=end)
    wanted = [p.strip() for p in request.GET.get("status", "").split(",") if p.strip()]
    if wanted:
        allowed = EXTENDED_FILTER if extended else {k: EXTENDED_FILTER[k] for k in ("open", "closed")}
        unknown = [w for w in wanted if w not in allowed]
        if unknown:
            raise Open311Error(400, f"unknown status: {', '.join(unknown)}")
        qs = qs.filter(status__in=[s for w in wanted for s in allowed[w]])
    items = list(qs.order_by("-created_at", "-id")[:MAX_RESULTS])
    return _respond(fmt, "service_requests", "request", [_request_out(r, extended) for r in items])


@csrf_exempt
@require_http_methods(["GET", "POST"])
def requests_endpoint(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return create_request(request, fmt=fmt)
    return requests_list(request, fmt=fmt)


@require_http_methods(["GET"])
@_handled
def request_detail(request: HttpRequest, request_id: int, *, fmt: str) -> HttpResponse:
    district = _district(request)
    req = None
    if valid_id(request_id):
        req = (
            ServiceRequest.objects.filter(district=district, pk=int(request_id))
            .select_related("item", "community", "region", "assignee", "department", "team", "organisation")
            .first()
        )
    if req is None:
        raise Open311Error(404, f"service_request_id {request_id} not found")
    return _respond(fmt, "service_requests", "request", [_request_out(req, _extended(request))])


def root(request: HttpRequest) -> HttpResponse:
    return discovery(request, fmt="json")
