"""The About page (a flat page officers edit in the admin) is cleaned by the same policy as posts."""

import pytest
from django.contrib.flatpages.models import FlatPage
from django.contrib.sites.models import Site

pytestmark = pytest.mark.django_db


@pytest.fixture
def about(db):
    page = FlatPage.objects.create(
        url="/about/",
        title="About us",
        content=(
            '<p>We are <strong>friendly</strong>. <a href="https://example.org/">Our site</a></p>'
            "<script>fetch('/steal?c=' + document.cookie)</script>"
            '<img src="x" onerror="alert(1)">'
            '<p><a href="javascript:alert(2)">click</a></p>'
        ),
    )
    page.sites.add(Site.objects.get_current())
    return page


def test_officer_written_scripts_do_not_reach_the_about_page(client, about):
    html = client.get("/about/").content.decode()
    assert "<strong>friendly</strong>" in html and 'href="https://example.org/"' in html
    assert "<script>fetch" not in html and "document.cookie" not in html
    assert "onerror" not in html
    assert "javascript:alert" not in html
