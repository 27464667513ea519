"""The roles a user can hold at a node of the region tree (names from GLOSSARY.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("区委组织部管理员")
    SUBDISTRICT_STAFF = "subdistrict_staff", _("街道工作人员")
    COMMUNITY_SECRETARY = "community_secretary", _("社区书记")
    SOCIAL_WORKER = "social_worker", _("社工")
    DEPARTMENT_LIAISON = "department_liaison", _("职能部门联络员")
    DISTRICT_LEADER = "district_leader", _("区领导")
    PARTY_MEMBER = "party_member", _("党员")
    VOLUNTEER = "volunteer", _("志愿者")
    MEDIATOR = "mediator", _("老娘舅调解员")
    LAWYER = "lawyer", _("律师")
    JUSTICE_OFFICER = "justice_officer", _("区司法局工作人员")
    FIRST_SECRETARY = "first_secretary", _("第一书记")
    UNIT_SECRETARY = "unit_secretary", _("单位党组织书记")
    RESIDENT = "resident", _("居民")


# Where in the tree each role may be held.
ROLE_PLACE_KINDS: dict[str, frozenset[str]] = {
    Role.DISTRICT_ADMIN: frozenset({"district"}),
    Role.SUBDISTRICT_STAFF: frozenset({"subdistrict"}),
    Role.COMMUNITY_SECRETARY: frozenset({"community", "cooperative"}),
    Role.SOCIAL_WORKER: frozenset({"community", "cooperative"}),
    Role.DEPARTMENT_LIAISON: frozenset({"district"}),
    Role.DISTRICT_LEADER: frozenset({"district"}),
    Role.PARTY_MEMBER: frozenset({"community", "cooperative"}),
    Role.VOLUNTEER: frozenset({"community", "cooperative", "subdistrict"}),
    Role.MEDIATOR: frozenset({"community", "cooperative", "subdistrict"}),
    Role.LAWYER: frozenset({"community", "cooperative", "subdistrict"}),
    # The district's justice bureau (mediation and the legal clinics, district-wide).
    Role.JUSTICE_OFFICER: frozenset({"district"}),
    # A cadre posted to a community or cooperative (the posting itself is a mechanisms record).
    Role.FIRST_SECRETARY: frozenset({"community", "cooperative"}),
    # The party secretary of a unit (department branch, organisation, company) held where the
    # unit sits; which unit is a mechanisms record.
    Role.UNIT_SECRETARY: frozenset({"district", "subdistrict", "community", "cooperative"}),
    Role.RESIDENT: frozenset({"community", "cooperative"}),
}

STAFF_ROLES = frozenset(
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF, Role.COMMUNITY_SECRETARY, Role.SOCIAL_WORKER}
)
ALL_ROLES = frozenset(Role)
# Roles that may use the Django admin (back office); what they see there is still scoped.
BACK_OFFICE_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF, Role.COMMUNITY_SECRETARY})
# Roles held as a member of the public, not as an official: their home shows no work lists.
CITIZEN_ROLES = frozenset({Role.RESIDENT, Role.VOLUNTEER, Role.PARTY_MEMBER})
