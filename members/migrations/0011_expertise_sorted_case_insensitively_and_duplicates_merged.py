"""
Areas of expertise sort case-insensitively, and tags that differ only in case or spacing ("Accessibility",
"accessibility ", "staff  development") are merged into one: the directory's filter offered each spelling apart.
"""

import django.db.models.functions.text
from django.db import migrations


def merge_duplicate_tags(apps, schema_editor):
    ExpertiseTag = apps.get_model("members", "ExpertiseTag")
    TaggedExpertise = apps.get_model("members", "TaggedExpertise")
    groups = {}
    for tag in ExpertiseTag.objects.order_by("pk"):
        groups.setdefault(" ".join(tag.name.split()).lower(), []).append(tag)
    for tags in groups.values():
        # Keep the spelling most members chose (the oldest on a tie), tidied of stray spaces.
        keeper = max(tags, key=lambda t: (TaggedExpertise.objects.filter(tag=t).count(), -t.pk))
        for duplicate in tags:
            if duplicate.pk == keeper.pk:
                continue
            for tagged in TaggedExpertise.objects.filter(tag=duplicate):
                if TaggedExpertise.objects.filter(tag=keeper, content_object_id=tagged.content_object_id).exists():
                    tagged.delete()
                else:
                    tagged.tag = keeper
                    tagged.save(update_fields=["tag"])
            duplicate.delete()
        tidy = " ".join(keeper.name.split())
        if tidy != keeper.name:
            keeper.name = tidy
            keeper.save(update_fields=["name"])


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_onboarding_checklist_and_proposed_organisation"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="expertisetag",
            options={
                "ordering": [django.db.models.functions.text.Lower("name"), "name"],
                "verbose_name": "area of expertise",
                "verbose_name_plural": "areas of expertise",
            },
        ),
        migrations.RunPython(merge_duplicate_tags, migrations.RunPython.noop),
    ]
