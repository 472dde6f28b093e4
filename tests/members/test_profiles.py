import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from members.models import AssociationMembership, Organisation, Profile
from tests.members.factories import ProfileFactory, UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db
EDIT = "/account/profile/"


def _image(fmt="PNG", size=(1200, 800), colour="teal"):
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=fmt)
    return SimpleUploadedFile(f"me.{fmt.lower()}", buffer.getvalue(), content_type=f"image/{fmt.lower()}")


def _valid(**overrides):
    data = {
        "name": "Robin Testmember",
        "pronouns": "they/them",
        "job_title": "Learning Technologist",
        "organisation": "",
        "region": "wales",
        "time_zone": "",
        "bio": "I look after the **VLE**.",
        "expertise": "accessibility, staff development",
        "website": "https://robin.example",
        "linkedin": "",
        "mastodon": "",
        "bluesky": "",
        "show_in_directory": "on",
        "share_organisation": "on",
        "share_region": "on",
        "share_bio": "on",
        "share_links": "on",
        "share_photo": "on",
    }
    data.update(overrides)
    return data


# --- Who can edit -------------------------------------------------------------------------------------------


def test_visitor_is_sent_to_log_in_for_the_profile_form(client):
    response = client.get(EDIT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_profile_is_created_on_demand_hidden_by_default(member_client, member):
    response = member_client.get(EDIT)
    assert response.status_code == 200
    profile = Profile.objects.get(user=member)
    assert profile.show_in_directory is False
    assert b"Display name" in response.content and b"Time zone" in response.content


def test_member_saves_profile_with_tags_time_zone_and_name(member_client, member):
    org = Organisation.objects.create(name="Kestrel Bay University")
    response = member_client.post(
        EDIT, _valid(name="Robin  Newname", organisation=org.pk, time_zone="Europe/Dublin"), follow=True
    )
    assert b"Your profile is saved." in response.content
    member.refresh_from_db()
    assert member.name == "Robin Newname"
    assert member.time_zone == "Europe/Dublin"
    profile = member.profile
    assert profile.organisation == org
    assert profile.region == "wales"
    assert sorted(t.name for t in profile.expertise.all()) == ["accessibility", "staff development"]
    # The form shows the saved tags back, comma separated, with a datalist for suggestions.
    page = member_client.get(EDIT).content.decode()
    assert 'value="accessibility, staff development"' in page
    assert 'list="expertise-suggestions"' in page and '<datalist id="expertise-suggestions">' in page


def test_tags_are_shared_across_members_case_insensitively(member_client, member, other_member):
    ProfileFactory(user=other_member, expertise=["Accessibility"])
    member_client.post(EDIT, _valid(expertise="accessibility, E-portfolios, e-portfolios"))
    names = sorted(t.name for t in member.profile.expertise.all())
    assert names == ["Accessibility", "E-portfolios"]


def test_photo_is_resized_and_reencoded(member_client, member):
    member_client.post(EDIT, {**_valid(), "photo": _image(size=(1600, 900))})
    profile = Profile.objects.get(user=member)
    assert profile.photo.name.startswith("profiles/") and profile.photo.name.endswith(".jpg")
    with Image.open(profile.photo.path) as saved:
        assert max(saved.size) == 400
        assert saved.format == "JPEG"


def test_replacing_the_photo_removes_the_old_file(member_client, member, django_capture_on_commit_callbacks):
    member_client.post(EDIT, {**_valid(), "photo": _image()})
    old = Profile.objects.get(user=member).photo
    old_path = old.path
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(EDIT, {**_valid(), "photo": _image(colour="orange")})
    import os

    assert not os.path.exists(old_path)
    assert Profile.objects.get(user=member).photo.name != old.name


# --- Bad input: a message next to the field, everything else kept -------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"bio": "x" * 2001}, "bio", "Ensure this value has at most 2000 characters"),
        ({"website": "javascript:alert(1)"}, "website", "starting with http:// or https://"),
        ({"linkedin": "ftp://files.example/me"}, "linkedin", "starting with http:// or https://"),
        ({"mastodon": "data:text/html,hi"}, "mastodon", "starting with http:// or https://"),
        ({"bluesky": "not a web address"}, "bluesky", "starting with http:// or https://"),
        ({"region": "atlantis"}, "region", "Select a valid choice"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", "Select a valid choice"),
        ({"name": "   "}, "name", "This field is required"),
    ],
)
def test_bad_input_is_reported_next_to_the_field_and_other_values_kept(
    member_client, member, overrides, field, message
):
    response = member_client.post(EDIT, _valid(job_title="Keeps This Title", **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert f'id="error_1_id_{field}"' in html  # crispy puts the message under the field
    assert "Please correct" in html  # and the summary at the top links to it
    assert 'value="Keeps This Title"' in html
    assert not Profile.objects.get(user=member).job_title  # nothing saved


def test_oversized_photo_is_refused(member_client, member, monkeypatch):
    monkeypatch.setattr("members.profiles.PHOTO_MAX_BYTES", 1000)
    response = member_client.post(EDIT, {**_valid(job_title="Kept"), "photo": _image(size=(800, 800))})
    assert "The photo is too large" in " ".join(response.context["form"].errors["photo"])
    assert 'value="Kept"' in response.content.decode()
    assert not Profile.objects.get(user=member).photo


def test_a_file_that_is_not_an_image_is_refused(member_client, member):
    fake = SimpleUploadedFile("me.jpg", b"<script>alert(1)</script>" * 50, content_type="image/jpeg")
    response = member_client.post(EDIT, {**_valid(), "photo": fake})
    assert response.status_code == 200
    assert "image" in " ".join(response.context["form"].errors["photo"]).lower()
    assert not Profile.objects.get(user=member).photo


def test_too_many_or_too_long_tags_are_refused(member_client):
    many = ", ".join(f"topic {n}" for n in range(16))
    response = member_client.post(EDIT, _valid(expertise=many))
    assert "up to 15" in " ".join(response.context["form"].errors["expertise"])
    response = member_client.post(EDIT, _valid(expertise="a" * 61))
    assert "under 60" in " ".join(response.context["form"].errors["expertise"])


# --- The profile page: only what the member shares ----------------------------------------------------------


def test_listed_profile_shows_what_is_shared_and_never_the_email(member_client, other_member):
    org = Organisation.objects.create(name="Thornmere College")
    ProfileFactory(
        user=other_member,
        organisation=org,
        region="scotland",
        bio="Hello <script>alert(1)</script> **world**",
        website="https://sable.example",
        expertise=["e-portfolios"],
    )
    response = member_client.get(f"/members/{other_member.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sable Quinnell" in html and "Thornmere College" in html and "Scotland" in html
    assert "<strong>world</strong>" in html and "<script>alert(1)" not in html
    assert 'href="https://sable.example"' in html
    assert reverse("members:expertise-detail", args=["e-portfolios"]) in html
    assert other_member.email not in html


def test_sharing_choices_hide_fields(member_client, other_member):
    org = Organisation.objects.create(name="Thornmere College")
    ProfileFactory(
        user=other_member,
        organisation=org,
        region="scotland",
        bio="Secret bio",
        website="https://sable.example",
        share_organisation=False,
        share_region=False,
        share_bio=False,
        share_links=False,
    )
    html = member_client.get(f"/members/{other_member.pk}/").content.decode()
    for hidden in ["Thornmere College", "Scotland", "Secret bio", "sable.example"]:
        assert hidden not in html


@pytest.mark.parametrize("who", ["member", "moderator", "officer"])
def test_hidden_profile_is_404_for_everyone_else(client, request, other_member, who):
    ProfileFactory(user=other_member, show_in_directory=False)
    log_in(client, request.getfixturevalue(who))
    assert client.get(f"/members/{other_member.pk}/").status_code == 404


def test_member_without_profile_and_unknown_ids_are_404(member_client, other_member):
    assert member_client.get(f"/members/{other_member.pk}/").status_code == 404
    assert member_client.get("/members/999999/").status_code == 404


def test_visitor_is_sent_to_log_in_for_a_profile(client, other_member):
    ProfileFactory(user=other_member)
    response = client.get(f"/members/{other_member.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_member_sees_their_own_hidden_profile_with_a_notice(member_client, member):
    ProfileFactory(user=member, show_in_directory=False)
    response = member_client.get(f"/members/{member.pk}/")
    assert response.status_code == 200
    assert b"Only you can see this page" in response.content


def test_no_url_shows_another_members_email_or_membership_number(member_client, other_member):
    ProfileFactory(user=other_member, expertise=["lecture capture"])
    hidden = ProfileFactory(
        user=UserFactory(name="Hidden Heron", email="heron@example.org"),
        show_in_directory=False,
        job_title="Secret Job",
        expertise=["lecture capture"],
    ).user
    AssociationMembership.objects.create(
        user=other_member, kind="individual", membership_number="M7654321", status="verified"
    )
    urls = [
        f"/members/{other_member.pk}/",
        "/directory/",
        "/directory/?q=Sable",
        "/directory/expertise/lecture-capture/",
        "/account/membership/",
        "/account/profile/",
        "/account/data/",
        "/groups/",
    ]
    for url in urls:
        response = member_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert other_member.email not in html, url
        assert "M7654321" not in html, url
        assert "Hidden Heron" not in html and "heron@example.org" not in html and "Secret Job" not in html, url
    assert member_client.get(f"/members/{hidden.pk}/").status_code == 404
    export = member_client.get("/account/data/export/").content.decode()
    assert other_member.email not in export and "M7654321" not in export


def test_member_removes_their_photo(member_client, member, django_capture_on_commit_callbacks):
    import os

    member_client.post(EDIT, {**_valid(), "photo": _image()})
    path = Profile.objects.get(user=member).photo.path
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(EDIT, {**_valid(), "photo-clear": "on"})
    assert not Profile.objects.get(user=member).photo
    assert not os.path.exists(path)


def test_account_menu_and_navigation_link_the_members_pages(member_client):
    html = member_client.get("/").content.decode()
    for url in ["/account/profile/", "/account/data/", "/groups/", "/account/membership/", "/directory/"]:
        assert f'href="{url}"' in html
