"""
Reads of the forums. Each selector limits itself to what the viewer may see (forums.permissions) and does its
own select_related/prefetch, so pages run a fixed number of queries however many topics and posts there are.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from members.roles import is_moderator
from members.viewer import remembered

from . import permissions
from .models import (
    Forum,
    ModerationLogEntry,
    Mute,
    Post,
    PostRevision,
    ReadMarker,
    Report,
    Status,
    Topic,
    TopicWatch,
)


def forums_for(user):
    """Forums the person may read, in order, with counts of visible topics and posts."""
    visible = Q(topics__status=Status.VISIBLE)
    return (
        Forum.objects.filter(visibility__in=permissions.readable_visibilities(user))
        .annotate(
            topic_count=Count("topics", filter=visible),
            post_count=Sum("topics__post_count", filter=visible, default=0),
        )
        .order_by("order", "name")
    )


def forum_for(user, slug):
    """The forum with this slug if the person may read it, else None (the view answers 404: nothing leaks)."""
    forum = Forum.objects.filter(slug=slug).first()
    if forum is None or not permissions.can_read_forum(user, forum):
        return None
    return forum


def _with_read_markers(queryset, user):
    if not user.is_authenticated:
        return queryset
    marker = ReadMarker.objects.filter(member=user, topic=OuterRef("pk")).values("last_read_at")[:1]
    return queryset.annotate(last_read_at=Subquery(marker))


def topics_visible_to(user):
    """Topics the person may see, with what a list shows (author, last post and its author, read marker)."""
    queryset = Topic.objects.filter(permissions.topic_filter_for(user)).select_related(
        "forum", "author", "last_post__author"
    )
    return _with_read_markers(queryset, user)


def topics_in_forum(user, forum):
    """A forum's topics for its page: pinned first, then by latest activity."""
    return topics_visible_to(user).filter(forum=forum).order_by("-pinned", "-last_post_at", "-id")


def topics_in_forum_as_shared(user, forum):
    """
    A forum's topics as everyone of this person's role sees them (forums.shared_pages): without anyone's own
    pending or hidden topics, which only their authors (and moderators) see, and without read markers.
    """
    queryset = (
        Topic.objects.filter(permissions.topic_filter_for(user), forum=forum)
        .select_related("forum", "author", "last_post__author")
        .order_by("-pinned", "-last_post_at", "-id")
    )
    return queryset if is_moderator(user) else queryset.filter(status=Status.VISIBLE)


def own_unlisted_topics_in(user, forum):
    """Whether the member has a pending or hidden topic in the forum (only they see it: their page is their own)."""
    return Topic.objects.filter(forum=forum, author=user).exclude(status=Status.VISIBLE).exists()


def read_markers_for(user, topic_ids):
    """{topic id: last read time} for the member."""
    return dict(ReadMarker.objects.filter(member=user, topic_id__in=topic_ids).values_list("topic_id", "last_read_at"))


def latest_topics_for(user, limit=5):
    """The home page's latest topics: only visible topics in forums the viewer may read."""
    return list(topics_visible_to(user).filter(status=Status.VISIBLE).order_by("-last_post_at", "-id")[:limit])


def mark_unread(topics, user):
    """Set topic.is_unread on each topic of a list that came from topics_visible_to."""
    for topic in topics:
        last_read = getattr(topic, "last_read_at", None)
        topic.is_unread = user.is_authenticated and (last_read is None or topic.last_post_at > last_read)
    return topics


def topic_for(user, forum_slug, topic_slug):
    """The topic if the person may see it; None otherwise. A moved topic is found by its slug alone."""
    topic = (
        Topic.objects.filter(permissions.topic_filter_for(user), slug=topic_slug)
        .select_related("forum", "author")
        .first()
    )
    return topic


def posts_in_topic(user, topic):
    """The posts of a topic the person may see, oldest first, with author and the number of revisions."""
    # Revisions are counted in a correlated subquery and authors fetched for the page alone (prefetch, not a join):
    # PostgreSQL then reads only the page's posts' details, not those of every post before it (bench/pages: the
    # last page of a 500-post topic went from 9 ms of queries to 2).
    revisions = PostRevision.objects.filter(post=OuterRef("pk")).order_by().values("post").annotate(n=Count("pk"))
    return (
        Post.objects.filter(permissions.post_filter_for(user), topic=topic)
        .prefetch_related("author")
        .annotate(revision_count=Coalesce(Subquery(revisions.values("n")), 0))
        .order_by("created_at", "id")
    )


@dataclass
class TopicPage:
    """One page of a topic as a viewer sees it (forums/topic.html)."""

    page: Page
    posts: list
    is_moderator: bool
    # The newest visible post on this page: the viewer has now read the topic up to here (None for visitors).
    read_up_to: datetime | None = None


def topic_page(user, topic, *, page_number, per_page):
    """
    A page of a topic's posts for this viewer, each marked new (since their read marker), muted, reported by
    them, their own and editable, in a fixed number of queries. Reads only: the view records the read marker.
    """
    page = Paginator(posts_in_topic(user, topic), per_page).get_page(page_number)
    posts = list(page.object_list)
    previous_read = None
    if user.is_authenticated:
        previous_read = topic.read_markers.filter(member=user).values_list("last_read_at", flat=True).first()
    muted = muted_ids(user)
    reported = reported_post_ids(user, posts)
    moderator = permissions.can_moderate(user, topic.forum)
    mark_posts(user, topic, posts, previous_read=previous_read, muted=muted, reported=reported, moderator=moderator)
    seen = [post.created_at for post in posts if post.status == Status.VISIBLE]
    read_up_to = max(seen) if seen and user.is_authenticated else None
    return TopicPage(page=page, posts=posts, is_moderator=moderator, read_up_to=read_up_to)


def posts_in_topic_as_shared(user, topic):
    """
    A topic's posts as everyone of this person's role sees them (forums.shared_pages): moderators see every post,
    others the visible ones only, without their own pending or hidden posts (those pages are rendered for them).
    """
    posts = posts_in_topic(user, topic)
    return posts if is_moderator(user) else posts.filter(status=Status.VISIBLE)


def own_posts_state(user, topic):
    """
    (posts anonymously in the topic, has a pending or hidden post in it) for a member, in one query: see
    posts_anonymously_in; a member with an unlisted post gets a page rendered for them alone.
    """
    unlisted = Post.objects.filter(topic=topic, author=user).exclude(status=Status.VISIBLE)
    last = (
        Post.objects.filter(topic=topic, author=user)
        .annotate(unlisted=Exists(unlisted))
        .order_by("-created_at", "-id")
        .values_list("is_anonymous", "unlisted")
        .first()
    )
    return (bool(last[0]), bool(last[1])) if last else (False, False)


def mark_posts(user, topic, posts, *, previous_read, muted, reported, moderator):
    """Set what _post.html shows this viewer on each post: new, muted, reported by them, their own, editable."""
    for post in posts:
        post.topic = topic  # already loaded with its forum: no query per post
        post.is_new = user.is_authenticated and previous_read is not None and post.created_at > previous_read
        post.is_muted = bool(post.author_id in muted and not post.is_anonymous)
        post.reported_by_me = post.pk in reported
        post.is_own = user.is_authenticated and post.author_id == user.pk
        post.can_edit = permissions.can_edit_post(user, post) if post.is_own or moderator else False
    return posts


def post_for(user, post_id):
    """The post if the person may see it, else None."""
    post = Post.objects.select_related("topic__forum", "author").filter(pk=post_id).first()
    if post is None or not permissions.can_see_post(user, post):
        return None
    return post


def post_page_number(user, post):
    """The page of its topic a post is on, for this viewer (permalinks)."""
    before = (
        posts_in_topic(user, post.topic)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, id__lt=post.pk))
        .count()
    )
    return before // settings.FORUMS_POSTS_PER_PAGE + 1


def muted_ids(user):
    if not user.is_authenticated:
        return set()
    return set(
        remembered(
            user, "_muted_ids", lambda: frozenset(Mute.objects.filter(member=user).values_list("muted_id", flat=True))
        )
    )


def is_watching_topic(user, topic):
    return user.is_authenticated and TopicWatch.objects.filter(member=user, topic=topic).exists()


def reported_post_ids(user, posts):
    if not user.is_authenticated:
        return set()
    return set(Report.objects.filter(reporter=user, post__in=posts).values_list("post_id", flat=True))


def moderation_queue(user):
    """(pending posts, reported posts with their open reports) in the forums this moderator may read."""
    readable = Q(topic__forum__visibility__in=permissions.readable_visibilities(user))
    pending = (
        Post.objects.filter(readable, status=Status.PENDING)
        .select_related("topic__forum", "author")
        .order_by("created_at")
    )
    open_reports = Report.objects.filter(status=Report.ReportStatus.OPEN).select_related("reporter")
    reported = (
        Post.objects.filter(readable, reports__status=Report.ReportStatus.OPEN)
        .distinct()
        .select_related("topic__forum", "author")
        .prefetch_related(Prefetch("reports", queryset=open_reports, to_attr="open_reports"))
        .order_by("created_at")
    )
    return pending, reported


def moderation_queue_count(user):
    """How many posts wait for this moderator (pending, or with open reports): one query, for the header's link."""
    readable = Q(topic__forum__visibility__in=permissions.readable_visibilities(user))
    reported = Exists(Report.objects.filter(post=OuterRef("pk"), status=Report.ReportStatus.OPEN))
    return Post.objects.filter(readable).filter(Q(status=Status.PENDING) | reported).count()


def moderation_log_for(user):
    """Log entries the committee member may read (nothing about forums they cannot read)."""
    readable = permissions.readable_visibilities(user)
    return (
        ModerationLogEntry.objects.filter(Q(forum__isnull=True) | Q(forum__visibility__in=readable))
        .select_related("actor", "subject", "topic__forum", "post")
        .order_by("-created_at", "-id")
    )


# ----------------------------------------------------------------------------------------------------------
# Search
# ----------------------------------------------------------------------------------------------------------

MAX_QUERY_LENGTH = 200


def search_terms(query):
    return [t for t in re.findall(r"\w+", query or "")[:10] if len(t) > 1]


def search_posts(user, query):
    """
    Visible posts in visible topics of forums the person may read that match the query: ranked full-text
    search on PostgreSQL, every-word icontains elsewhere. Nothing else can reach results, counts or snippets.
    """
    query = (query or "").strip()[:MAX_QUERY_LENGTH]
    terms = search_terms(query)
    if not terms:
        return Post.objects.none()
    base = Post.objects.filter(
        status=Status.VISIBLE,
        topic__status=Status.VISIBLE,
        topic__forum__visibility__in=permissions.readable_visibilities(user),
    ).select_related("topic__forum", "author")
    if connection.vendor == "postgresql":
        vector = SearchVector("topic__title", weight="A", config="english") + SearchVector(
            "body", weight="B", config="english"
        )
        search_query = SearchQuery(query, search_type="websearch", config="english")
        return (
            base.annotate(search=vector, rank=SearchRank(vector, search_query))
            .filter(search=search_query)
            .order_by("-rank", "-created_at", "-id")
        )
    condition = Q()
    for term in terms:
        condition &= Q(body__icontains=term) | Q(topic__title__icontains=term)
    return base.filter(condition).order_by("-created_at", "-id")


def snippet(body, query, width=220):
    """[(text, is_match), ...] around the first match; the template escapes and marks (no HTML here)."""
    text = re.sub(r"[*_`#>\[\]]+", "", body or "")
    text = re.sub(r"\s+", " ", text).strip()
    terms = search_terms(query)
    if not terms:
        return [(text[:width], False)]
    pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)
    first = pattern.search(text)
    start = max(0, (first.start() if first else 0) - width // 3)
    excerpt = text[start : start + width]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + width < len(text) else ""
    parts, last = [], 0
    for match in pattern.finditer(excerpt):
        if match.start() > last:
            parts.append((excerpt[last : match.start()], False))
        parts.append((match.group(0), True))
        last = match.end()
    parts.append((excerpt[last:], False))
    if prefix:
        parts.insert(0, (prefix, False))
    if suffix:
        parts.append((suffix, False))
    return parts


def can_see_moderation(user):
    return is_moderator(user)


def posts_anonymously_in(user, topic):
    """
    Whether the member's last post in this topic was anonymous (for the author of an anonymous topic, its first
    post). Their reply form starts anonymous, and a reply under their name needs a confirmation: one forgotten tick
    must not publish a name in a safe space.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    last = (
        Post.objects.filter(topic=topic, author=user)
        .order_by("-created_at", "-id")
        .values_list("is_anonymous", flat=True)
        .first()
    )
    return bool(last)
