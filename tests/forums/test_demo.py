from django.utils import timezone

from forums import demo
from forums.models import Forum, Post, Report, Status, Topic
from members import demo as members_demo
from members.models import Notification


def test_seed_demo_twice_gives_the_forums_once(db):
    members_demo.seed()  # the demo accounts write the posts
    demo.seed()
    counts = (
        Forum.objects.count(),
        Topic.objects.count(),
        Post.objects.count(),
        Report.objects.count(),
        Notification.objects.count(),
    )
    demo.seed()
    assert counts == (
        Forum.objects.count(),
        Topic.objects.count(),
        Post.objects.count(),
        Report.objects.count(),
        Notification.objects.count(),
    )
    robin = Notification.objects.filter(user__email="member@demo.sigportal.test")
    assert (
        robin.filter(read_at=None).get().text
        == "Ffion Calder replied in \u201cMicroaggressions in course design meetings\u201d"
    )
    assert robin.exclude(read_at=None).count() == 1
    assert Forum.objects.get(slug="open-forum").allow_anonymous
    assert Forum.objects.get(slug="announcements").who_may_start_topics == "officers"
    assert Forum.objects.get(slug="committee").visibility == "committee"
    assert Post.objects.filter(status="pending").count() == 1
    assert Report.objects.filter(status="open").count() == 1
    assert Topic.objects.filter(post_count__gte=2).count() >= 3


def test_demo_forum_posts_are_all_in_the_past_and_the_hidden_post_is_a_reply(db):
    members_demo.seed()
    demo.seed()
    assert not Post.objects.filter(created_at__gt=timezone.now()).exists()
    hidden = Post.objects.get(status=Status.HIDDEN)
    assert hidden.topic.posts.order_by("created_at").first() != hidden
    assert Topic.objects.get(pk=hidden.topic_id).status == Status.VISIBLE
