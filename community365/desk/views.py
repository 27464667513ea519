"""The desk's pages: the catalogue of a community (public), a resident's requests and the form to
make one, the desk's list and a request's page with what the viewer may do, the hotline import
and the figures. Thin: load through the policies (invisible ⇒ 404), call a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from community365.core import permissions
from community365.core.errors import DomainError, NotFound
from community365.core.phrases import render as render_phrase
from community365.people.models import User
from community365.regions.models import COMMUNITY_KINDS, Department, Region, RegionKind, ServiceCentre
from community365.wishes.models import ServiceCategory

from . import figures as desk_figures
from . import policies, selectors, services
from .calendar import DESK_PERIODS
from .hotline import hotline_import
from .models import ContactWay, HotlineImport, RequestStatus, ServiceRequest

PAGE_SIZE = 20


def _int(value: Any) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if policies.valid_id(number) else None


def _home_community(user: Any) -> Region | None:
    """The community a user belongs to: a resident's, or the first community-level grant's."""
    for grant in permissions.grants_of(user):
        region = Region.objects.filter(pk=grant.region_id, kind__in=list(COMMUNITY_KINDS)).first()
        if region is not None:
            return region
    return None


def _handles_somewhere(user: Any) -> bool:
    paths = policies.handling_communities(user)
    return paths is None or bool(paths)


# --- the catalogue (public) -----------------------------------------------------------------------


@require_GET
def catalogue_index(request: HttpRequest) -> HttpResponse:
    communities = (
        Region.objects.filter(kind__in=list(COMMUNITY_KINDS)).order_by("path").only("id", "name", "path")
    )
    return render(request, "desk/catalogue_index.html", {"communities": communities})


@require_GET
def catalogue(request: HttpRequest, community_id: int) -> HttpResponse:
    community = (
        Region.objects.filter(pk=community_id, kind__in=list(COMMUNITY_KINDS)).first()
        if policies.valid_id(community_id)
        else None
    )
    if community is None:
        raise Http404
    items = list(
        services.items_for(community)
        .select_related("department", "team", "organisation")
        .order_by("category", "id")
    )
    groups = []
    for value, label in ServiceCategory.choices:
        in_group = [i for i in items if i.category == value]
        if in_group:
            groups.append({"label": label, "items": in_group})
    centres = ServiceCentre.objects.filter(region__path__startswith=community.path).order_by("id")
    can_raise = permissions.has_perm_at(request.user, policies.RAISE.name, community.path) or (
        request.user.is_authenticated
        and permissions.has_perm_at(request.user, policies.HANDLE.name, community.path)
    )
    return render(
        request,
        "desk/catalogue.html",
        {
            "community": community,
            "groups": groups,
            "centres": centres,
            "periods": DESK_PERIODS,
            "can_raise": can_raise,
        },
    )


# --- requests ---------------------------------------------------------------------------------------


@login_required
@require_GET
def desk_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    staff = (
        _handles_somewhere(user)
        or bool(policies.liaison_departments(user))
        or bool(
            permissions.scope_paths(user, policies.VIEW.name) is None
            or permissions.scope_paths(user, policies.VIEW.name)
        )
    )
    f = selectors.RequestFilter(
        status=(request.GET.get("status") or "")[:20],
        community=_int(request.GET.get("community")),
        category=(request.GET.get("category") or "")[:20],
        mine=request.GET.get("mine") == "1" or not staff,
        overdue=request.GET.get("overdue") == "1",
        department=request.GET.get("department") == "1",
        **_drill_filters(request),
    )
    qs = selectors.requests_for(user, f)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [
        {"req": r, "overdue": selectors.overdue(r, now), "holder": selectors.holder_of(r)}
        for r in page.object_list
    ]
    params = request.GET.copy()
    params.pop("page", None)
    community = _home_community(user)
    return render(
        request,
        "desk/home.html",
        {
            "rows": rows,
            "page": page,
            "f": f,
            "staff": staff,
            "querystring": params.urlencode(),
            "statuses": RequestStatus.choices,
            "categories": ServiceCategory.choices,
            "community": community,
            "can_new": community is not None
            and (
                permissions.has_perm_at(user, policies.RAISE.name, community.path)
                or permissions.has_perm_at(user, policies.HANDLE.name, community.path)
            ),
            "sees_hotline": permissions.scope_paths(user, policies.HOTLINE.name) != [],
            "sees_figures": permissions.scope_paths(user, policies.FIGURES.name) != [],
            **keeper_links(user),
            **_drill_context(request, f),
            **_hot_spot_link(user),
        },
    )


def _places(community: Region) -> list[tuple[int, str]]:
    """The community and its grids, buildings and stairwells, each labelled with the names of
    the places above it inside the community (one query)."""
    rows = list(
        Region.objects.filter(path__startswith=community.path)
        .order_by("path")
        .values_list("pk", "name", "path", "kind")[:800]
    )
    names: dict[str, str] = {}
    out: list[tuple[int, str]] = []
    for pk, name, path, kind in rows:
        parent = names.get(path[: -Region.steplen], "") if path != community.path else ""
        label = f"{parent} {name}".strip() if kind != RegionKind.GRID else name
        names[path] = label if kind in (RegionKind.BUILDING, RegionKind.STAIRWELL) else ""
        out.append((pk, label if path != community.path else name))
    return out


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    community = None
    wanted = _int(request.GET.get("community") or request.POST.get("community"))
    if wanted:
        community = Region.objects.filter(pk=wanted, kind__in=list(COMMUNITY_KINDS)).first()
    community = community or _home_community(user)
    if community is None:
        raise Http404
    assisting = permissions.has_perm_at(user, policies.HANDLE.name, community.path)
    if not assisting and not permissions.has_perm_at(user, policies.RAISE.name, community.path):
        raise Http404
    items = list(services.items_for(community).order_by("category", "id"))
    if not assisting:
        items = [i for i in items if i.online]
    values: dict[str, Any] = {"contact_way": ContactWay.PHONE}
    if request.method == "POST":
        values = request.POST.dict()
        item = next((i for i in items if i.pk == _int(request.POST.get("item"))), None)
        place = Region.objects.filter(
            pk=_int(request.POST.get("place")), path__startswith=community.path
        ).first()
        photos = request.FILES.getlist("photos")
        try:
            if item is None:
                raise NotFound(_("请选择服务事项。"))
            if place is None:
                raise NotFound(_("请选择地点。"))
            common = {
                "actor": user,
                "item": item,
                "place": place,
                "text": request.POST.get("text", ""),
                "contact_way": request.POST.get("contact_way", ContactWay.PHONE),
                "contact_phone": request.POST.get("contact_phone", ""),
            }
            if assisting:
                req = services.request_assist(**common)
            else:
                req = services.request_raise(**common, photos=photos)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("诉求已提交，服务台会按时限答复。"))
            return redirect("service_request", req.pk)
    return render(
        request,
        "desk/form.html",
        {
            "community": community,
            "items": items,
            "places": _places(community),
            "assisting": assisting,
            "values": values,
            "contact_ways": ContactWay.choices,
        },
    )


def _get(request: HttpRequest, request_id: int) -> ServiceRequest:
    try:
        return policies.get_visible_request(request.user, request_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    req = _get(request, request_id)
    now = timezone.now()
    actions = selectors.actions_for(request.user, req, now)
    context: dict[str, Any] = {
        "req": req,
        "events": selectors.events_of(req),
        "photos": list(req.photos.all()),
        "actions": actions,
        "overdue": selectors.overdue(req, now),
        "holder": selectors.holder_of(req),
        "contact": selectors.contact_of(request.user, req),
        "callbacks": list(req.callbacks.select_related("worker").order_by("at")),
        **open311_details(request.user, req),
    }
    if "transfer" in actions:
        context["workers"] = list(
            User.objects.filter(
                role_assignments__role="social_worker",
                role_assignments__region=req.community,
                role_assignments__revoked_at__isnull=True,
            )
            .distinct()
            .order_by("id")
        )
    if "transfer" in actions or "escalate" in actions:
        context["departments"] = list(Department.objects.filter(district_id=req.district_id).order_by("id"))
    if "merge" in actions:
        context["duplicates"] = list(
            ServiceRequest.objects.filter(
                community_id=req.community_id, item_id=req.item_id, status__in=list(services.OPEN_STATUSES)
            )
            .exclude(pk=req.pk)
            .order_by("-created_at")[:20]
        )
    context.update(task_form_context(request.user, req))  # deskflow: the request's tasks
    if any(t["task"].state == "open" for t in context["tasks"]):
        # closing (or merging away) waits for the tasks: the page does not offer it
        context["actions"] = [a for a in context["actions"] if a not in ("close", "merge")]
    return render(request, "desk/detail.html", context)


@login_required
@require_POST
def request_act(request: HttpRequest, request_id: int) -> HttpResponse:
    req = _get(request, request_id)
    action = request.POST.get("action", "")
    post = request.POST
    user = request.user
    done = {
        "accept": _("已受理。"),
        "transfer": _("已转交。"),
        "merge": _("已合并。"),
        "escalate": _("已上报。"),
        "pause": _("已暂停计时，等待居民。"),
        "resume": _("已继续办理。"),
        "close": _("已办结，等待居民评价。"),
        "rate": _("谢谢您的评价。"),
        "reopen": _("已重新办理。"),
        "callback": _("回访已记录。"),
    }
    try:
        if action == "accept":
            services.request_accept(actor=user, req=req)
        elif action == "transfer":
            worker = (
                User.objects.filter(pk=_int(post.get("worker")) or 0).first() if post.get("worker") else None
            )
            department = (
                Department.objects.filter(pk=_int(post.get("department")) or 0).first()
                if post.get("department")
                else None
            )
            services.request_transfer(
                actor=user, req=req, reason=post.get("reason", ""), worker=worker, department=department
            )
        elif action == "merge":
            into = policies.get_visible_request(user, _int(post.get("into")) or 0)
            services.request_merge(actor=user, req=req, into=into)
        elif action == "escalate":
            department = (
                Department.objects.filter(pk=_int(post.get("department")) or 0).first()
                if post.get("department")
                else None
            )
            services.request_escalate(
                actor=user, req=req, reason=post.get("reason", ""), department=department
            )
        elif action == "pause":
            services.request_pause(actor=user, req=req, reason=post.get("reason", ""))
        elif action == "resume":
            services.request_resume(actor=user, req=req)
        elif action == "close":
            services.request_close(actor=user, req=req, resolution=post.get("resolution", ""))
        elif action == "rate":
            services.request_rate(actor=user, req=req, rating=post.get("rating"))
        elif action == "reopen":
            services.request_reopen(
                actor=user, req=req, reason=post.get("reason", ""), rating=post.get("rating") or None
            )
        elif action == "callback":
            satisfied = {"1": True, "0": False}.get(post.get("satisfied", ""))
            services.callback_record(
                actor=user,
                req=req,
                reached=post.get("reached", "1") == "1",
                satisfied=satisfied,
                note=post.get("note", ""),
            )
        else:
            raise NotFound(_("没有这个操作。"))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done[action])
    return redirect("service_request", req.pk)


# --- the hotline --------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def hotline(request: HttpRequest) -> HttpResponse:
    grants = permissions.scope_grants(request.user, policies.HOTLINE.name)
    if not grants and not permissions.is_global(request.user):
        raise Http404
    district_id = (
        grants[0].district_id
        if grants
        else Region.objects.filter(kind=RegionKind.DISTRICT)
        .order_by("id")
        .values_list("pk", flat=True)
        .first()
    )
    district = Region.objects.get(pk=district_id)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise NotFound(_("请选择文件。"))
            batch = hotline_import(
                actor=request.user, district=district, filename=upload.name or "", data=upload.read()
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("导入完成：新增 %(a)s，重复 %(d)s，拒收 %(r)s。")
                % {"a": batch.added, "d": batch.duplicates, "r": batch.refused},
            )
            return redirect(f"{reverse('services_hotline')}?batch={batch.pk}")
    batches = list(HotlineImport.objects.filter(district=district).order_by("-created_at", "-id")[:10])
    chosen = None
    batch_id = _int(request.GET.get("batch"))
    if batch_id:
        chosen = HotlineImport.objects.filter(district=district, pk=batch_id).first()
    report = []
    if chosen is not None:
        words = {
            "added": render_phrase("desk.result.added"),
            "duplicate": render_phrase("desk.result.duplicate"),
            "refused": render_phrase("desk.result.refused"),
        }
        report = [
            {
                **row,
                "word": words.get(row["result"], row["result"]),
                "text": render_phrase(row["code"], row.get("params")),
            }
            for row in chosen.report
        ]
    return render(request, "desk/hotline.html", {"batches": batches, "chosen": chosen, "report": report})


# --- figures ----------------------------------------------------------------------------------------------


@login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    paths = permissions.scope_paths(request.user, policies.FIGURES.name)
    if paths == []:
        raise Http404
    return render(request, "desk/figures.html", desk_figures.page_context(request, paths))


@login_required
@require_GET
def figures_xlsx(request: HttpRequest) -> HttpResponse:
    paths = permissions.scope_paths(request.user, policies.FIGURES.name)
    if paths == []:
        raise Http404
    return desk_figures.xlsx(request, paths)


# --- stairwell lighting files (亮灯档案) -------------------------------------------------------

LIGHTING_STATES = ("unlit", "dark", "faulty", "lit", "all")


@login_required
@require_GET
def lighting(request: HttpRequest) -> HttpResponse:
    """The lighting files of the user's places: counts, the unlit stairwells per community, and
    the list — the longest dark first by default."""
    if not policies.can_see_lighting(request.user):
        raise Http404
    state = request.GET.get("state", "unlit")
    if state not in LIGHTING_STATES:
        state = "unlit"
    place = None
    place_id = _int(request.GET.get("place"))
    if place_id:
        place = Region.objects.filter(pk=place_id).first()
    qs = selectors.lighting_files_for(request.user, place=place, state="" if state == "all" else state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [(f, selectors.age_days(f, now)) for f in page.object_list]
    return render(
        request,
        "desk/lighting.html",
        {
            "page": page,
            "rows": rows,
            "state": state,
            "place": place,
            "counts": selectors.lighting_counts(request.user, place=place),
            "by_community": selectors.lighting_dark_by_community(request.user, place=place)[:20],
            "states": [
                ("unlit", _("未亮灯")),
                ("dark", _("不亮")),
                ("faulty", _("部分故障")),
                ("lit", _("正常亮灯")),
                ("all", _("全部")),
            ],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lighting_file(request: HttpRequest, file_id: int) -> HttpResponse:
    try:
        file = policies.get_visible_lighting_file(request.user, file_id)
    except NotFound:
        raise Http404 from None
    can_keep = policies.can_keep_lighting(request.user, file)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "check":
                services.lighting_check(
                    actor=request.user,
                    file=file,
                    state=request.POST.get("state", ""),
                    note=request.POST.get("note", ""),
                )
            else:
                lamps = request.POST.get("lamps", "")
                services.lighting_file_save(
                    actor=request.user,
                    stairwell=file.stairwell,
                    lamps=int(lamps) if lamps.strip().isdigit() else -1,
                    lamp_type=request.POST.get("lamp_type", ""),
                    sensor=request.POST.get("sensor") == "on",
                    maintainer=request.POST.get("maintainer", ""),
                )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect("services_lighting_file", file_id=file.pk)
    from .models import LampType, LightState, Maintainer

    return render(
        request,
        "desk/lighting_file.html",
        {
            "file": file,
            "age": selectors.age_days(file),
            "log": selectors.lighting_log(file),
            "can_keep": can_keep,
            "lamp_types": LampType.choices,
            "maintainers": Maintainer.choices,
            "light_states": LightState.choices,
        },
    )


# --- keeping the catalogue, the calendar and the grids (edit pages) ---------------------------


def keeper_links(user: Any) -> dict[str, bool]:
    """Which of the keepers' pages the desk's home links to."""
    return {
        "keeps_catalogue": policies.can_keep_catalogue(user),
        "keeps_calendar": policies.can_keep_calendar(user),
    }


def _keeper_district(user: Any, perm: str) -> Region | None:
    grants = permissions.scope_grants(user, perm)
    if grants:
        return Region.objects.filter(pk=grants[0].district_id).first()
    if permissions.is_global(user):
        return Region.objects.filter(kind=RegionKind.DISTRICT).order_by("id").first()
    return None


def _keeper_communities(user: Any, district: Region) -> Any:
    """The communities whose additions and grids the user keeps (CATALOGUE scope)."""
    qs = Region.objects.filter(kind__in=list(COMMUNITY_KINDS), district=district)
    paths = permissions.scope_paths(user, policies.CATALOGUE.name)
    if paths is not None:
        qs = qs.filter(permissions.path_q(paths, "path"))
    return qs.order_by("path").only("id", "name", "path")


def _number(value: Any) -> int:
    """A count typed in a form; anything else becomes -1 for the service to refuse in words."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) <= 6 else -1


def _date(value: Any, field: str) -> Any:
    import datetime

    from community365.core.errors import InvalidInput

    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        raise InvalidInput(_("请按“年-月-日”填写日期，例如 2027-10-01。"), field=field) from None


@login_required
@require_GET
def catalogue_manage(request: HttpRequest) -> HttpResponse:
    """The items the user keeps: the district admin the district's items and the communities'
    additions; a community secretary the additions of their community."""
    from django.db.models import Exists, F, OuterRef

    user = request.user
    if not policies.can_keep_catalogue(user):
        raise Http404
    qs = (
        policies.catalogue_editable_by(user)
        .select_related("region", "department", "team", "organisation")
        .annotate(asked=Exists(ServiceRequest.objects.filter(item=OuterRef("pk"))))
        .order_by(F("region__path").asc(nulls_first=True), "category", "id")
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "desk/catalogue_manage.html",
        {
            "page": page,
            "keeps_district": bool(policies.keeps_district_catalogue(user)) or permissions.is_global(user),
        },
    )


ATTRIBUTE_ROWS_BLANK = 2


def _attribute_rows(post: Any) -> list[dict[str, Any]]:
    from .attributes import MAX_ATTRIBUTES, parse_choices

    rows = []
    for i in range(MAX_ATTRIBUTES + ATTRIBUTE_ROWS_BLANK):
        prefix = f"attr-{i}-"
        code = (post.get(prefix + "code") or "").strip()
        description = (post.get(prefix + "description") or "").strip()
        if post.get(prefix + "delete") == "on" or (not code and not description):
            continue
        rows.append(
            {
                "code": code,
                "description": description,
                "datatype": post.get(prefix + "datatype", ""),
                "required": post.get(prefix + "required") == "on",
                "order": _number(post.get(prefix + "order")) if post.get(prefix + "order") else i + 1,
                "datatype_description": post.get(prefix + "datatype_description", ""),
                "values": parse_choices(post.get(prefix + "values", "")),
            }
        )
    return rows


def _item_form_context(user: Any, district: Region, item: Any, values: dict[str, Any]) -> dict[str, Any]:
    from community365.regions.models import Organisation
    from community365.teams.models import Team

    from .attributes import DATATYPE_LABELS, choices_text
    from .models import Deliverer

    attributes = values.get("attributes")
    if attributes is None:
        attributes = list(item.attributes) if item is not None else []
    rows = [{**a, "values_text": choices_text(a.get("values") or [])} for a in attributes]
    rows += [
        {
            "code": "",
            "description": "",
            "datatype": "string",
            "required": False,
            "order": "",
            "values_text": "",
        }
    ] * ATTRIBUTE_ROWS_BLANK
    keeps_district = bool(policies.keeps_district_catalogue(user)) or permissions.is_global(user)
    return {
        "item": item,
        "values": values,
        "categories": ServiceCategory.choices,
        "deliverers": Deliverer.choices,
        "departments": Department.objects.filter(district=district).order_by("id"),
        "teams": Team.objects.filter(district=district)
        .select_related("region")
        .order_by("region__path", "id")[:300],
        "organisations": Organisation.objects.filter(district=district).order_by("id"),
        "communities": _keeper_communities(user, district) if item is None else [],
        "keeps_district": keeps_district,
        "attribute_rows": rows,
        "datatypes": list(DATATYPE_LABELS.items()),
    }


def _save_item(request: HttpRequest, district: Region, item: Any) -> Any:
    """Calls the service with what the form sent; returns the item, or None after a message."""
    from community365.regions.models import Organisation
    from community365.teams.models import Team

    from .models import Deliverer

    post = request.POST
    deliverer = post.get("deliverer", "")
    if item is None:
        community_id = _int(post.get("community"))
        community = (
            _keeper_communities(request.user, district).filter(pk=community_id).first()
            if community_id
            else None
        )
        if community_id and community is None:
            raise NotFound(_("请选择您负责的社区。"))
    else:
        community = item.region
    department = team = organisation = None
    if deliverer == Deliverer.DEPARTMENT:
        department = Department.objects.filter(pk=_int(post.get("department")) or 0).first()
    elif deliverer == Deliverer.TEAM:
        team = Team.objects.filter(pk=_int(post.get("team")) or 0).select_related("region").first()
    elif deliverer == Deliverer.ORGANISATION:
        organisation = Organisation.objects.filter(pk=_int(post.get("organisation")) or 0).first()
    return services.catalogue_item_save(
        actor=request.user,
        district=district,
        community=community,
        code=item.code if item is not None else (post.get("code") or "").strip(),
        category=post.get("category", ""),
        name=post.get("name", ""),
        deliverer=deliverer,
        description=(post.get("description") or "").strip()[:2000],
        requirements=(post.get("requirements") or "").strip(),
        department=department,
        team=team,
        organisation=organisation,
        response_hours=_number(post.get("response_hours")),
        resolution_days=_number(post.get("resolution_days")),
        online=post.get("online") == "on",
        active=post.get("active") == "on",
        attributes=_attribute_rows(post),
        new=item is None,
    )


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_item_new(request: HttpRequest) -> HttpResponse:
    if not policies.can_keep_catalogue(request.user):
        raise Http404
    district = _keeper_district(request.user, policies.CATALOGUE.name)
    if district is None:
        raise Http404
    values: dict[str, Any] = {"online": True, "active": True, "response_hours": 4, "resolution_days": 3}
    if request.GET.get("community"):
        values["community"] = _int(request.GET.get("community"))
    if request.method == "POST":
        values = {**request.POST.dict(), "online": request.POST.get("online") == "on", "active": True}
        values["attributes"] = _attribute_rows(request.POST)
        values["community"] = _int(request.POST.get("community"))
        try:
            item = _save_item(request, district, None)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已添加“%(n)s”。") % {"n": item.name})
            return redirect("services_catalogue_item_edit", item_id=item.pk)
    return render(
        request, "desk/catalogue_item.html", _item_form_context(request.user, district, None, values)
    )


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        item = policies.get_editable_item(request.user, item_id)
    except NotFound:
        raise Http404 from None
    district = Region.objects.get(pk=item.district_id)
    values: dict[str, Any] = {
        "category": item.category,
        "name": item.name,
        "description": item.description,
        "requirements": item.requirements,
        "deliverer": item.deliverer,
        "department": item.department_id,
        "team": item.team_id,
        "organisation": item.organisation_id,
        "response_hours": item.response_hours,
        "resolution_days": item.resolution_days,
        "online": item.online,
        "active": item.active,
    }
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                services.catalogue_item_delete(actor=request.user, item=item)
                messages.success(request, _("已删除“%(n)s”。") % {"n": item.name})
                return redirect("services_catalogue_manage")
            item = _save_item(request, district, item)
        except DomainError as exc:
            messages.error(request, exc.message)
            values = {
                **request.POST.dict(),
                "online": request.POST.get("online") == "on",
                "active": request.POST.get("active") == "on",
                "attributes": _attribute_rows(request.POST),
            }
            for key in ("department", "team", "organisation"):
                values[key] = _int(values.get(key))
        else:
            messages.success(request, _("已保存。"))
            return redirect("services_catalogue_item_edit", item_id=item.pk)
    context = _item_form_context(request.user, district, item, values)
    context["asked"] = ServiceRequest.objects.filter(item=item).exists()
    return render(request, "desk/catalogue_item.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def calendar_page(request: HttpRequest) -> HttpResponse:
    """The district's public holidays and worked weekend days of a year (the district admin's)."""
    import datetime

    from .models import DayKind, HolidayCalendar

    if not policies.can_keep_calendar(request.user):
        raise Http404
    district = _keeper_district(request.user, policies.CALENDAR.name)
    if district is None:
        raise Http404
    today = timezone.localdate()
    year = _int(request.GET.get("year") or request.POST.get("year")) or today.year
    if not today.year - 5 <= year <= today.year + 5:
        year = today.year
    values: dict[str, Any] = {"kind": DayKind.HOLIDAY}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            if request.POST.get("action") == "remove":
                day = _date(request.POST.get("date"), "date")
                services.calendar_day_set(actor=request.user, district=district, date=day, kind=None)
                messages.success(request, _("%(d)s 已恢复为普通日子。") % {"d": day.isoformat()})
            else:
                start = _date(request.POST.get("start"), "start")
                end = (
                    _date(request.POST.get("end"), "end")
                    if (request.POST.get("end") or "").strip()
                    else start
                )
                services.calendar_range_set(
                    actor=request.user,
                    district=district,
                    start=start,
                    end=end,
                    kind=request.POST.get("kind", ""),
                    name=(request.POST.get("name") or "").strip(),
                )
                messages.success(request, _("已保存 %(n)s 天。") % {"n": (end - start).days + 1})
                year = start.year
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            return redirect(f"{reverse('services_calendar')}?year={year}")
    days = list(HolidayCalendar.objects.filter(district=district, date__year=year).order_by("date"))
    return render(
        request,
        "desk/calendar.html",
        {
            "district": district,
            "year": year,
            "years": [today.year - 1, today.year, today.year + 1, today.year + 2],
            "days": days,
            "today": today,
            "tomorrow": today + datetime.timedelta(days=1),
            "kinds": DayKind.choices,
            "values": values,
            "holidays": sum(1 for d in days if d.kind == DayKind.HOLIDAY),
            "workdays": sum(1 for d in days if d.kind == DayKind.WORKDAY),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def grid_workers(request: HttpRequest) -> HttpResponse:
    """Each grid of a community and the social worker who answers for it in desk hours; the
    community's secretary (or the district admin) assigns them."""
    from .models import GridWorker

    if not policies.can_keep_catalogue(request.user):
        raise Http404
    district = _keeper_district(request.user, policies.CATALOGUE.name)
    if district is None:
        raise Http404
    communities = list(_keeper_communities(request.user, district))
    if not communities:
        raise Http404
    wanted = _int(request.GET.get("community") or request.POST.get("community"))
    community = next((c for c in communities if c.pk == wanted), communities[0])
    grids = list(
        Region.objects.filter(path__startswith=community.path, kind=RegionKind.GRID).order_by("path")
    )
    if request.method == "POST":
        grid = next((g for g in grids if g.pk == _int(request.POST.get("grid"))), None)
        worker = User.objects.filter(pk=_int(request.POST.get("worker")) or 0).first()
        try:
            if grid is None:
                raise NotFound(_("请选择本社区的网格。"))
            if worker is None:
                raise NotFound(_("请选择社工。"))
            services.grid_worker_set(actor=request.user, grid=grid, worker=worker)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("%(g)s 由 %(w)s 负责。") % {"g": grid.name, "w": worker.display_name or worker.username},
            )
            return redirect(f"{reverse('services_grid_workers')}?community={community.pk}")
    current = {
        row.region_id: row.worker
        for row in GridWorker.objects.filter(region__in=grids).select_related("worker")
    }
    workers = list(
        User.objects.filter(
            role_assignments__role="social_worker",
            role_assignments__region=community,
            role_assignments__revoked_at__isnull=True,
        )
        .distinct()
        .order_by("id")
    )
    return render(
        request,
        "desk/grid_workers.html",
        {
            "communities": communities,
            "community": community,
            "rows": [{"grid": g, "worker": current.get(g.pk)} for g in grids],
            "workers": workers,
        },
    )


def open311_details(user: Any, req: ServiceRequest) -> dict[str, Any]:
    """What an Open311 client sent beyond the text (the point, the item's attributes), for the
    request's handlers only."""
    from .attributes import shown

    if not (req.attribute_values or req.lat is not None) or not policies.can_handle(user, req):
        return {}
    return {
        "attribute_rows": shown(req.item.attributes or [], req.attribute_values or {}),
        "point": req.lat is not None,
    }


# --- the dark stairwells as a workbook ----------------------------------------------------------


@login_required
@require_GET
def lighting_xlsx(request: HttpRequest) -> HttpResponse:
    """The list of unlit stairwells of the user's places (``?place=`` a subdistrict or a
    community), the longest dark first, with the days dark: the same rows as the page."""
    from community365.core.exports import xlsx_response

    if not policies.can_see_lighting(request.user):
        raise Http404
    place = None
    place_id = _int(request.GET.get("place"))
    if place_id:
        place = Region.objects.filter(pk=place_id).first()
    state = request.GET.get("state", "unlit")
    if state not in LIGHTING_STATES:
        state = "unlit"
    qs = selectors.lighting_files_for(request.user, place=place, state="" if state == "all" else state)
    subdistricts = dict(Region.objects.filter(kind=RegionKind.SUBDISTRICT).values_list("path", "name")[:2000])
    now = timezone.now()
    steplen = Region.steplen

    def rows() -> Any:
        for f in qs.iterator(chunk_size=500):
            yield [
                subdistricts.get(f.community.path[: steplen * 2], ""),
                f.community.name,
                f.stairwell.name,
                f.stairwell.code,
                f.get_state_display(),
                f.state_since,
                selectors.age_days(f, now),
                f.open_faults,
                f.lamps,
                f.get_lamp_type_display(),
                f.get_maintainer_display(),
            ]

    header = [
        _("街道"),
        _("社区"),
        _("楼道"),
        _("地址编码"),
        _("状态"),
        _("状态起始"),
        _("天数"),
        _("未办结诉求"),
        _("灯数"),
        _("灯型"),
        _("维护方"),
    ]
    notes = [
        _("导出时间：%(t)s") % {"t": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")},
        _("天数：自状态起始至导出时的整天数。"),
    ]
    return xlsx_response(
        f"lighting-{timezone.localdate():%Y%m%d}.xlsx", _("未亮灯楼道"), header, rows(), notes
    )


# --- drill-downs into the list: a place's subtree, a holder, a period (deskflow) ---------------------


def _drill_filters(request: HttpRequest) -> dict[str, Any]:
    """``?place=<region id>`` (the place and under it), ``?holder=<user id>``, ``?from=&to=``
    (made in those months), ``?closed_from=&closed_to=`` (closed in those months). A bad value
    is ignored, as the list's other filters are."""
    from community365.core import charts

    out: dict[str, Any] = {}
    place_id = _int(request.GET.get("place"))
    if place_id:
        path = Region.objects.filter(pk=place_id).values_list("path", flat=True).first()
        out["place"] = path or "~"  # an unknown place matches nothing
    out["holder"] = _int(request.GET.get("holder"))
    out["my_tasks"] = request.GET.get("tasks") == "mine"
    made = charts.period_from({"from": request.GET.get("from", ""), "to": request.GET.get("to", "")})
    if made.is_set and not made.error:
        out["period"] = made
    closed = charts.period_from(
        {"from": request.GET.get("closed_from", ""), "to": request.GET.get("closed_to", "")}
    )
    if closed.is_set and not closed.error:
        out["closed_in"] = closed
    return out


def _drill_context(request: HttpRequest, f: selectors.RequestFilter) -> dict[str, Any]:
    """What the drill-down filters say, and the hidden fields that keep them in the filter form."""
    keep = [
        (name, request.GET[name])
        for name in ("place", "holder", "from", "to", "closed_from", "closed_to", "tasks")
        if request.GET.get(name)
    ]
    if not keep:
        return {"drill_keep": [], "drill_words": []}
    words = []
    if f.place:
        place = Region.objects.filter(path=f.place).only("name").first()
        words.append(_("地点：%(p)s（含下级）") % {"p": place.name if place else "—"})
    if f.holder:
        holder = User.objects.filter(pk=f.holder).first()
        words.append(_("承办：%(w)s") % {"w": (holder.display_name or holder.username) if holder else "—"})
    if f.period is not None:
        words.append(
            _("提交于 %(a)s 至 %(b)s") % {"a": f.period.first_month or "…", "b": f.period.last_month or "…"}
        )
    if f.my_tasks:
        words.append(_("有任务分给我"))
    if f.closed_in is not None:
        words.append(
            _("办结于 %(a)s 至 %(b)s")
            % {"a": f.closed_in.first_month or "…", "b": f.closed_in.last_month or "…"}
        )
    return {"drill_keep": keep, "drill_words": words}


# --- hot spots → one-click proposals (deskflow) ---------------------------------------------------------


def _hot_spot_link(user: Any) -> dict[str, Any]:
    """The desk's button to the hot spots of the user's community (secretary and up)."""
    community = _home_community(user)
    if community is None or not permissions.has_perm_at(user, policies.HOT_SPOTS.name, community.path):
        return {"hot_spot_community": None}
    return {"hot_spot_community": community}


def _hot_spot_community(request: HttpRequest, community_id: int) -> Region:
    try:
        return policies.get_hot_spot_community(request.user, community_id)
    except NotFound:
        raise Http404 from None


@login_required
@require_GET
def hot_spots(request: HttpRequest, community_id: int) -> HttpResponse:
    """A community's hot spots in a period: place × category, how many requests (the threshold
    stated), each drilling down to its requests; what was started from it, or the three buttons."""
    from .models import ProposalKind

    community = _hot_spot_community(request, community_id)
    period = selectors.hot_spot_period(request.GET)
    if period.error:
        messages.warning(request, period.error)
    spots = selectors.hot_spots_of(community, period)
    may_propose = policies.can_propose(request.user, community)
    base = reverse("services_home")
    rows = []
    for spot in spots:
        started = spot.kinds_started()
        rows.append(
            {
                "spot": spot,
                "list_url": f"{base}?place={spot.place_id}&category={spot.category}&{period.querystring()}",
                "proposals": [(p, selectors.proposal_url(p)) for p in spot.proposals],
                "buttons": [
                    (
                        value,
                        label,
                        reverse("services_hot_spot_propose", args=[community.pk])
                        + f"?place={spot.place_id}&category={spot.category}&kind={value}&{period.querystring()}",
                    )
                    for value, label in ProposalKind.choices
                    if value not in started
                ]
                if may_propose
                else [],
            }
        )
    return render(
        request,
        "desk/hot_spots.html",
        {
            "community": community,
            "period": period,
            "keep": {},
            "new_rows": [r for r in rows if not r["proposals"]],
            "started_rows": [r for r in rows if r["proposals"]],
            "minimum": selectors.HOT_SPOT_MIN,
            "may_propose": may_propose,
        },
    )


def _default_texts(spot: selectors.HotSpot, period: Any, requests: list[ServiceRequest]) -> dict[str, str]:
    """The form's first draft, from the hot spot and its requests."""
    sample = "；".join(r.text[:40].rstrip("。！？!?.；;，, ") for r in requests[:3])
    span = f"{period.first_month}—{period.last_month}"
    return {
        "title": (
            _("%(place)s%(category)s反复诉求") % {"place": spot.place_label, "category": spot.category_label}
        )[:60],
        "text": (
            _("%(span)s，%(place)s共有 %(n)s 件“%(category)s”诉求：%(sample)s")
            % {
                "span": span,
                "place": spot.place_label,
                "n": spot.n,
                "category": spot.category_label,
                "sample": sample,
            }
        )[:300],
        "goal": _("让%(place)s的同类问题不再反复。") % {"place": spot.place_label},
        "measures": _("逐件回访，找出共同原因，协调物业、部门和志愿队伍一起解决。"),
        "ask": _("请有关部门协助从根本上解决%(place)s反复出现的问题。") % {"place": spot.place_label},
    }


@login_required
@require_http_methods(["GET", "POST"])
def hot_spot_propose(request: HttpRequest, community_id: int) -> HttpResponse:
    """The one-click proposal: a form filled from the hot spot, which creates the micro-wish, the
    secretary project or the talk topic and records where it came from."""
    from .models import ProposalKind

    community = _hot_spot_community(request, community_id)
    if not policies.can_propose(request.user, community):
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    period = selectors.hot_spot_period(data)
    kind = data.get("kind", "")
    if kind not in ProposalKind.values:
        kind = ProposalKind.WISH
    place = Region.objects.filter(pk=_int(data.get("place")), path__startswith=community.path).first()
    category = (data.get("category") or "")[:20]
    spot = next(
        (
            s
            for s in selectors.hot_spots_of(community, period)
            if place is not None and s.place_id == place.pk and s.category == category
        ),
        None,
    )
    if spot is None or place is None:
        messages.error(request, _("这个地点在所选时间段已不是诉求热点。"))
        return redirect(f"{reverse('services_hot_spots', args=[community.pk])}?{period.querystring()}")
    behind = list(
        ServiceRequest.objects.filter(
            community=community, category=category, region__path__startswith=place.path
        )
        .exclude(status=RequestStatus.MERGED)
        .filter(period.q("created_at"))
        .order_by("-created_at")[:20]
    )
    residents = selectors.residents_for(community, place, [r.pk for r in behind])
    if kind == ProposalKind.TOPIC:
        residents = [p for p in residents if p.verified_at is not None]
    values = _default_texts(spot, period, behind)
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in ("title", "text", "goal", "measures", "ask")}
        person = next((p for p in residents if p.pk == _int(request.POST.get("person"))), None)
        try:
            proposal = services.hot_spot_propose(
                actor=request.user,
                community=community,
                place=place,
                category=category,
                period_start=period.start,
                period_end=period.end,
                kind=kind,
                title=values["title"],
                text=values["text"],
                person=person,
                goal=values["goal"],
                measures=values["measures"],
                ask=values["ask"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("已从热点发起%(kind)s：%(title)s")
                % {"kind": proposal.get_kind_display(), "title": proposal.title},
            )
            return redirect(f"{reverse('services_hot_spots', args=[community.pk])}?{period.querystring()}")
    return render(
        request,
        "desk/hot_spot_propose.html",
        {
            "community": community,
            "spot": spot,
            "period": period,
            "kind": kind,
            "kind_label": dict(ProposalKind.choices)[kind],
            "kinds": ProposalKind.choices,
            "values": values,
            "residents": residents,
            "behind": behind[:5],
            "list_url": f"{reverse('services_home')}?place={place.pk}&category={category}&{period.querystring()}",
        },
    )


# --- a request's tasks (deskflow) ---------------------------------------------------------------------


def task_form_context(user: Any, req: ServiceRequest) -> dict[str, Any]:
    """The request page's tasks: the list, and for a handler the choices of the add form."""
    from community365.teams.models import Team

    context: dict[str, Any] = {"tasks": selectors.tasks_of(user, req)}
    if req.status in services.TASK_STATES and policies.can_handle(user, req):
        ancestors = [
            req.community.path[:i] for i in range(Region.steplen, len(req.community.path) + 1, Region.steplen)
        ]
        context["task_choices"] = {
            "workers": list(
                User.objects.filter(
                    role_assignments__role="social_worker",
                    role_assignments__region=req.community,
                    role_assignments__revoked_at__isnull=True,
                )
                .distinct()
                .order_by("id")
            ),
            "teams": list(
                Team.objects.filter(district_id=req.district_id, region__path__in=ancestors).order_by("name")[
                    :50
                ]
            ),
            "departments": list(Department.objects.filter(district_id=req.district_id).order_by("id")),
        }
    return context


@login_required
@require_POST
def request_task_add(request: HttpRequest, request_id: int) -> HttpResponse:
    from community365.teams.models import Team

    req = _get(request, request_id)
    post = request.POST
    to = post.get("to", "")  # "worker:12", "team:3", "department:5"
    kind, _sep, raw = to.partition(":")
    pk = _int(raw) or 0
    worker = User.objects.filter(pk=pk).first() if kind == "worker" else None
    team = Team.objects.select_related("region").filter(pk=pk).first() if kind == "team" else None
    department = Department.objects.filter(pk=pk).first() if kind == "department" else None
    try:
        services.task_add(
            actor=request.user,
            req=req,
            text=post.get("text", ""),
            due_days=post.get("due_days", ""),
            worker=worker,
            team=team,
            department=department,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("任务已分派。"))
    return redirect(reverse("service_request", args=[req.pk]) + "#tasks")


@login_required
@require_POST
def request_task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    try:
        task = policies.get_visible_task(request.user, task_id)
    except NotFound:
        raise Http404 from None
    try:
        services.task_done(actor=request.user, task=task, note=request.POST.get("note", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("任务已完成。"))
    return redirect(reverse("service_request", args=[task.request_id]) + "#tasks")
