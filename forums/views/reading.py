"""Reading the forums: the index, a forum, a topic, a post's permalink and search."""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject

from forums import permissions, selectors
from forums.forms import MoveForm, ReplyForm, SearchForm, SlowModeForm
from forums.models import Status
from forums.services import reading
from forums.services.suspensions import active_suspension
from members.principles import accept_url

from .common import not_found, page_of


def index(request):
    return render(
        request,
        "forums/index.html",
        # Lazy: read inside a fragment members share, so a cached fragment costs no query (nor the building of one).
        {"forums": SimpleLazyObject(lambda: list(selectors.forums_for(request.user))), "search_form": SearchForm()},
    )


def forum_detail(request, forum_slug):
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


def topic_detail(request, forum_slug, topic_slug):
    user = request.user
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
    context = {
        "topic": topic,
        "forum": topic.forum,
        "page": shown.page,
        "posts": shown.posts,
        "reply_form": ReplyForm(forum=topic.forum, anonymous_here=anonymous_here),
        "anonymous_here": anonymous_here,
        "can_reply": permissions.can_reply(user, topic) and (topic.status == Status.VISIBLE or moderator),
        "needs_principles": permissions.needs_principles(user),
        "principles_url": accept_url(request.path),
        "suspension": active_suspension(user) if user.is_authenticated else None,
        "watching": selectors.is_watching_topic(user, topic),
        "is_moderator": moderator,
    }
    if moderator:
        other_forums = selectors.forums_for(user).exclude(pk=topic.forum_id)
        context["move_form"] = MoveForm(forums=other_forums, prefix="move")
        context["slow_form"] = SlowModeForm(initial={"minutes": topic.slow_mode_minutes}, prefix="slow")
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
