"""On PostgreSQL a LIKE 'prefix%' query uses a B-tree index only with the pattern operator
class (unless the database collation is C); SQLite's index on path serves it as it is."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS regions_region_path_like ON regions_region (path varchar_pattern_ops)"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS regions_region_path_like")


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
