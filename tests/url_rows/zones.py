"""URL × persona rows of zones (整片建强; zones/policies.py). The PARAMS zone is the core
(划船党建综合示范区, members in 百丈街道 incl. 划船社区): the district's admin and leaders, 百丈's
staff and 划船社区's staff see it; 黄鹂社区's social worker sees the zones list (黄鹂 is in a link)
but not the core. Targets and standards: admin, leaders, subdistrict staff. Brands: everyone
signed in with a role in the district (PARAMS community: 划船社区)."""

from tests.url_table import (
    ADMIN,
    LEADER,
    OTHER_WORKER,
    PAGE_POST_ONLY,
    SECRETARY,
    SUBDISTRICT,
    WORKER,
    everyone,
    only,
    rule,
)

VIEWERS = [ADMIN, SUBDISTRICT, SECRETARY, WORKER, OTHER_WORKER, LEADER]
CORE = [ADMIN, SUBDISTRICT, SECRETARY, WORKER, LEADER]
PROGRESS = [ADMIN, SUBDISTRICT, LEADER]

ROWS = {
    "zones_list": only(VIEWERS),
    "zones_xlsx": only(VIEWERS),
    "zones_new": PAGE_POST_ONLY,
    "zones_detail": only(CORE),
    "zones_action": PAGE_POST_ONLY,
    "zones_targets": only(PROGRESS),
    "zones_targets_xlsx": only(PROGRESS),
    "zones_target_set": PAGE_POST_ONLY,
    "zones_standards": only(PROGRESS),
    "zones_standard_edit": PAGE_POST_ONLY,
    "zones_brands": everyone(200),
    "zones_brand": everyone(200),
    "api-1:list_zones": rule(404, 401, _200=VIEWERS),
    "api-1:get_zone": rule(404, 401, _200=CORE),
    "api-1:targets_progress": rule(404, 401, _200=PROGRESS),
}


def _zone_id():
    from community365.zones.models import Zone

    return Zone.objects.filter(kind="core").values_list("pk", flat=True).first()


PARAMS = {"zone_id": _zone_id}
