"""Every write about secretary projects, first secretaries and front-line postings. Each is one
transaction (``audit.services.service``) with an audit entry; refusals are audited too and
notifications leave only on commit.

State changes are conditional UPDATEs (``WHERE status IN …``): two reviewers deciding the same
application at once cannot both win; the loser is told what the project's state now is."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from community365.audit.services import audit_record, service
from community365.core import permissions
from community365.core.errors import Conflict, InvalidInput, InvalidTransition, NotAllowed
from community365.core.roles import Role
from community365.notifications.services import notify
from community365.regions.models import COMMUNITY_KINDS, Department, Organisation, Region, RegionKind

from . import phrases, policies
from .models import (
    FirstSecretaryPosting,
    FirstSecretaryResult,
    FrontlinePosting,
    FrontlineTask,
    MenuItem,
    PetitionSignature,
    PostingExtension,
    PostingRole,
    PostingStatus,
    ProjectProgress,
    ProjectRating,
    ProjectReview,
    ProjectStatus,
    ProjectTask,
    ProjectTheme,
    ResultCategory,
    ResultStatus,
    Rubric,
    SecretaryProject,
    SecretaryUnit,
    UnitKind,
)


# --- checks -------------------------------------------------------------------------------------
def _text(value: Any, field: str, *, max_length: int, min_length: int = 0) -> str:
    text = " ".join(str(value or "").split())
    if len(text) < min_length or len(text) > max_length:
        raise InvalidInput(
            _("内容长度须为 %(a)s–%(b)s 个字。") % {"a": min_length, "b": max_length}, field=field
        )
    return text


def _int(value: Any, field: str, *, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = low - 1
    if not low <= number <= high:
        raise InvalidInput(_("请填写 %(a)s–%(b)s 之间的整数。") % {"a": low, "b": high}, field=field)
    return number


def _year(value: Any) -> int:
    return _int(value, "year", low=2000, high=2100)


def _district_of(region: Region) -> Region:
    return region if region.kind == RegionKind.DISTRICT else Region.objects.get(pk=region.district_id)


def _subdistrict_of(region: Region) -> Region | None:
    if region.kind == RegionKind.SUBDISTRICT:
        return region
    if region.kind == RegionKind.DISTRICT or region.depth < 2:
        return None
    return Region.objects.get(path=region.path[: 2 * Region.steplen])


# --- units --------------------------------------------------------------------------------------
@service("mechanisms.unit.assign")
def unit_assign(
    *,
    actor: Any,
    secretary: Any,
    community: Region | None = None,
    department: Department | None = None,
    organisation: Organisation | None = None,
) -> SecretaryUnit:
    """Record which unit a secretary leads (the organisation department keeps this record)."""
    given = [x for x in (community, department, organisation) if x is not None]
    if len(given) != 1:
        raise InvalidInput(_("请选择一个单位：社区、部门或组织。"), field="unit")
    if community is not None:
        if community.kind not in COMMUNITY_KINDS:
            raise InvalidInput(_("请选择社区或股份经济合作社。"), field="unit")
        kind, region, name = str(community.kind), community, community.name
    elif department is not None:
        kind, region, name = UnitKind.DEPARTMENT, department.district, f"{department.name}党支部"
    else:
        assert organisation is not None
        kind, region, name = UnitKind.ORGANISATION, organisation.region, organisation.name
    district = _district_of(region)
    role = policies.require_manage(actor, district.path) if not permissions.is_global(actor) else "system"
    existing = SecretaryUnit.objects.filter(secretary=secretary, name=name, ended_at__isnull=True).first()
    if existing is not None:
        return existing
    unit = SecretaryUnit.objects.create(
        district=district,
        region=region,
        secretary=secretary,
        kind=kind,
        community=community,
        department=department,
        organisation=organisation,
        name=name,
    )
    audit_record(actor=actor, action="mechanisms.unit.assign", target=unit, role=role)
    return unit


def _community_unit(actor: Any) -> SecretaryUnit | None:
    """A community secretary leads the community where the role is held: the record is made on
    first use."""
    for grant in permissions.scope_grants(actor, policies.APPLY.name):
        if grant.role != Role.COMMUNITY_SECRETARY:
            continue
        community = Region.objects.get(pk=grant.region_id)
        if community.kind not in COMMUNITY_KINDS:
            continue
        unit = SecretaryUnit.objects.filter(
            secretary=actor, community=community, ended_at__isnull=True
        ).first()
        if unit is None:
            unit = SecretaryUnit.objects.create(
                district_id=grant.district_id,
                region=community,
                secretary=actor,
                kind=community.kind,
                community=community,
                name=community.name,
            )
        return unit
    return None


def units_for_applying(actor: Any) -> list[SecretaryUnit]:
    units = list(policies.units_of(actor).select_related("region"))
    if not units and permissions.scope_grants(actor, policies.APPLY.name):
        unit = _community_unit(actor)
        if unit is not None:
            units = [unit]
    return units


# --- the menu -----------------------------------------------------------------------------------
@service("mechanisms.menu.add")
def menu_item_add(
    *, actor: Any, district: Region, year: int, title: str, theme: str, aim: str = ""
) -> MenuItem:
    role = policies.require_manage(actor, district.path)
    if theme not in ProjectTheme.values:
        raise InvalidInput(_("请选择项目主题。"), field="theme")
    clean_title = _text(title, "title", max_length=80, min_length=4)
    year = _year(year)
    if MenuItem.objects.filter(district=district, year=year, title=clean_title).exists():
        raise Conflict(_("本年度菜单里已有同名项目。"), code="duplicate")
    item = MenuItem.objects.create(
        district=district,
        year=year,
        title=clean_title,
        theme=theme,
        aim=_text(aim, "aim", max_length=300),
        created_by=actor
        if getattr(actor, "is_authenticated", False) and not permissions.is_global(actor)
        else None,
    )
    audit_record(actor=actor, action="mechanisms.menu.add", target=item, role=role)
    return item


@service("mechanisms.rubric.set")
def rubric_set(
    *,
    actor: Any,
    district: Region,
    year: int,
    goal_max: int = 30,
    benefit_max: int = 30,
    innovation_max: int = 20,
    documentation_max: int = 20,
    residents_weight: int = 20,
) -> Rubric:
    role = policies.require_manage(actor, district.path)
    values = {
        "goal_max": _int(goal_max, "goal_max", low=0, high=100),
        "benefit_max": _int(benefit_max, "benefit_max", low=0, high=100),
        "innovation_max": _int(innovation_max, "innovation_max", low=0, high=100),
        "documentation_max": _int(documentation_max, "documentation_max", low=0, high=100),
        "residents_weight": _int(residents_weight, "residents_weight", low=0, high=100),
    }
    if sum(v for k, v in values.items() if k != "residents_weight") != 100:
        raise InvalidInput(_("四项满分合计须为 100 分。"), field="goal_max")
    year = _year(year)
    if SecretaryProject.objects.filter(district=district, year=year, reviews__isnull=False).exists():
        raise InvalidTransition(_("本年度已有项目打分，细则不能再改。"))
    rubric, _created = Rubric.objects.update_or_create(district=district, year=year, defaults=values)
    audit_record(actor=actor, action="mechanisms.rubric.set", target=rubric, role=role, changes=values)
    return rubric


def rubric_for(district: Region, year: int) -> Rubric:
    return Rubric.objects.filter(district=district, year=year).first() or Rubric(district=district, year=year)


# --- applying -----------------------------------------------------------------------------------
@service("mechanisms.project.apply")
def project_apply(
    *,
    actor: Any,
    unit: SecretaryUnit,
    year: int,
    title: str,
    problem: str,
    goal: str,
    measures: str,
    milestones: list[tuple[str, str, datetime.date]],
    menu_item: MenuItem | None = None,
    theme: str = "",
    budget_yuan: int = 0,
    partners: str = "",
    serves_residents: bool = True,
) -> SecretaryProject:
    """A unit secretary applies, from the menu or with a project of the unit's own. Milestones
    (task, owner, date) become the project's tasks."""
    if unit.secretary_id != getattr(actor, "pk", None) or unit.ended_at is not None:
        raise NotAllowed(_("只能为自己担任书记的单位申报书记项目。"))
    year = _year(year)
    if menu_item is not None:
        if menu_item.district_id != unit.district_id or menu_item.year != year:
            raise InvalidInput(_("所选菜单项目不属于本年度。"), field="menu_item")
        theme = theme or menu_item.theme
    if theme not in ProjectTheme.values:
        raise InvalidInput(_("请选择项目主题。"), field="theme")
    if not milestones:
        raise InvalidInput(_("请至少列出一个节点任务（任务、责任人、完成日期）。"), field="milestones")
    tasks = []
    for n, (task, owner, due) in enumerate(milestones):
        if not isinstance(due, datetime.date) or due.year != year:
            raise InvalidInput(_("第 %(n)s 个节点的日期须在申报年度内。") % {"n": n + 1}, field="milestones")
        tasks.append(
            (
                _text(task, "milestones", max_length=120, min_length=2),
                _text(owner, "milestones", max_length=40, min_length=2),
                due,
            )
        )
    clean_title = _text(title, "title", max_length=80, min_length=4)
    if SecretaryProject.objects.filter(unit=unit, year=year, title=clean_title).exists():
        raise Conflict(_("本单位本年度已申报过同名项目。"), code="duplicate")
    project = SecretaryProject.objects.create(
        district_id=unit.district_id,
        region=unit.region,
        subdistrict=_subdistrict_of(unit.region),
        unit=unit,
        unit_kind=unit.kind,
        secretary_id=unit.secretary_id,
        year=year,
        menu_item=menu_item,
        theme=theme,
        title=clean_title,
        problem=_text(problem, "problem", max_length=500, min_length=4),
        goal=_text(goal, "goal", max_length=300, min_length=4),
        measures=_text(measures, "measures", max_length=1000, min_length=4),
        budget_yuan=_int(budget_yuan or 0, "budget_yuan", low=0, high=10_000_000),
        partners=_text(partners, "partners", max_length=200),
        serves_residents=bool(serves_residents),
    )
    ProjectTask.objects.bulk_create(
        ProjectTask(project=project, district_id=project.district_id, title=t, owner_name=o, due=d)
        for t, o, d in tasks
    )
    audit_record(actor=actor, action="mechanisms.project.apply", target=project, role=Role.UNIT_SECRETARY)
    return project


@service("mechanisms.project.resubmit")
def project_resubmit(
    *, actor: Any, project: SecretaryProject, goal: str = "", measures: str = "", problem: str = ""
) -> SecretaryProject:
    policies.require_own_project(actor, project)
    fields: dict[str, Any] = {"status": ProjectStatus.SUBMITTED, "status_reason": ""}
    if goal:
        fields["goal"] = _text(goal, "goal", max_length=300, min_length=4)
    if measures:
        fields["measures"] = _text(measures, "measures", max_length=1000, min_length=4)
    if problem:
        fields["problem"] = _text(problem, "problem", max_length=500, min_length=4)
    _move(project, [ProjectStatus.RETURNED], fields, _("重新提交"))
    audit_record(actor=actor, action="mechanisms.project.resubmit", target=project)
    return project


def _move(project: SecretaryProject, sources: list[str], fields: dict[str, Any], action_label: str) -> None:
    moved = SecretaryProject.objects.filter(pk=project.pk, status__in=sources).update(**fields)
    if moved != 1:
        current = SecretaryProject.objects.filter(pk=project.pk).values_list("status", flat=True).first()
        raise InvalidTransition(
            _("这个项目目前是“%(state)s”，不能“%(action)s”。")
            % {"state": ProjectStatus(current or project.status).label, "action": action_label}
        )
    for key, value in fields.items():
        setattr(project, key, value)


# --- review -------------------------------------------------------------------------------------
DECISIONS = {
    "approve": (ProjectStatus.APPROVED, phrases.PROJECT_APPROVED),
    "return": (ProjectStatus.RETURNED, phrases.PROJECT_RETURNED),
    "decline": (ProjectStatus.DECLINED, phrases.PROJECT_DECLINED),
}


@service("mechanisms.project.review")
def project_review(
    *, actor: Any, project: SecretaryProject, decision: str, reason: str = ""
) -> SecretaryProject:
    """The organisation department approves (the project enters the published list), returns it
    for changes, or declines it; returning and declining need a reason."""
    role = policies.require_manage(actor, project.region.path)
    if decision not in DECISIONS:
        raise InvalidInput(_("请选择：通过、退回修改或不予通过。"), field="decision")
    target, code = DECISIONS[decision]
    note = _text(reason, "reason", max_length=300, min_length=0 if decision == "approve" else 2)
    now = timezone.now()
    _move(
        project,
        [ProjectStatus.SUBMITTED],
        {
            "status": target,
            "status_reason": note,
            "decided_at": now,
            "decided_by": actor if not permissions.is_global(actor) else None,
        },
        {"approve": _("通过"), "return": _("退回修改"), "decline": _("不予通过")}[decision],
    )
    audit_record(
        actor=actor, action=f"mechanisms.project.{decision}", target=project, role=role, message=note
    )
    notify(
        recipient_id=project.secretary_id,
        code=code,
        params={"title": project.title, "reason": note},
        url=reverse("mech_project", args=[project.pk]),
    )
    return project


# --- tasks and progress ---------------------------------------------------------------------------
def _require_running(project: SecretaryProject) -> None:
    if project.status != ProjectStatus.APPROVED:
        raise InvalidTransition(_("只有实施中的项目可以填报进展。"))


@service("mechanisms.task.add")
def task_add(
    *, actor: Any, project: SecretaryProject, title: str, owner_name: str, due: datetime.date
) -> ProjectTask:
    policies.require_own_project(actor, project)
    if project.status in (ProjectStatus.DECLINED, ProjectStatus.EVALUATED):
        raise InvalidTransition(_("这个项目已结束，不能再添加任务。"))
    if not isinstance(due, datetime.date):
        raise InvalidInput(_("请填写完成期限。"), field="due")
    task = ProjectTask.objects.create(
        project=project,
        district_id=project.district_id,
        title=_text(title, "title", max_length=120, min_length=2),
        owner_name=_text(owner_name, "owner_name", max_length=40, min_length=2),
        due=due,
    )
    audit_record(actor=actor, action="mechanisms.task.add", target=project, message=task.title)
    return task


@service("mechanisms.task.done")
def task_done(*, actor: Any, task: ProjectTask) -> ProjectTask:
    project = task.project
    policies.require_own_project(actor, project)
    _require_running(project)
    if ProjectTask.objects.filter(pk=task.pk, done_at__isnull=True).update(done_at=timezone.now()) != 1:
        raise InvalidTransition(_("这个任务已经完成了。"))
    task.refresh_from_db()
    audit_record(actor=actor, action="mechanisms.task.done", target=project, message=task.title)
    return task


@service("mechanisms.project.progress")
def progress_report(
    *,
    actor: Any,
    project: SecretaryProject,
    note: str,
    percent: int,
    task: ProjectTask | None = None,
    evidence: Any = None,
    link: str = "",
) -> ProjectProgress:
    """A progress report with its evidence; the project's percentage never goes backwards
    (a conditional UPDATE keeps the larger of the two under concurrent reports)."""
    policies.require_own_project(actor, project)
    _require_running(project)
    percent = _int(percent, "percent", low=0, high=100)
    if task is not None and task.project_id != project.pk:
        raise InvalidInput(_("这个任务不属于本项目。"), field="task")
    link = _text(link, "link", max_length=200)
    if link and not link.startswith(("http://", "https://")):
        raise InvalidInput(_("链接须以 http:// 或 https:// 开头。"), field="link")
    if evidence is not None:
        from community365.core.uploads import clean_image

        evidence = clean_image(evidence, field="evidence")
    report = ProjectProgress(
        project=project,
        district_id=project.district_id,
        task=task,
        by=actor if getattr(actor, "is_authenticated", False) and not permissions.is_global(actor) else None,
        note=_text(note, "note", max_length=500, min_length=2),
        percent=percent,
        link=link,
    )
    if evidence is not None:
        report.evidence.save(f"progress-{project.pk}.jpg", evidence, save=False)
    report.save()
    SecretaryProject.objects.filter(pk=project.pk, progress__lt=percent).update(progress=percent)
    project.refresh_from_db(fields=["progress"])
    audit_record(
        actor=actor, action="mechanisms.project.progress", target=project, changes={"percent": percent}
    )
    return report


@service("mechanisms.project.mid_year")
def mid_year_check(*, actor: Any, project: SecretaryProject, on_track: bool, note: str) -> SecretaryProject:
    role = policies.require_manage(actor, project.region.path)
    clean = _text(note, "note", max_length=300, min_length=2)
    _move(
        project,
        [ProjectStatus.APPROVED],
        {"mid_year_on_track": bool(on_track), "mid_year_note": clean, "mid_year_checked_at": timezone.now()},
        _("年中检查"),
    )
    audit_record(actor=actor, action="mechanisms.project.mid_year", target=project, role=role, message=clean)
    return project


def overdue_sweep(*, actor: Any, today: datetime.date | None = None) -> dict[str, int]:
    """Flag the tasks past their deadline once (a conditional UPDATE per task), tell the project's
    secretary, and leave them on the organisation department's supervision list."""
    today = today or timezone.localdate()
    flagged = 0
    due = (
        ProjectTask.objects.filter(
            due__lt=today,
            done_at__isnull=True,
            overdue_at__isnull=True,
            project__status=ProjectStatus.APPROVED,
        )
        .select_related("project")
        .order_by("id")[:500]
    )
    for task in due:
        from django.db import transaction

        with transaction.atomic():
            if (
                ProjectTask.objects.filter(pk=task.pk, overdue_at__isnull=True).update(
                    overdue_at=timezone.now()
                )
                != 1
            ):
                continue
            flagged += 1
            audit_record(
                actor=actor, action="mechanisms.task.overdue", target=task.project, message=task.title
            )
            notify(
                recipient_id=task.project.secretary_id,
                code=phrases.TASK_OVERDUE,
                params={"title": task.project.title, "task": task.title},
                url=reverse("mech_project", args=[task.project_id]),
            )
    return {"flagged": flagged}


# --- evaluation ---------------------------------------------------------------------------------
@service("mechanisms.project.score")
def project_score(
    *,
    actor: Any,
    project: SecretaryProject,
    goal: int,
    benefit: int,
    innovation: int,
    documentation: int,
    comment: str = "",
) -> ProjectReview:
    """A reviewer scores an approved project on the district's rubric (once per reviewer)."""
    role = policies.require_manage(actor, project.region.path)
    if project.status not in (ProjectStatus.APPROVED, ProjectStatus.EVALUATED):
        raise InvalidTransition(_("只有列入名单的项目可以考评。"))
    rubric = rubric_for(project.district, project.year)
    values = {
        "goal": _int(goal, "goal", low=0, high=rubric.goal_max),
        "benefit": _int(benefit, "benefit", low=0, high=rubric.benefit_max),
        "innovation": _int(innovation, "innovation", low=0, high=rubric.innovation_max),
        "documentation": _int(documentation, "documentation", low=0, high=rubric.documentation_max),
    }
    reviewer = actor if not permissions.is_global(actor) else None
    if reviewer is None:
        raise NotAllowed(_("考评须由具体的评审人打分。"))
    if ProjectReview.objects.filter(project=project, reviewer=reviewer).exists():
        raise Conflict(_("您已为这个项目打过分。"), code="already_scored")
    review = ProjectReview.objects.create(
        project=project,
        district_id=project.district_id,
        reviewer=reviewer,
        comment=_text(comment, "comment", max_length=300),
        **values,
    )
    _recompute_score(project)
    audit_record(actor=actor, action="mechanisms.project.score", target=project, role=role, changes=values)
    notify(
        recipient_id=project.secretary_id,
        code=phrases.PROJECT_EVALUATED,
        params={"title": project.title, "score": str(project.score)},
        url=reverse("mech_project", args=[project.pk]),
    )
    return review


@service("mechanisms.project.rate")
def project_rate(*, actor: Any, project: SecretaryProject, stars: int) -> ProjectRating:
    """A resident of the place the project served rates it (1–5), once."""
    if not project.serves_residents or project.status not in policies.PUBLISHED:
        raise NotAllowed(_("这个项目不接受居民评价。"))
    person = getattr(actor, "person", None)
    community = getattr(person, "community", None) if person is not None else None
    if community is None or not community.path.startswith(project.region.path):
        raise NotAllowed(_("只有项目服务的社区居民可以评价。"))
    stars = _int(stars, "stars", low=1, high=5)
    if ProjectRating.objects.filter(project=project, user=actor).exists():
        raise Conflict(_("您已经评价过这个项目。"), code="already_rated")
    rating = ProjectRating.objects.create(
        project=project, district_id=project.district_id, user=actor, stars=stars
    )
    if project.reviews.exists():
        _recompute_score(project)
    audit_record(actor=actor, action="mechanisms.project.rate", target=project, changes={"stars": stars})
    return rating


def _recompute_score(project: SecretaryProject) -> None:
    """Score = the reviewers' mean total (out of 100); where residents rated the project, their
    mean (scaled to 100) weighs ``residents_weight`` % of it."""
    rubric = rubric_for(project.district, project.year)
    reviewers = project.reviews.aggregate(
        avg=Avg(F("goal") + F("benefit") + F("innovation") + F("documentation"))
    )["avg"]
    if reviewers is None:
        return
    rated = project.ratings.aggregate(avg=Avg("stars"), n=Count("id"))
    score = Decimal(str(reviewers))
    if rated["n"]:
        weight = Decimal(rubric.residents_weight) / 100
        score = score * (1 - weight) + Decimal(str(rated["avg"])) * 20 * weight
    score = score.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    SecretaryProject.objects.filter(pk=project.pk).update(score=score, status=ProjectStatus.EVALUATED)
    project.score, project.status = score, ProjectStatus.EVALUATED


# --- first secretaries ----------------------------------------------------------------------------
@service("mechanisms.posting.create")
def posting_create(
    *,
    actor: Any,
    region: Region,
    cadre_name: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    cadre: Any = None,
    home_department: Department | None = None,
    from_reserve: bool = False,
    role: str = PostingRole.FIRST,
    organisation: Organisation | None = None,
) -> FirstSecretaryPosting:
    district = _district_of(region)
    acting = policies.require_manage(actor, district.path)
    if region.kind not in COMMUNITY_KINDS and organisation is None:
        raise InvalidInput(_("第一书记派驻到社区、股份经济合作社或组织。"), field="region")
    if role not in PostingRole.values:
        raise InvalidInput(_("请选择第一书记或副书记。"), field="role")
    if (
        not isinstance(starts_on, datetime.date)
        or not isinstance(ends_on, datetime.date)
        or ends_on <= starts_on
    ):
        raise InvalidInput(_("任期结束须晚于开始。"), field="ends_on")
    posting = FirstSecretaryPosting.objects.create(
        district=district,
        region=region,
        organisation=organisation,
        cadre=cadre,
        cadre_name=_text(cadre_name, "cadre_name", max_length=40, min_length=2),
        home_department=home_department,
        from_reserve=bool(from_reserve),
        role=role,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    audit_record(actor=actor, action="mechanisms.posting.create", target=posting, role=acting)
    return posting


@service("mechanisms.posting.extend")
def posting_extend(
    *, actor: Any, posting: FirstSecretaryPosting, new_end: datetime.date, reason: str, petition: str = ""
) -> PostingExtension:
    """Extend a term with a reason (and the residents' petition when they asked for it). The
    conditional UPDATE on the old end date makes two simultaneous extensions one."""
    acting = policies.require_manage(actor, posting.district.path)
    if posting.status != PostingStatus.ACTIVE:
        raise InvalidTransition(_("任期已结束的派驻不能延期。"))
    if not isinstance(new_end, datetime.date) or new_end <= posting.ends_on:
        raise InvalidInput(_("延期后的结束日期须晚于原任期结束日期。"), field="new_end")
    old_end = posting.ends_on
    moved = FirstSecretaryPosting.objects.filter(
        pk=posting.pk, ends_on=old_end, status=PostingStatus.ACTIVE
    ).update(ends_on=new_end, extensions=F("extensions") + 1)
    if moved != 1:
        raise Conflict(_("这个派驻刚刚被修改过，请刷新后再试。"), code="changed")
    extension = PostingExtension.objects.create(
        posting=posting,
        district_id=posting.district_id,
        old_end=old_end,
        new_end=new_end,
        reason=_text(reason, "reason", max_length=300, min_length=2),
        petition=_text(petition, "petition", max_length=500),
        by=actor if not permissions.is_global(actor) else None,
    )
    posting.refresh_from_db()
    audit_record(
        actor=actor,
        action="mechanisms.posting.extend",
        target=posting,
        role=acting,
        changes={"old_end": old_end.isoformat(), "new_end": new_end.isoformat()},
    )
    return extension


@service("mechanisms.petition.sign")
def petition_sign(*, actor: Any, extension: PostingExtension) -> PetitionSignature:
    """A resident of the community co-signs the petition for an extension, once."""
    if not extension.petition:
        raise NotAllowed(_("这次延期没有居民请愿。"))
    person = getattr(actor, "person", None)
    community = getattr(person, "community", None) if person is not None else None
    if community is None or community.pk != extension.posting.region_id:
        raise NotAllowed(_("只有派驻社区的居民可以联署。"))
    signature, created = PetitionSignature.objects.get_or_create(
        district_id=extension.district_id, extension=extension, user=actor
    )
    if not created:
        raise Conflict(_("您已经联署过了。"), code="already_signed")
    audit_record(actor=actor, action="mechanisms.petition.sign", target=extension.posting)
    return signature


@service("mechanisms.posting.end")
def posting_end(*, actor: Any, posting: FirstSecretaryPosting, report: str) -> FirstSecretaryPosting:
    """The end-of-term report closes the posting (the cadre or the organisation department)."""
    if posting.cadre_id != getattr(actor, "pk", None):
        policies.require_manage(actor, posting.district.path)
    clean = _text(report, "report", max_length=2000, min_length=10)
    moved = FirstSecretaryPosting.objects.filter(pk=posting.pk, status=PostingStatus.ACTIVE).update(
        status=PostingStatus.ENDED, end_report=clean, ended_at=timezone.now()
    )
    if moved != 1:
        raise InvalidTransition(_("这个派驻已经期满，总结已提交。"))
    posting.refresh_from_db()
    audit_record(actor=actor, action="mechanisms.posting.end", target=posting)
    return posting


@service("mechanisms.result.log")
def result_log(
    *,
    actor: Any,
    posting: FirstSecretaryPosting,
    category: str,
    title: str,
    evidence: str,
    quantity: int = 1,
) -> FirstSecretaryResult:
    """The first secretary logs a result with its evidence; it counts once the community confirms."""
    if not permissions.is_global(actor):
        policies.require_posting_cadre(actor, posting)
    if posting.status != PostingStatus.ACTIVE:
        raise InvalidTransition(_("任期已结束，不能再登记成绩。"))
    if category not in ResultCategory.values:
        raise InvalidInput(_("请选择成绩类别。"), field="category")
    result = FirstSecretaryResult.objects.create(
        district_id=posting.district_id,
        region_id=posting.region_id,
        posting=posting,
        category=category,
        title=_text(title, "title", max_length=120, min_length=2),
        quantity=_int(quantity, "quantity", low=1, high=100),
        evidence=_text(evidence, "evidence", max_length=500, min_length=4),
    )
    audit_record(actor=actor, action="mechanisms.result.log", target=result)
    from community365.people.models import RoleAssignment

    for user_id in RoleAssignment.objects.filter(
        role=Role.COMMUNITY_SECRETARY, region_id=posting.region_id, revoked_at__isnull=True
    ).values_list("user_id", flat=True)[:5]:
        notify(
            recipient_id=user_id,
            code=phrases.RESULT_TO_CONFIRM,
            params={"title": result.title},
            url=reverse("mech_results") + "?status=pending",
        )
    return result


@service("mechanisms.result.confirm")
def result_confirm(
    *, actor: Any, result: FirstSecretaryResult, confirm: bool = True, note: str = ""
) -> FirstSecretaryResult:
    role = policies.require_confirm_at(actor, result) if not permissions.is_global(actor) else "system"
    clean = _text(note, "note", max_length=300, min_length=0 if confirm else 2)
    target = ResultStatus.CONFIRMED if confirm else ResultStatus.REJECTED
    moved = FirstSecretaryResult.objects.filter(pk=result.pk, status=ResultStatus.PENDING).update(
        status=target,
        note=clean,
        confirmed_at=timezone.now(),
        confirmed_by=actor if not permissions.is_global(actor) else None,
    )
    if moved != 1:
        raise InvalidTransition(_("这条成绩已经确认过了。"))
    result.refresh_from_db()
    audit_record(actor=actor, action="mechanisms.result.confirm", target=result, role=role, message=clean)
    if result.posting.cadre_id:
        notify(
            recipient_id=result.posting.cadre_id,
            code=phrases.RESULT_CONFIRMED if confirm else phrases.RESULT_REJECTED,
            params={"title": result.title, "reason": clean},
            url=reverse("mech_results"),
        )
    return result


@service("mechanisms.frontline.record")
def frontline_record(
    *,
    actor: Any,
    region: Region,
    batch: int,
    task: str,
    assignment: str,
    cadre_name: str,
    starts_on: datetime.date,
    ends_on: datetime.date | None = None,
    home_department: Department | None = None,
    outcome: str = "",
) -> FrontlinePosting:
    district = _district_of(region)
    role = policies.require_manage(actor, district.path)
    if task not in FrontlineTask.values:
        raise InvalidInput(_("请选择任务类别。"), field="task")
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput(_("结束日期不能早于开始日期。"), field="ends_on")
    posting = FrontlinePosting.objects.create(
        district=district,
        region=region,
        batch=_int(batch, "batch", low=1, high=999),
        task=task,
        assignment=_text(assignment, "assignment", max_length=120, min_length=2),
        cadre_name=_text(cadre_name, "cadre_name", max_length=40, min_length=2),
        home_department=home_department,
        starts_on=starts_on,
        ends_on=ends_on,
        outcome=_text(outcome, "outcome", max_length=300),
    )
    audit_record(actor=actor, action="mechanisms.frontline.record", target=posting, role=role)
    return posting


# --- service centres, rooms, lectures, visits -------------------------------------------------------
def _centre_place(centre: Any) -> tuple[int, Region]:
    return centre.district_id, centre.region


@service("mechanisms.room.add")
def room_add(*, actor: Any, centre: Any, name: str, capacity: int = 30) -> Any:
    from .models import Room

    role = policies.require_run_centre(actor, centre.region.path)
    clean = _text(name, "name", max_length=60, min_length=2)
    if Room.objects.filter(centre=centre, name=clean).exists():
        raise Conflict(_("这个中心已有同名场地。"), code="duplicate")
    room = Room.objects.create(
        district_id=centre.district_id,
        region=centre.region,
        centre=centre,
        name=clean,
        capacity=_int(capacity, "capacity", low=1, high=2000),
    )
    audit_record(actor=actor, action="mechanisms.room.add", target=room, role=role)
    return room


@service("mechanisms.room.book")
def room_book(
    *,
    actor: Any,
    room: Any,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    booker_kind: str,
    booker_name: str,
    purpose: str,
) -> Any:
    """Book a slot. The room's row is locked first (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE
    transaction already serialises writers), so the overlap check and the insert are one step:
    two people booking the same hour at once get one booking and one refusal."""
    from .models import BookerKind, Room, RoomBooking

    role = policies.require_book(actor, room.district_id)
    if booker_kind not in BookerKind.values:
        raise InvalidInput(_("请选择预约方：社区、单位或团队。"), field="booker_kind")
    if not isinstance(starts_at, datetime.datetime) or not isinstance(ends_at, datetime.datetime):
        raise InvalidInput(_("请填写开始和结束时间。"), field="starts_at")
    if ends_at <= starts_at:
        raise InvalidInput(_("结束时间须晚于开始时间。"), field="ends_at")
    if ends_at - starts_at > datetime.timedelta(hours=12):
        raise InvalidInput(_("一次预约不超过 12 小时。"), field="ends_at")
    if starts_at < timezone.now() - datetime.timedelta(minutes=5) and not permissions.is_global(actor):
        raise InvalidInput(_("不能预约已经过去的时间。"), field="starts_at")
    Room.objects.select_for_update().filter(pk=room.pk).first()
    clash = RoomBooking.objects.filter(
        room=room, status=RoomBooking.Status.BOOKED, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).first()
    if clash is not None:
        raise Conflict(
            _("这个时段已被“%(who)s”预约（%(start)s–%(end)s），请换个时间。")
            % {
                "who": clash.booker_name,
                "start": timezone.localtime(clash.starts_at).strftime("%H:%M"),
                "end": timezone.localtime(clash.ends_at).strftime("%H:%M"),
            },
            code="slot_taken",
        )
    booking = RoomBooking.objects.create(
        district_id=room.district_id,
        region_id=room.region_id,
        room=room,
        booked_by=actor,
        booker_kind=booker_kind,
        booker_name=_text(booker_name, "booker_name", max_length=80, min_length=2),
        purpose=_text(purpose, "purpose", max_length=120, min_length=2),
        starts_at=starts_at,
        ends_at=ends_at,
    )
    audit_record(actor=actor, action="mechanisms.room.book", target=booking, role=role)
    return booking


@service("mechanisms.room.cancel")
def booking_cancel(*, actor: Any, booking: Any) -> Any:
    from .models import RoomBooking

    if booking.booked_by_id != getattr(actor, "pk", None):
        policies.require_run_centre(actor, booking.region.path)
    if (
        RoomBooking.objects.filter(pk=booking.pk, status=RoomBooking.Status.BOOKED).update(
            status=RoomBooking.Status.CANCELLED
        )
        != 1
    ):
        raise InvalidTransition(_("这个预约已经取消了。"))
    booking.refresh_from_db()
    audit_record(actor=actor, action="mechanisms.room.cancel", target=booking)
    return booking


@service("mechanisms.lecture.schedule")
def lecture_schedule(
    *, actor: Any, centre: Any, title: str, speaker: str, starts_at: datetime.datetime, capacity: int
) -> Any:
    import secrets

    from .models import Lecture

    role = policies.require_run_centre(actor, centre.region.path)
    if not isinstance(starts_at, datetime.datetime):
        raise InvalidInput(_("请填写开讲时间。"), field="starts_at")
    lecture = Lecture.objects.create(
        district_id=centre.district_id,
        region=centre.region,
        centre=centre,
        title=_text(title, "title", max_length=80, min_length=2),
        speaker=_text(speaker, "speaker", max_length=60, min_length=2),
        starts_at=starts_at,
        capacity=_int(capacity, "capacity", low=1, high=2000),
        checkin_code=f"{secrets.randbelow(10**6):06d}",
    )
    audit_record(actor=actor, action="mechanisms.lecture.schedule", target=lecture, role=role)
    return lecture


@service("mechanisms.lecture.register")
def lecture_register(*, actor: Any, lecture: Any) -> Any:
    """Take a seat: one conditional UPDATE moves the counter only while seats are left (the
    database's check constraint backs it), then the registration row (unique per person)."""
    from django.db import IntegrityError, transaction

    from .models import Lecture, LectureRegistration

    if not getattr(actor, "is_authenticated", False) or not policies.in_district(actor, lecture.district_id):
        raise NotAllowed(_("只能报名本区的党章学堂。"))
    if lecture.status != Lecture.Status.SCHEDULED or lecture.starts_at <= timezone.now():
        raise InvalidTransition(_("这一讲已经开讲或取消，不能再报名。"))
    if _registered(lecture, actor):
        raise Conflict(_("您已经报名了。"), code="already_registered")
    taken = Lecture.objects.filter(pk=lecture.pk, registered__lt=F("capacity")).update(
        registered=F("registered") + 1
    )
    if taken != 1:
        raise Conflict(_("名额已满。"), code="full")
    try:
        with transaction.atomic():
            registration = LectureRegistration.objects.create(
                district_id=lecture.district_id, lecture=lecture, user=actor
            )
    except IntegrityError:
        raise Conflict(_("您已经报名了。"), code="already_registered") from None
    audit_record(actor=actor, action="mechanisms.lecture.register", target=lecture)
    return registration


def _registered(lecture: Any, user: Any) -> bool:
    """Whether the user already holds a seat (read before the seat is taken; the unique
    registration per person is what decides when two registrations of one person race)."""
    from .models import LectureRegistration

    return LectureRegistration.objects.filter(lecture=lecture, user=user).exists()


@service("mechanisms.lecture.checkin")
def lecture_checkin(*, actor: Any, lecture: Any, code: str) -> Any:
    from .models import LectureRegistration

    registration = LectureRegistration.objects.filter(lecture=lecture, user=actor).first()
    if registration is None:
        raise NotAllowed(_("您没有报名这一讲。"))
    if (code or "").strip() != lecture.checkin_code:
        raise InvalidInput(_("签到码不对，请看现场公布的签到码。"), field="code")
    now = timezone.now()
    if (
        not lecture.starts_at - datetime.timedelta(hours=1)
        <= now
        <= lecture.starts_at + datetime.timedelta(hours=3)
    ):
        raise InvalidTransition(_("只能在开讲前 1 小时到开讲后 3 小时内签到。"))
    if (
        LectureRegistration.objects.filter(pk=registration.pk, attended_at__isnull=True).update(
            attended_at=now
        )
        != 1
    ):
        raise Conflict(_("您已经签到了。"), code="already_checked_in")
    audit_record(actor=actor, action="mechanisms.lecture.checkin", target=lecture)
    return registration


@service("mechanisms.visit.log")
def visit_log(*, actor: Any, centre: Any, visited_on: datetime.date, delegation: str, visitors: int) -> Any:
    from .models import DelegationVisit

    role = policies.require_run_centre(actor, centre.region.path)
    if not isinstance(visited_on, datetime.date) or visited_on > timezone.localdate():
        raise InvalidInput(_("请填写已经发生的来访日期。"), field="visited_on")
    visit = DelegationVisit.objects.create(
        district_id=centre.district_id,
        region=centre.region,
        centre=centre,
        visited_on=visited_on,
        delegation=_text(delegation, "delegation", max_length=100, min_length=2),
        visitors=_int(visitors, "visitors", low=1, high=5000),
        logged_by=actor if not permissions.is_global(actor) else None,
    )
    audit_record(actor=actor, action="mechanisms.visit.log", target=visit, role=role)
    return visit


# --- funding --------------------------------------------------------------------------------------
def _amount(value: Any) -> Decimal:
    from decimal import InvalidOperation

    try:
        amount = Decimal(str(value).strip()).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        amount = Decimal("-1")
    if not Decimal("0.01") <= amount <= Decimal("100000000"):
        raise InvalidInput(_("金额须为 0.01–100000000 之间的数。"), field="amount")
    return amount


def _community(region: Region) -> None:
    if region.kind not in COMMUNITY_KINDS:
        raise InvalidInput(_("经费记在社区或股份经济合作社名下。"), field="region")


def fund_balance(region: Region, year: int, kind: str | None = None) -> Decimal:
    from django.db.models import Sum

    from .models import FundAllocation, FundEntry

    filters: dict[str, Any] = {"region": region, "year": year}
    if kind:
        filters["kind"] = kind
    allocated = FundAllocation.objects.filter(**filters).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    spent = FundEntry.objects.filter(**filters).aggregate(s=Sum("amount"))["s"] or Decimal(0)
    return allocated - spent


@service("mechanisms.funds.allocate")
def fund_allocate(
    *, actor: Any, region: Region, year: int, source: str, kind: str, amount: Any, note: str = ""
) -> Any:
    from .models import FundAllocation, FundKind, FundSource

    role = policies.require_allocate(actor, region)
    _community(region)
    if source not in FundSource.values:
        raise InvalidInput(_("请选择经费来源。"), field="source")
    if kind not in FundKind.values:
        raise InvalidInput(_("请选择经费类别。"), field="kind")
    allocation = FundAllocation.objects.create(
        district_id=region.district_id,
        region=region,
        year=_year(year),
        source=source,
        kind=kind,
        amount=_amount(amount),
        note=_text(note, "note", max_length=200),
        by=actor if not permissions.is_global(actor) else None,
    )
    audit_record(
        actor=actor,
        action="mechanisms.funds.allocate",
        target=allocation,
        role=role,
        changes={"amount": str(allocation.amount)},
    )
    return allocation


@service("mechanisms.funds.spend")
def fund_spend(
    *,
    actor: Any,
    region: Region,
    year: int,
    kind: str,
    category: str,
    spent_on: datetime.date,
    amount: Any,
    description: str,
    attachment: Any = None,
) -> Any:
    """A spending entry; refused when it would overdraw the year's fund of that kind. The
    community's row is locked first so that two entries at once cannot both pass the check."""
    from .models import FundEntry, FundKind, SpendingCategory

    role = policies.require_spend(actor, region)
    _community(region)
    if kind not in FundKind.values:
        raise InvalidInput(_("请选择经费类别。"), field="kind")
    if category not in SpendingCategory.values:
        raise InvalidInput(_("请选择支出类别。"), field="category")
    year = _year(year)
    if not isinstance(spent_on, datetime.date) or spent_on.year != year or spent_on > timezone.localdate():
        raise InvalidInput(_("支出日期须在该年度内，且不晚于今天。"), field="spent_on")
    money = _amount(amount)
    Region.objects.select_for_update().filter(pk=region.pk).first()
    if money > fund_balance(region, year, kind):
        raise InvalidTransition(_("这笔支出超过了该类经费的余额。"))
    entry = FundEntry(
        district_id=region.district_id,
        region=region,
        year=year,
        kind=kind,
        category=category,
        spent_on=spent_on,
        amount=money,
        description=_text(description, "description", max_length=200, min_length=2),
        by=actor if not permissions.is_global(actor) else None,
    )
    if attachment is not None:
        from community365.core.uploads import clean_image

        entry.attachment.save(
            f"receipt-{region.pk}.jpg", clean_image(attachment, field="attachment"), save=False
        )
    entry.save()
    audit_record(
        actor=actor, action="mechanisms.funds.spend", target=entry, role=role, changes={"amount": str(money)}
    )
    return entry


@service("mechanisms.funds.reverse")
def fund_reverse(*, actor: Any, row: Any, reason: str) -> Any:
    """Correct an allocation or a spending entry by a reversing row (the original stays). A row is
    reversed once (a unique column), and a reversal is never itself reversed."""
    from django.db import IntegrityError
    from django.db import transaction as tx

    from .models import FundAllocation, FundEntry

    if isinstance(row, FundAllocation):
        role = policies.require_allocate(actor, row.region)
    elif isinstance(row, FundEntry):
        role = policies.require_spend(actor, row.region)
    else:
        raise InvalidInput(_("只能冲正经费下拨或支出记录。"))
    if row.reverses_id is not None:
        raise InvalidTransition(_("冲正记录本身不能再冲正。"))
    clean = _text(reason, "reason", max_length=200, min_length=2)
    fields = {
        f.name: getattr(row, f.name)
        for f in row._meta.fields
        if f.name not in ("id", "at", "by", "attachment", "reverses", "amount")
    }
    fields.pop("note", None)
    fields.pop("description", None)
    text_field = "note" if isinstance(row, FundAllocation) else "description"
    try:
        with tx.atomic():
            reversal = type(row).objects.create(
                **fields,
                amount=-row.amount,
                reverses=row,
                by=actor if not permissions.is_global(actor) else None,
                **{text_field: clean},
            )
    except IntegrityError:
        raise InvalidTransition(_("这条记录已经冲正过了。")) from None
    audit_record(actor=actor, action="mechanisms.funds.reverse", target=row, role=role, message=clean)
    return reversal


# --- area-wide co-building ----------------------------------------------------------------------------
def _kind(kind: str) -> str:
    from .models import ResourceKind

    if kind not in ResourceKind.values:
        raise InvalidInput(_("请选择类别：场地、志愿者、专业服务、资金物资或其他。"), field="kind")
    return kind


def _by(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) and not permissions.is_global(actor) else None


@service("mechanisms.offer.add")
def offer_add(
    *,
    actor: Any,
    kind: str,
    title: str,
    detail: str = "",
    organisation: Organisation | None = None,
    department: Department | None = None,
) -> Any:
    from .models import ResourceOffer

    if (organisation is None) == (department is None):
        raise InvalidInput(_("请选择提供资源的单位。"), field="unit")
    region = organisation.region if organisation is not None else department.district  # type: ignore[union-attr]
    role = policies.require_offer(actor, region=region, organisation=organisation, department=department)
    offer = ResourceOffer.objects.create(
        district_id=region.district_id or region.pk,
        region=region,
        organisation=organisation,
        department=department,
        unit_name=(organisation or department).name,  # type: ignore[union-attr]
        kind=_kind(kind),
        title=_text(title, "title", max_length=100, min_length=2),
        detail=_text(detail, "detail", max_length=300),
        by=_by(actor),
    )
    audit_record(actor=actor, action="mechanisms.offer.add", target=offer, role=role)
    return offer


@service("mechanisms.need.add")
def need_add(*, actor: Any, region: Region, kind: str, title: str, detail: str = "") -> Any:
    from .models import NeedItem

    role = policies.require_community_lists(actor, region)
    _community(region)
    need = NeedItem.objects.create(
        district_id=region.district_id,
        region=region,
        kind=_kind(kind),
        title=_text(title, "title", max_length=100, min_length=2),
        detail=_text(detail, "detail", max_length=300),
        by=_by(actor),
    )
    audit_record(actor=actor, action="mechanisms.need.add", target=need, role=role)
    return need


def suggestions(need: Any, *, limit: int = 10) -> Any:
    """Resources of the need's kind in its district, nearest first on the region tree: the same
    community, then the same subdistrict, then the rest of the district (one query)."""
    from django.db.models import Case, IntegerField, Value, When

    from .models import ResourceOffer

    sub_path = need.region.path[: 2 * Region.steplen]
    return (
        ResourceOffer.objects.filter(district_id=need.district_id, kind=need.kind, active=True)
        .annotate(
            distance=Case(
                When(region__path__startswith=need.region.path, then=Value(0)),
                When(region__path__startswith=sub_path, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .select_related("region")
        .order_by("distance", "-created_at", "id")[:limit]
    )


@service("mechanisms.coproject.agree")
def coproject_agree(*, actor: Any, need: Any, offer: Any, title: str = "") -> Any:
    """The community takes up a unit's resource for one of its needs: the project list gains a
    line and the need is met. A need is matched once (a conditional UPDATE and a unique row)."""
    from .models import CoProject, NeedItem

    role = policies.require_community_lists(actor, need.region)
    if offer.district_id != need.district_id or not offer.active:
        raise InvalidInput(_("这项资源不能用于本社区。"), field="offer")
    if (
        NeedItem.objects.filter(pk=need.pk, status=NeedItem.Status.OPEN).update(
            status=NeedItem.Status.MATCHED
        )
        != 1
    ):
        raise InvalidTransition(_("这项需求已经对接了。"))
    project = CoProject.objects.create(
        district_id=need.district_id,
        region_id=need.region_id,
        need=need,
        offer=offer,
        title=_text(title or f"{offer.unit_name}·{need.title}", "title", max_length=100, min_length=2),
        by=_by(actor),
    )
    need.status = NeedItem.Status.MATCHED
    audit_record(actor=actor, action="mechanisms.coproject.agree", target=project, role=role)
    return project


@service("mechanisms.agreement.sign")
def agreement_sign(*, actor: Any, region: Region, partner: str, year: int, plan: str) -> Any:
    from .models import CoBuildingAgreement

    role = policies.require_community_lists(actor, region)
    _community(region)
    clean_partner = _text(partner, "partner", max_length=120, min_length=2)
    year = _year(year)
    if CoBuildingAgreement.objects.filter(region=region, partner=clean_partner, year=year).exists():
        raise Conflict(_("本年度与这个单位已有共建协议。"), code="duplicate")
    agreement = CoBuildingAgreement.objects.create(
        district_id=region.district_id,
        region=region,
        partner=clean_partner,
        year=year,
        plan=_text(plan, "plan", max_length=1000, min_length=4),
        by=_by(actor),
    )
    audit_record(actor=actor, action="mechanisms.agreement.sign", target=agreement, role=role)
    return agreement


@service("mechanisms.agreement.review")
def agreement_review(*, actor: Any, agreement: Any, review: str) -> Any:
    from .models import CoBuildingAgreement

    role = policies.require_community_lists(actor, agreement.region)
    clean = _text(review, "review", max_length=1000, min_length=4)
    if (
        CoBuildingAgreement.objects.filter(pk=agreement.pk, reviewed_at__isnull=True).update(
            review=clean, reviewed_at=timezone.now()
        )
        != 1
    ):
        raise InvalidTransition(_("这份协议已经做过年终回顾。"))
    agreement.refresh_from_db()
    audit_record(actor=actor, action="mechanisms.agreement.review", target=agreement, role=role)
    return agreement


@service("mechanisms.cobuilding.model")
def cobuilding_model_set(*, actor: Any, region: Region, model: str) -> Any:
    from .models import CoBuildingModel, CommunityCoBuilding

    role = permissions.require_at(actor, policies.SET_MODEL.name, region.path, _("共建模式由街道确定。"))
    _community(region)
    if model not in CoBuildingModel.values:
        raise InvalidInput(_("请选择四种共建模式之一。"), field="model")
    row, _created = CommunityCoBuilding.objects.update_or_create(
        district_id=region.district_id,
        region=region,
        defaults={
            "model": model,
            "set_by": _by(actor),
            "set_at": timezone.now(),
        },
    )
    audit_record(
        actor=actor, action="mechanisms.cobuilding.model", target=row, role=role, changes={"model": model}
    )
    return row


@service("mechanisms.property.add")
def property_manager_add(*, actor: Any, region: Region, name: str, has_party_branch: bool = False) -> Any:
    from .models import PropertyManager

    role = policies.require_community_lists(actor, region)
    _community(region)
    clean = _text(name, "name", max_length=120, min_length=2)
    if PropertyManager.objects.filter(region=region, name=clean).exists():
        raise Conflict(_("这家物业公司已经登记了。"), code="duplicate")
    manager = PropertyManager.objects.create(
        district_id=region.district_id, region=region, name=clean, has_party_branch=bool(has_party_branch)
    )
    audit_record(actor=actor, action="mechanisms.property.add", target=manager, role=role)
    return manager


@service("mechanisms.property.meeting")
def property_meeting_log(
    *, actor: Any, manager: Any, held_on: datetime.date, topic: str, outcome: str = ""
) -> Any:
    from .models import PropertyMeeting

    role = policies.require_community_lists(actor, manager.region)
    if not isinstance(held_on, datetime.date) or held_on > timezone.localdate():
        raise InvalidInput(_("请填写已经开过的会议日期。"), field="held_on")
    meeting = PropertyMeeting.objects.create(
        manager=manager,
        district_id=manager.district_id,
        held_on=held_on,
        topic=_text(topic, "topic", max_length=200, min_length=2),
        outcome=_text(outcome, "outcome", max_length=300),
    )
    audit_record(
        actor=actor, action="mechanisms.property.meeting", target=manager, role=role, message=meeting.topic
    )
    return meeting


@service("mechanisms.property.fee_rate")
def fee_rate_record(*, actor: Any, manager: Any, estate: str, year: int, rate: Any) -> Any:
    """Record an estate's fee collection rate for a year (a year's figure is recorded once; a
    correction replaces it, audited with the old and the new value)."""
    from decimal import InvalidOperation

    from .models import EstateFeeRate

    role = policies.require_community_lists(actor, manager.region)
    try:
        value = Decimal(str(rate)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        value = Decimal("-1")
    if not Decimal(0) <= value <= Decimal(100):
        raise InvalidInput(_("收缴率须在 0–100 之间。"), field="rate")
    clean = _text(estate, "estate", max_length=60, min_length=2)
    year = _year(year)
    old = (
        EstateFeeRate.objects.filter(
            district_id=manager.district_id, manager=manager, estate=clean, year=year
        )
        .values_list("rate", flat=True)
        .first()
    )
    row, _created = EstateFeeRate.objects.update_or_create(
        district_id=manager.district_id, manager=manager, estate=clean, year=year, defaults={"rate": value}
    )
    audit_record(
        actor=actor,
        action="mechanisms.property.fee_rate",
        target=manager,
        role=role,
        changes={
            "estate": clean,
            "year": year,
            "old": str(old) if old is not None else None,
            "new": str(value),
        },
    )
    return row
