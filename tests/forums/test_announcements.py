import pytest

from forums.models import Forum, Status, Topic
from members.mailing.models import Announcement
from members.mailing.services.announcements import announcement_send_to_list
from tests.forums.factories import ForumFactory
from tests.members.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_an_announcement_sent_to_the_list_appears_in_the_announcements_forum(django_capture_on_commit_callbacks):
    announcements = ForumFactory(
        name="Announcements", visibility=Forum.Visibility.PUBLIC, who_may_start_topics=Forum.Starters.OFFICERS
    )
    ForumFactory(name="General", visibility=Forum.Visibility.PUBLIC)
    officer = UserFactory(name="Idris Officer")
    announcement = Announcement.objects.create(
        title="Call for nominations is open", body="Nominate by **19 February**.", created_by=officer
    )

    with django_capture_on_commit_callbacks(execute=True):
        announcement_send_to_list(announcement=announcement, user=officer)

    topic = Topic.objects.get()
    assert topic.forum == announcements
    assert topic.title == "Call for nominations is open"
    assert topic.author == officer
    assert topic.status == Status.VISIBLE
    assert topic.posts.get().body == "Nominate by **19 February**."


def test_without_an_announcements_forum_the_mailing_still_goes_out(django_capture_on_commit_callbacks):
    officer = UserFactory()
    announcement = Announcement.objects.create(title="Hello", body="Text", created_by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        announcement_send_to_list(announcement=announcement, user=officer)
    assert not Topic.objects.exists()
    announcement.refresh_from_db()
    assert announcement.status != Announcement.Status.DRAFT
