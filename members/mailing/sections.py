"""The digest sections members provides itself (listed in settings.DIGEST_SECTIONS)."""

from django.utils.html import strip_tags
from django.utils.text import Truncator

from members.mailing.digest import DigestItem, DigestSection, digest_section, shared, until
from members.mailing.models import Announcement
from members.text import render_markdown


@digest_section(key="announcements", title="Announcements")
def announcements(subscriber, since):
    """Announcements sent to the list since the last issue; public, so built once per run whatever the readers."""
    end = until()
    return shared(("announcements-section", since, end), lambda: _announcements_section(since, end))


def _announcements_section(since, end):
    sent = Announcement.objects.filter(
        status__in=[Announcement.Status.SENDING, Announcement.Status.SENT], sent_at__gt=since, sent_at__lte=end
    ).order_by("sent_at")
    items = [
        DigestItem(
            title=a.title,
            url=a.get_absolute_url(),
            summary=Truncator(strip_tags(render_markdown(a.body))).words(40),
            when=a.sent_at,
        )
        for a in sent
    ]
    return DigestSection(key="announcements", title="Announcements", items=items) if items else None
