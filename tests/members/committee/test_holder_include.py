"""The committee page's holder card works with or without the members app's Profile."""

from types import SimpleNamespace

from django.template.loader import render_to_string


class Photo:
    url = "/media/profiles/abc.jpg"

    def __bool__(self):
        return True


def render(user):
    return render_to_string(
        "members/committee/includes/_holder.html", {"name": "Kit Holder", "user": user, "term_end": None}
    )


def test_without_profile_shows_the_name_and_an_initial():
    html = render(SimpleNamespace(name="Kit Holder"))
    assert "Kit Holder" in html and "<img" not in html and ">K<" in html


def test_profile_sharing_photo_and_bio():
    profile = SimpleNamespace(shown_photo=Photo(), shown_bio="Works on **accessibility**.")
    html = render(SimpleNamespace(profile=profile))
    assert 'src="/media/profiles/abc.jpg"' in html
    assert "<strong>accessibility</strong>" in html


def test_profile_not_sharing_shows_neither():
    profile = SimpleNamespace(shown_photo=None, shown_bio="", photo=Photo(), bio="Secret bio")
    html = render(SimpleNamespace(profile=profile))
    assert "<img" not in html and "Secret bio" not in html


def test_profile_with_only_share_flags():
    profile = SimpleNamespace(photo=Photo(), bio="Shared bio", share_photo=False, share_bio=True)
    html = render(SimpleNamespace(profile=profile))
    assert "<img" not in html and "Shared bio" in html


def test_missing_profile_raising_is_treated_as_none():
    class NoProfile:
        @property
        def profile(self):
            raise LookupError("no profile yet")

    assert "Kit Holder" in render(NoProfile())
