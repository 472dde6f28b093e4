"""The digest sections members provides itself (listed in settings.DIGEST_SECTIONS)."""

from django.utils.html import strip_tags
from django.utils.text import Truncator

from members.mailing.digest import DigestItem, DigestSection, digest_section, shared, until
from members.models import Announcement
from members.text import render_markdown


@digest_section(key="announcements", title="Announcements")
def announcements(subscriber, since):
    """Announcements sent to the list since the last issue; public, so one query per run whatever the readers."""
    end = until()
    sent = shared(
        ("announcements", since, end),
        lambda: list(
            Announcement.objects.filter(
                status__in=[Announcement.Status.SENDING, Announcement.Status.SENT], sent_at__gt=since, sent_at__lte=end
            ).order_by("sent_at")
        ),
    )
    if not sent:
        return None
    return DigestSection(
        key="announcements",
        title="Announcements",
        items=[
            DigestItem(
                title=a.title,
                url=a.get_absolute_url(),
                summary=Truncator(strip_tags(render_markdown(a.body))).words(40),
                when=a.sent_at,
            )
            for a in sent
        ],
    )
