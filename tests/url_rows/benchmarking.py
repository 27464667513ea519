"""对标: staff and district leaders, by place (benchmarking/policies.py). The league and the
indicators page open for every viewer (a community's staff see their own row only); 划船社区's
page and report for those whose scope holds 划船社区; 百丈街道's page for those who see one of
its communities."""

from tests.url_table import (
    ADMIN,
    LEADER,
    PAGE_POST_ONLY,
    SECRETARY,
    STAFF,
    STAFF_HERE,
    SUBDISTRICT,
    WORKER,
    only,
    rule,
)

VIEWERS = [*STAFF, LEADER]
HERE = [*STAFF_HERE, LEADER]

ROWS = {
    "bm_league": only(VIEWERS),
    "bm_league_xlsx": only(VIEWERS),
    "bm_tree": only(VIEWERS),
    "bm_subdistrict": only([ADMIN, SUBDISTRICT, SECRETARY, WORKER, LEADER]),
    "bm_community": only(HERE),
    "bm_community_pdf": only(HERE),
    "api-1:list_periods": rule(404, 401, _200=VIEWERS),
    "api-1:league": rule(404, 401, _200=VIEWERS),
    "api-1:community_gaps": rule(404, 401, _200=HERE),
}
PARAM_FOR = {("bm_subdistrict", "region_id"): "subdistrict_id"}


def _tree_id():
    from community365.benchmarking.models import IndicatorTree

    return IndicatorTree.objects.order_by("year").values_list("pk", flat=True).first()


def _node_id():
    from community365.benchmarking.models import TreeNode

    return TreeNode.objects.exclude(source="").order_by("pk").values_list("pk", flat=True).first()


ROWS.update(
    {
        "bm_tree_publish": PAGE_POST_ONLY,
        "bm_tree_copy": PAGE_POST_ONLY,
        "bm_node_edit": PAGE_POST_ONLY,
    }
)
PARAMS = {"tree_id": _tree_id, "node_id": _node_id}
