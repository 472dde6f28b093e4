"""Read markers: how far each member has read each topic (new posts and unread topics are shown from them)."""

from forums.models import ReadMarker
from members.generation import bump_reads


def topic_mark_read(*, member, topic, up_to):
    """Remember that the member has read the topic up to a time (never moves backwards)."""
    if not member.is_authenticated or up_to is None:
        return
    updated = ReadMarker.objects.filter(member=member, topic=topic, last_read_at__lt=up_to).update(last_read_at=up_to)
    if not updated:
        _marker, updated = ReadMarker.objects.get_or_create(
            member=member, topic=topic, defaults={"last_read_at": up_to}
        )
    if updated:
        # Read markers leave the shared pages alone; what is kept of this member's own pages goes (members.viewer).
        bump_reads(member.pk)
