import pytest
from django.utils import timezone

from members.models import PrinciplesVersion

pytestmark = pytest.mark.django_db


def test_principles_page_shows_the_newest_published_version_rendered_safely(client):
    PrinciplesVersion.objects.create(number=1, body="Old text", published_at=timezone.now())
    PrinciplesVersion.objects.create(
        number=2, body="**Be kind.** <script>alert(1)</script>", published_at=timezone.now()
    )
    PrinciplesVersion.objects.create(number=3, body="Draft not yet published")
    body = client.get("/principles/").content.decode()
    assert "<strong>Be kind.</strong>" in body
    assert "Version 2" in body
    assert "<script>alert(1)</script>" not in body
    assert "Draft not yet published" not in body


def test_about_page_is_an_admin_editable_flat_page(client, settings):
    from django.contrib.flatpages.models import FlatPage
    from django.contrib.sites.models import Site

    page = FlatPage.objects.create(url="/about/", title="About the group", content="<p>We meet quarterly.</p>")
    page.sites.add(Site.objects.get(pk=settings.SITE_ID))
    body = client.get("/about/").content.decode()
    assert "About the group" in body
    assert "We meet quarterly." in body


def test_every_page_has_a_skip_link_and_navigation(client):
    body = client.get("/").content.decode()
    assert 'href="#main"' in body
    for label in ("Events", "Forums", "Committee", "Directory", "Mailing list"):
        assert f">{label}</a>" in body


def test_logged_in_member_sees_their_name_and_a_log_out_button(member_client, member):
    body = member_client.get("/").content.decode()
    assert member.name in body
    assert "Log out" in body
    assert "Join the group" not in body
