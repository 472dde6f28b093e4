"""Reading the forums: the index, a forum, a topic, a post's permalink and search."""

import copy
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject

from forums import permissions, selectors, shared_pages
from forums.forms import MoveForm, ReplyForm, SearchForm, SlowModeForm
from forums.models import Status, Topic
from forums.services import reading
from forums.services.suspensions import active_suspension
from members.generation import enabled as caches_enabled
from members.principles import accept_url
from members.viewer import page_state

from .common import not_found, page_of

User = get_user_model()


def index(request):
    return render(
        request,
        "forums/index.html",
        # Lazy: read inside a fragment members share, so a cached fragment costs no query (nor the building of one).
        {"forums": SimpleLazyObject(lambda: list(selectors.forums_for(request.user))), "search_form": SearchForm()},
    )


def forum_detail(request, forum_slug):
    if request.user.is_authenticated and caches_enabled():
        response = _forum_detail_shared(request, forum_slug)
        if response is not None:
            return response
    forum = selectors.forum_for(request.user, forum_slug)
    if forum is None:
        return not_found(request, "No such forum.")
    page = page_of(request, selectors.topics_in_forum(request.user, forum), settings.FORUMS_TOPICS_PER_PAGE)
    selectors.mark_unread(page.object_list, request.user)
    watching = request.user.is_authenticated and forum.watches.filter(member=request.user).exists()
    return render(
        request,
        "forums/forum.html",
        {
            "forum": forum,
            "page": page,
            "topics": page.object_list,
            "watching": watching,
            "can_start": permissions.can_start_topic(request.user, forum),
        },
    )


def _forum_detail_shared(request, forum_slug):
    """A member's forum page from topic rows shared with their viewer class (forums.shared_pages); None: render it
    for them alone (no forum, their own pending or hidden topic in it, or no cache to share through)."""
    user = request.user
    key, generation, entry = shared_pages.lookup("forum", request)
    if generation is None:
        return None
    if entry is None:
        forum = selectors.forum_for(user, forum_slug)
        if forum is None:
            return None
        page = page_of(request, selectors.topics_in_forum_as_shared(user, forum), settings.FORUMS_TOPICS_PER_PAGE)
        topics = list(page.object_list)
        nonce = shared_pages.new_nonce()
        if topics:
            html = shared_pages.render_part(
                "forums/includes/_topic_list.html",
                {"topics": topics, "show_forum": False, **shared_pages.shared_context(nonce)},
            ) + shared_pages.render_part("forums/includes/_pagination.html", {"page": page, "label": "Topic pages"})
        else:
            html = "<p>No topics yet.</p>"
        entry = {
            "generation": generation,
            "forum": forum,
            "last_post_at": {topic.pk: topic.last_post_at for topic in topics},
            "parts": shared_pages.split_holes(html, nonce) if topics else [html],
        }
        shared_pages.store(key, entry)
    forum = entry["forum"]
    last_post_at = entry["last_post_at"]
    state = page_state(user, key, lambda: _forum_state(user, forum, list(last_post_at)))
    if state is None:
        return None
    read, watching = state

    def unread(kind, pk):
        last_read = read.get(pk)
        return last_read is None or last_post_at[pk] > last_read

    return render(
        request,
        "forums/forum.html",
        {
            "csrf_token": shared_pages.member_token(request),  # one token for the page's every form
            "forum": forum,
            "shared": True,
            "shared_topics": shared_pages.fill_holes(entry["parts"], unread, request),
            "watching": watching,
            "can_start": permissions.can_start_topic(user, forum),
        },
    )


def _forum_state(user, forum, topic_ids):
    """(read markers of the page's topics, watching the forum) for the member; None if the page must be theirs alone
    (a pending or hidden topic of theirs is in the forum)."""
    if not permissions.can_moderate(user) and selectors.own_unlisted_topics_in(user, forum):
        return None
    return selectors.read_markers_for(user, topic_ids), forum.watches.filter(member=user).exists()


def _bare_topic(topic):
    """The topic with its forum but without its author (a person's details stay out of the shared cache)."""
    bare = Topic(**{field.attname: getattr(topic, field.attname) for field in Topic._meta.concrete_fields})
    bare._state.adding, bare._state.db = False, topic._state.db
    bare.forum = topic.forum
    return bare


def _bare_post(post):
    """A copy of the post whose author carries only their name (a person's details stay out of the shared cache)."""
    bare = copy.copy(post)
    bare._state = copy.copy(post._state)
    bare._state.fields_cache = {}
    # An anonymous post's page never shows its author's name (only its author sees "(you)", from the id).
    name = "" if post.is_anonymous else post.author.name if post.author_id else None
    bare.author = User(pk=post.author_id, name=name) if post.author_id else None
    bare.topic_id = post.topic_id
    return bare


def _shared_topic_rows(request, forum_slug, topic_slug, generation):
    """The rows of a topic's page as everyone of the viewer's class sees them; None if it is not theirs to share."""
    user = request.user
    topic = selectors.topic_for(user, forum_slug, topic_slug)
    if topic is None or topic.forum.slug != forum_slug:
        return None
    moderator = permissions.can_moderate(user, topic.forum)
    if topic.status != Status.VISIBLE and not moderator:
        return None  # a pending or hidden topic: only its author (and moderators) see it
    can_reply = permissions.can_reply(user, topic) and (topic.status == Status.VISIBLE or moderator)
    posts_query = selectors.posts_in_topic_as_shared(user, topic)
    page = Paginator(posts_query, settings.FORUMS_POSTS_PER_PAGE).get_page(request.GET.get("page"))
    nonce = shared_pages.new_nonce()
    rows, posts = [], []
    for post in page.object_list:
        post.topic = topic
        post.is_own, post.can_edit = False, moderator  # a member's own posts are rendered for them alone
        if post.status != Status.VISIBLE:
            html = None  # what moderators see of a pending or hidden post: rendered for each of them
        else:
            html = shared_pages.render_part(
                "forums/includes/_post.html",
                {
                    "post": post,
                    "topic": topic,
                    "can_reply": can_reply,
                    "is_moderator": moderator,
                    "user": user,
                    "request": request,
                    **shared_pages.shared_context(nonce),
                },
            )
        parts = None if html is None else shared_pages.split_holes(html, nonce)
        rows.append((post.pk, post.author_id, post.status, post.created_at, post.is_anonymous, parts))
        posts.append(_bare_post(post))
    pagination = "forums/includes/_pagination.html"
    return {
        "generation": generation,
        "topic": _bare_topic(topic),
        "rows": rows,
        "top": shared_pages.render_part(pagination, {"page": page, "label": "Pages of this topic"}),
        "bottom": shared_pages.render_part(pagination, {"page": page, "label": "Pages of this topic (bottom)"}),
    }, posts


def _topic_detail_shared(request, forum_slug, topic_slug):
    """A member's topic page from post rows shared with their viewer class (forums.shared_pages); None: render it
    for them alone (no such topic, a redirect, their own pending or hidden post in it, or no cache)."""
    user = request.user
    key, generation, entry = shared_pages.lookup("topic", request)
    if generation is None:
        return None
    posts = None
    if entry is None:
        entry, posts = _shared_topic_rows(request, forum_slug, topic_slug, generation) or (None, None)
        if entry is None:
            return None
        shared_pages.store(key, entry)
        shared_pages.store(key + ":posts", {"generation": generation, "posts": posts})
    topic = entry["topic"]
    moderator = permissions.can_moderate(user, topic.forum)
    rows = entry["rows"]
    state = page_state(user, key, lambda: _topic_state(user, topic, rows))
    anonymous_here, has_unlisted, previous_read, reported, watching = state
    if has_unlisted and not moderator:
        return None  # the page lists their pending or hidden post, and counts it: theirs alone
    muted = selectors.muted_ids(user)
    can_reply = permissions.can_reply(user, topic) and (topic.status == Status.VISIBLE or moderator)
    own = [row[0] for row in rows if row[1] == user.pk or row[5] is None]
    if own:
        if posts is None:
            posts = (shared_pages.fetch(key + ":posts", entry["generation"]) or {}).get("posts")
            if posts is None:
                return None  # evicted: render the page for them alone
        posts = [post for post in posts if post.pk in own]
        for post in posts:
            post.topic = topic
        selectors.mark_posts(
            user, topic, posts, previous_read=previous_read, muted=muted, reported=reported, moderator=moderator
        )
        own = {post.pk: post for post in posts}
    created = {row[0]: row[3] for row in rows}
    muted_posts = {row[0] for row in rows if row[1] in muted and not row[4]}

    def choose(kind, pk):
        if kind == "new":
            return previous_read is not None and created[pk] > previous_read
        if kind == "muted":
            return pk in muted_posts
        return pk in reported  # "reported"

    parts = [entry["top"]]
    for pk, _author, _status, _created, _anonymous, shared in rows:
        if pk in own:
            html = shared_pages.render_part(
                "forums/includes/_post.html",
                {
                    "post": own[pk],
                    "topic": topic,
                    "can_reply": can_reply,
                    "is_moderator": moderator,
                    "user": user,
                    "request": request,
                    "csrf_token": shared_pages.member_token(request),
                },
            )
            parts.append(html)
        elif shared is not None:
            parts.extend(shared)
    parts.append(entry["bottom"])
    seen = [row[3] for row in rows if row[2] == Status.VISIBLE]
    read_up_to = max(seen) if seen else None
    if read_up_to is not None and (previous_read is None or read_up_to > previous_read):  # it never moves back
        reading.topic_mark_read(member=user, topic=topic, up_to=read_up_to)
    context = _topic_context(request, topic, moderator, can_reply, anonymous_here, watching=watching)
    context["reply_form_html"] = shared_pages.BlankForm(
        entry["generation"],
        ("reply", topic.forum_id, anonymous_here),
        lambda: ReplyForm(forum=topic.forum, anonymous_here=anonymous_here),
    )
    # The member's own rows hold no markers: one pass fills the holes of the shared ones.
    context |= {
        "csrf_token": shared_pages.member_token(request),  # one token for the page's every form
        "shared": True,
        "shared_posts": shared_pages.fill_holes(parts, choose, request),
    }
    return render(request, "forums/topic.html", context)


def _topic_state(user, topic, rows):
    """What a topic's shared page needs to know about the member (kept with them: members.viewer.page_state)."""
    anonymous_here, has_unlisted = selectors.own_posts_state(user, topic)
    previous_read = topic.read_markers.filter(member=user).values_list("last_read_at", flat=True).first()
    reported = frozenset(selectors.reported_post_ids(user, [row[0] for row in rows]))
    return anonymous_here, has_unlisted, previous_read, reported, selectors.is_watching_topic(user, topic)


def _topic_context(request, topic, moderator, can_reply, anonymous_here, *, watching=None):
    """What topic.html shows around the posts: the reply form, the watch button, the moderators' tools."""
    user = request.user
    context = {
        "topic": topic,
        "forum": topic.forum,
        # Built only if the template shows it (the shared path gives it reply_form_html instead).
        "reply_form": SimpleLazyObject(lambda: ReplyForm(forum=topic.forum, anonymous_here=anonymous_here)),
        "anonymous_here": anonymous_here,
        "can_reply": can_reply,
        "needs_principles": permissions.needs_principles(user),
        "principles_url": accept_url(request.path),
        "suspension": active_suspension(user) if user.is_authenticated else None,
        "watching": selectors.is_watching_topic(user, topic) if watching is None else watching,
        "is_moderator": moderator,
    }
    if moderator:
        other_forums = selectors.forums_for(user).exclude(pk=topic.forum_id)
        context["move_form"] = MoveForm(forums=other_forums, prefix="move")
        context["slow_form"] = SlowModeForm(initial={"minutes": topic.slow_mode_minutes}, prefix="slow")
    return context


def topic_detail(request, forum_slug, topic_slug):
    user = request.user
    if user.is_authenticated and caches_enabled():
        response = _topic_detail_shared(request, forum_slug, topic_slug)
        if response is not None:
            return response
    topic = selectors.topic_for(user, forum_slug, topic_slug)
    if topic is None:
        return not_found(request, "No such topic.")
    if topic.forum.slug != forum_slug:
        return redirect(topic.get_absolute_url(), permanent=True)
    shown = selectors.topic_page(
        user, topic, page_number=request.GET.get("page"), per_page=settings.FORUMS_POSTS_PER_PAGE
    )
    reading.topic_mark_read(member=user, topic=topic, up_to=shown.read_up_to)
    moderator = shown.is_moderator
    anonymous_here = selectors.posts_anonymously_in(user, topic)
    can_reply = permissions.can_reply(user, topic) and (topic.status == Status.VISIBLE or moderator)
    context = _topic_context(request, topic, moderator, can_reply, anonymous_here)
    context |= {"page": shown.page, "posts": shown.posts}
    return render(request, "forums/topic.html", context)


def post_permalink(request, post_id):
    """A post's stable address: redirects to the page of its topic it is on, for this viewer."""
    post = selectors.post_for(request.user, post_id)
    if post is None:
        return not_found(request, "No such post.")
    page = selectors.post_page_number(request.user, post)
    url = post.topic.get_absolute_url()
    if page > 1:
        url += f"?page={page}"
    return redirect(f"{url}#post-{post.pk}")


def search(request):
    form = SearchForm(request.GET or None)
    query = ""
    page = None
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
    if query:
        page = page_of(request, selectors.search_posts(request.user, query), 20)
        for post in page.object_list:
            post.snippet = selectors.snippet(post.body, query)
    extra = "&" + urlencode({"q": query})
    return render(request, "forums/search.html", {"form": form, "query": query, "page": page, "extra": extra})
