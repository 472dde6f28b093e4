"""A topic's denormalised state (its counts, latest post and status), which follows its posts."""

from django.utils.text import slugify

from forums.models import Post, Status, Topic


def unique_topic_slug(title):
    base = slugify(title)[:80].strip("-") or "topic"
    if base in {"new", "watch"}:  # these are the forum's own pages (forums.urls)
        base = f"{base}-topic"
    slug, n = base, 1
    while Topic.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def topic_refresh_stats(topic):
    """Recount a topic's visible posts and its latest one (the denormalised columns the lists read)."""
    visible = Post.objects.filter(topic=topic, status=Status.VISIBLE)
    last = visible.order_by("-created_at", "-id").first()
    topic.post_count = visible.count()
    topic.last_post = last
    topic.last_post_at = last.created_at if last else topic.created_at
    topic.save(update_fields=["post_count", "last_post", "last_post_at"])


def first_post_id(topic):
    return Post.objects.filter(topic=topic).order_by("created_at", "id").values_list("id", flat=True).first()


def sync_topic_status(post):
    """A topic's status follows its first post."""
    topic = post.topic
    if first_post_id(topic) == post.pk and topic.status != post.status:
        topic.status = post.status
        topic.save(update_fields=["status"])
