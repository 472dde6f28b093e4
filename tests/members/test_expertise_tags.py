"""
One tag per area of expertise: names are tidied (spaces), duplicates differing only in case are one tag, the
directory's filter sorts case-insensitively, and an upgrade merges the duplicates already stored.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members.models import ExpertiseTag, Profile
from members.profiles import expertise_in_use
from tests.helpers import verified_member
from tests.second_factor import log_in

BEFORE = [("members", "0010_onboarding_checklist_and_proposed_organisation")]
AFTER = [("members", "0011_expertise_sorted_case_insensitively_and_duplicates_merged")]


def listed(name, *tags):
    user = verified_member(name)
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"show_in_directory": True})
    profile.expertise.set(list(tags))
    return profile


@pytest.mark.django_db
def test_the_directory_filter_sorts_case_insensitively(client, member):
    listed("Ann Ashby", "e-portfolios", "Accessibility")
    listed("Bo Brant", "Zoom", "assessment")
    assert [t.name for t in expertise_in_use()] == ["Accessibility", "assessment", "e-portfolios", "Zoom"]
    log_in(client, member)
    html = client.get("/directory/").content.decode()
    positions = [html.index(name) for name in ["Accessibility", "assessment", "e-portfolios", "Zoom"]]
    assert positions == sorted(positions)


@pytest.mark.django_db
def test_a_member_typing_another_case_or_extra_spaces_joins_the_existing_tag(client, member):
    listed("Ann Ashby", "Staff development")
    log_in(client, member)
    response = client.post(
        "/account/profile/",
        {"name": member.name, "expertise": "  staff   DEVELOPMENT , Staff development,accessibility"},
    )
    assert response.status_code == 302
    assert sorted(ExpertiseTag.objects.values_list("name", flat=True)) == ["Staff development", "accessibility"]
    assert sorted(t.name for t in Profile.objects.get(user=member).expertise.all()) == [
        "Staff development",
        "accessibility",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_upgrade_merges_duplicates_already_stored():
    executor = MigrationExecutor(connection)
    apps = executor.migrate(BEFORE).apps
    User = apps.get_model("members", "User")
    OldProfile = apps.get_model("members", "Profile")
    Tag = apps.get_model("members", "ExpertiseTag")
    Tagged = apps.get_model("members", "TaggedExpertise")
    accessibility = Tag.objects.create(name="Accessibility", slug="accessibility")
    lower = Tag.objects.create(name="accessibility", slug="accessibility-1")
    spaced = Tag.objects.create(name="staff  development ", slug="staff-development")
    people = [
        OldProfile.objects.create(user=User.objects.create(email=f"p{n}@example.org", name=f"P {n}")) for n in range(3)
    ]
    Tagged.objects.create(tag=accessibility, content_object=people[0])
    Tagged.objects.create(tag=lower, content_object=people[1])
    Tagged.objects.create(tag=lower, content_object=people[2])
    Tagged.objects.create(tag=accessibility, content_object=people[2])  # both spellings on one profile
    Tagged.objects.create(tag=spaced, content_object=people[0])

    apps = MigrationExecutor(connection).migrate(AFTER).apps
    Tag = apps.get_model("members", "ExpertiseTag")
    Tagged = apps.get_model("members", "TaggedExpertise")
    # Two members each: the tie goes to the older spelling.
    assert sorted(Tag.objects.values_list("name", flat=True)) == ["Accessibility", "staff development"]
    keeper = Tag.objects.get(name="Accessibility")
    assert sorted(Tagged.objects.filter(tag=keeper).values_list("content_object_id", flat=True)) == sorted(
        p.pk for p in people
    )
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
