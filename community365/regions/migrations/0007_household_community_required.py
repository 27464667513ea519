import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("regions", "0006_household_community")]

    operations = [
        migrations.AlterField(
            model_name="household",
            name="community",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="regions.region",
                verbose_name="社区",
            ),
        ),
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["district", "community"], name="household_by_community"),
        ),
    ]
