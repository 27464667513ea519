"""对标: staff and district leaders, by place (benchmarking/policies.py). The league and the
indicators page open for every viewer (a community's staff see their own row only); 划船社区's
page and report for those whose scope holds 划船社区; 百丈街道's page for those who see one of
its communities."""

from tests.url_table import (
    ADMIN,
    API_POST_ONLY,
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


def _manual_node_id():
    from community365.benchmarking.models import TreeNode

    return TreeNode.objects.filter(source="manual").order_by("pk").values_list("pk", flat=True).first()


def _entry_id():
    """划船社区's confirmed council-meetings entry (demo stage_benchmarking)."""
    from community365.benchmarking.models import ManualEntry

    return (
        ManualEntry.objects.filter(community__name="划船社区")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


def _evidence_file_id():
    from community365.benchmarking.models import ManualEntryFile

    return (
        ManualEntryFile.objects.filter(entry__community__name="划船社区")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )


# Manual indicators (PARAMS: 划船社区's council-meetings value and its evidence file): the list
# for every viewer; 划船社区's page and file for those who see 划船社区; the district's yearly
# report for its admin and leaders.
ROWS.update(
    {
        "bm_entries": only(VIEWERS),
        "bm_entry": only(HERE),
        "bm_entry_file": only(HERE),
        "bm_entry_confirm": PAGE_POST_ONLY,
        "bm_entry_return": PAGE_POST_ONLY,
        "bm_node_new": PAGE_POST_ONLY,
        "bm_node_move": PAGE_POST_ONLY,
        "bm_node_retire": PAGE_POST_ONLY,
        "bm_weights": PAGE_POST_ONLY,
        "bm_tree_settings": PAGE_POST_ONLY,
        "bm_district_pdf": only([ADMIN, LEADER]),
        "api-1:list_entries": rule(404, 401, _200=VIEWERS),
        "api-1:submit_entry": rule(404, 401, _200=VIEWERS),  # same path as the list
        "api-1:confirm_entry": API_POST_ONLY,
        "api-1:return_entry": API_POST_ONLY,
    }
)
PARAMS = {
    "tree_id": _tree_id,
    "node_id": _node_id,
    "bm_manual_node_id": _manual_node_id,
    "bm_entry_id": _entry_id,
    "bm_file_id": _evidence_file_id,
}
PARAM_FOR.update(
    {
        ("bm_entry", "node_id"): "bm_manual_node_id",
        ("bm_entry_confirm", "entry_id"): "bm_entry_id",
        ("bm_entry_return", "entry_id"): "bm_entry_id",
        ("api-1:confirm_entry", "entry_id"): "bm_entry_id",
        ("api-1:return_entry", "entry_id"): "bm_entry_id",
        ("bm_entry_file", "file_id"): "bm_file_id",
    }
)
