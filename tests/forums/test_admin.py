import pytest
from django.utils import timezone

from forums.models import ModerationLogEntry, Suspension
from forums.services import moderation, posting
from tests.second_factor import log_in


@pytest.mark.parametrize(
    "path",
    ["forum", "topic", "post", "report", "moderationlogentry", "suspension"],
)
def test_officers_see_every_forums_admin_list(officer_client, topic, path):
    assert officer_client.get(f"/admin/forums/{path}/").status_code == 200


def test_post_admin_shows_revisions_and_hides_anonymous_authors(officer_client, forum, alice):
    topic = posting.topic_create(forum=forum, author=alice, title="Anon", body="first", is_anonymous=True)
    post = topic.posts.get()
    posting.post_edit(post=post, editor=alice, body="second")
    page = officer_client.get(f"/admin/forums/post/{post.pk}/change/").content.decode()
    assert "first" in page and "anonymous member" in page and "Alice Brookfield" not in page


def test_moderation_log_is_read_only_in_admin(officer_client, topic, officer):
    moderation.topic_set_pinned(topic=topic, moderator=officer, pinned=True)
    entry = ModerationLogEntry.objects.get()
    page = officer_client.get(f"/admin/forums/moderationlogentry/{entry.pk}/change/")
    assert page.status_code == 200 and 'type="submit"' not in page.content.decode().split('id="content-main"')[1]
    assert officer_client.get(f"/admin/forums/moderationlogentry/{entry.pk}/delete/").status_code == 403
    assert officer_client.get("/admin/forums/moderationlogentry/add/").status_code == 403


def test_suspension_added_in_admin_goes_through_the_service(officer_client, bob):
    until = timezone.localtime() + timezone.timedelta(days=3)
    response = officer_client.post(
        "/admin/forums/suspension/add/",
        {
            "member": bob.pk,
            "until_0": until.strftime("%d/%m/%Y"),
            "until_1": "12:00:00",
            "reason": "Cool down",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Suspension.objects.get().created_by is not None
    assert ModerationLogEntry.objects.filter(action="suspend").exists()


def test_members_and_moderators_have_no_forum_admin(client, bob, moderator):
    for user in (bob, moderator):
        log_in(client, user)
        assert client.get("/admin/forums/post/").status_code == 302
