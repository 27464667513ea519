"""Households keep their community on the row (as persons do), so the home and region pages count
them grouped by that indexed column. Added empty, filled from each stairwell's ancestors, then
made required (0007)."""

import django.db.models.deletion
from django.db import migrations, models

COMMUNITY_KINDS = ("community", "cooperative")


def fill(apps, schema_editor):
    Region = apps.get_model("regions", "Region")
    Household = apps.get_model("regions", "Household")
    communities = {path: pk for pk, path in Region.objects.filter(kind__in=COMMUNITY_KINDS).values_list("pk", "path")}
    stairwells = Region.objects.filter(pk__in=Household.objects.values("region_id")).values_list("pk", "path")
    for pk, path in stairwells.iterator():
        community = next((communities[path[:i]] for i in range(4, len(path), 4) if path[:i] in communities), None)
        if community is not None:
            Household.objects.filter(region_id=pk).update(community_id=community)


class Migration(migrations.Migration):
    dependencies = [("regions", "0005_unique_with_district")]

    operations = [
        migrations.AddField(
            model_name="household",
            name="community",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="社区",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
