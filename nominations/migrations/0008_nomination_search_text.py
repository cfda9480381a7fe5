from django.db import migrations, models


def fill(apps, schema_editor):
    """Fold the nominee's name and the achievement of the nominations there are (nominations.search)."""
    from nominations.search import nomination_text

    Nomination = apps.get_model("nominations", "Nomination")
    rows = Nomination.objects.using(schema_editor.connection.alias).select_related("nominee").only(
        "pk", "achievement", "nominee__name").order_by("pk")
    batch = []
    for nomination in rows.iterator(chunk_size=2000):
        nomination.search_text = nomination_text(nomination.nominee.name, nomination.achievement)
        batch.append(nomination)
        if len(batch) == 2000:
            Nomination.objects.using(schema_editor.connection.alias).bulk_update(batch, ["search_text"])
            batch = []
    Nomination.objects.using(schema_editor.connection.alias).bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):

    dependencies = [
        ("nominations", "0007_nominee_identity_per_unit"),
    ]

    operations = [
        migrations.AddField(
            model_name="nomination",
            name="search_text",
            field=models.TextField(blank=True, db_default="", default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
