"""
Pages of the forums. Thin: load what the viewer may see (forums.selectors; anything else is a 404, so nothing
leaks), check the permission, call a service, render. Domain errors become messages next to the form, with the
member's text kept.
"""

import datetime
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_POST

from members.principles import accept_url
from members.roles import is_moderator, is_officer

from . import permissions, selectors, services
from .exceptions import ForumError, PrinciplesNotAccepted
from .forms import (
    EditForm,
    ModeratePostForm,
    MoveForm,
    ReplyForm,
    ReportForm,
    RevealForm,
    SearchForm,
    SlowModeForm,
    SuspendForm,
    TopicForm,
)
from .models import Status, Suspension


def _principles_redirect(request, next_url=None):
    messages.info(request, "Please read and accept the community principles before you post.")
    return redirect(accept_url(next_url or request.get_full_path()))


def _form_error(form, error):
    form.add_error(error.field if error.field in form.fields else None, error.message)


def _require_moderator(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={quote(request.get_full_path())}")
    if not is_moderator(request.user):
        raise PermissionDenied("Only moderators can see this page.")
    return None


def _not_found(request, what):
    """Visitors are asked to log in (the same answer whether or not the thing exists); members get a 404."""
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={quote(request.get_full_path())}")
    raise Http404(what)


def _page(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


# ----------------------------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------------------------


def index(request):
    return render(
        request,
        "forums/index.html",
        # Lazy: read inside a fragment members share, so a cached fragment costs no query (nor the building of one).
        {"forums": SimpleLazyObject(lambda: list(selectors.forums_for(request.user))), "search_form": SearchForm()},
    )


def forum_detail(request, forum_slug):
    from django.conf import settings

    forum = selectors.forum_for(request.user, forum_slug)
    if forum is None:
        return _not_found(request, "No such forum.")
    page = _page(request, selectors.topics_in_forum(request.user, forum), settings.FORUMS_TOPICS_PER_PAGE)
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
    from django.conf import settings

    topic = selectors.topic_for(request.user, forum_slug, topic_slug)
    if topic is None:
        return _not_found(request, "No such topic.")
    if topic.forum.slug != forum_slug:
        return redirect(topic.get_absolute_url(), permanent=True)
    return _render_topic(request, topic, ReplyForm(forum=topic.forum), settings.FORUMS_POSTS_PER_PAGE)


def _render_topic(request, topic, reply_form, per_page, status=200):
    user = request.user
    posts_qs = selectors.posts_in_topic(user, topic)
    page = _page(request, posts_qs, per_page)
    posts = list(page.object_list)
    previous_read = None
    if user.is_authenticated:
        previous_read = topic.read_markers.filter(member=user).values_list("last_read_at", flat=True).first()
        seen = [p.created_at for p in posts if p.status == Status.VISIBLE]
        if seen:
            services.topic_mark_read(member=user, topic=topic, up_to=max(seen))
    muted = selectors.muted_ids(user)
    reported = selectors.reported_post_ids(user, posts)
    moderator = permissions.can_moderate(user, topic.forum)
    for post in posts:
        post.topic = topic  # already loaded with its forum: no query per post
        post.is_new = user.is_authenticated and previous_read is not None and post.created_at > previous_read
        post.is_muted = bool(post.author_id in muted and not post.is_anonymous)
        post.reported_by_me = post.pk in reported
        post.is_own = user.is_authenticated and post.author_id == user.pk
        post.can_edit = permissions.can_edit_post(user, post) if post.is_own or moderator else False
    context = {
        "topic": topic,
        "forum": topic.forum,
        "page": page,
        "posts": posts,
        "reply_form": reply_form,
        "can_reply": permissions.can_reply(user, topic) and (topic.status == Status.VISIBLE or moderator),
        "needs_principles": permissions.needs_principles(user),
        "principles_url": accept_url(request.path),
        "suspension": services.active_suspension(user) if user.is_authenticated else None,
        "watching": selectors.is_watching_topic(user, topic),
        "is_moderator": moderator,
    }
    if moderator:
        other_forums = selectors.forums_for(user).exclude(pk=topic.forum_id)
        context["move_form"] = MoveForm(forums=other_forums, prefix="move")
        context["slow_form"] = SlowModeForm(initial={"minutes": topic.slow_mode_minutes}, prefix="slow")
    return render(request, "forums/topic.html", context, status=status)


def post_permalink(request, post_id):
    """A post's stable address: redirects to the page of its topic it is on, for this viewer."""
    post = selectors.post_for(request.user, post_id)
    if post is None:
        return _not_found(request, "No such post.")
    page = selectors.post_page_number(request.user, post)
    url = post.topic.get_absolute_url()
    if page > 1:
        url += f"?page={page}"
    return redirect(f"{url}#post-{post.pk}")


# ----------------------------------------------------------------------------------------------------------
# Taking part
# ----------------------------------------------------------------------------------------------------------


@login_required
def topic_create(request, forum_slug):
    forum = selectors.forum_for(request.user, forum_slug)
    if forum is None:
        raise Http404("No such forum.")
    if not permissions.can_start_topic(request.user, forum):
        raise PermissionDenied("Only officers start topics in this forum.")
    if permissions.needs_principles(request.user):
        return _principles_redirect(request)
    form = TopicForm(request.POST or None, forum=forum)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(
                forum=forum,
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                is_anonymous=form.cleaned_data.get("is_anonymous", False),
            )
        except PrinciplesNotAccepted:
            return _principles_redirect(request)
        except ForumError as error:
            _form_error(form, error)
        else:
            if topic.status == Status.PENDING:
                first = topic.posts.first()
                messages.info(request, f"Thank you. Your topic is waiting for a moderator. {first.status_reason}")
            else:
                messages.success(request, "Your topic is posted.")
            return redirect(topic.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "forums/topic_form.html", {"forum": forum, "form": form}, status=status)


@login_required
def topic_reply(request, forum_slug, topic_slug):
    topic = selectors.topic_for(request.user, forum_slug, topic_slug)
    if topic is None:
        raise Http404("No such topic.")
    if permissions.needs_principles(request.user):
        return _principles_redirect(request, topic.get_absolute_url())
    initial = {}
    quote_id = request.GET.get("quote")
    if quote_id and quote_id.isdigit():
        quoted = selectors.post_for(request.user, int(quote_id))
        if quoted is not None and quoted.topic_id == topic.pk:
            initial["body"] = _quote(quoted)
    form = ReplyForm(request.POST or None, forum=topic.forum, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_create(
                topic=topic,
                author=request.user,
                body=form.cleaned_data["body"],
                is_anonymous=form.cleaned_data.get("is_anonymous", False),
            )
        except PrinciplesNotAccepted:
            return _principles_redirect(request, topic.get_absolute_url())
        except ForumError as error:
            _form_error(form, error)
        else:
            if post.status == Status.PENDING:
                messages.info(request, f"Thank you. Your reply is waiting for a moderator. {post.status_reason}")
            else:
                messages.success(request, "Your reply is posted.")
            return redirect(post.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "forums/reply_form.html", {"topic": topic, "form": form}, status=status)


def _quote(post):
    who = "An anonymous member" if post.is_anonymous else (post.author.name if post.author else "A former member")
    lines = "\n".join(f"> {line}" if line else ">" for line in post.body.splitlines())
    return f"{who} wrote:\n\n{lines}\n\n"


@login_required
def post_edit(request, post_id):
    post = selectors.post_for(request.user, post_id)
    if post is None:
        raise Http404("No such post.")
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied("You can no longer edit this post.")
    is_first = post.topic.posts.order_by("created_at", "id").values_list("id", flat=True).first() == post.pk
    initial = {"body": post.body, "title": post.topic.title}
    form = EditForm(request.POST or None, initial=initial, with_title=is_first)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                post=post,
                editor=request.user,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title"),
            )
        except ForumError as error:
            _form_error(form, error)
        else:
            messages.success(request, "Your changes are saved.")
            return redirect(post.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "forums/post_edit.html", {"post": post, "form": form}, status=status)


@login_required
def post_report(request, post_id):
    post = selectors.post_for(request.user, post_id)
    if post is None or post.status != Status.VISIBLE:
        raise Http404("No such post.")
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_report(
                post=post,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except ForumError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                "Thank you for your report. A moderator will review the post and email you the outcome.",
            )
            return redirect(post.topic.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "forums/post_report.html", {"post": post, "form": form}, status=status)


@login_required
@require_POST
def topic_watch(request, forum_slug, topic_slug):
    topic = selectors.topic_for(request.user, forum_slug, topic_slug)
    if topic is None:
        raise Http404("No such topic.")
    watching = request.POST.get("watch") == "1"
    services.topic_watch_set(member=request.user, topic=topic, watching=watching)
    messages.success(
        request,
        "You will get an email when someone replies." if watching else "You no longer watch this topic.",
    )
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def forum_watch(request, forum_slug):
    forum = selectors.forum_for(request.user, forum_slug)
    if forum is None:
        raise Http404("No such forum.")
    watching = request.POST.get("watch") == "1"
    services.forum_watch_set(member=request.user, forum=forum, watching=watching)
    messages.success(
        request,
        f"You will get an email for every new post in {forum.name}."
        if watching
        else f"You no longer watch {forum.name}.",
    )
    return redirect(forum.get_absolute_url())


@login_required
def muted_list(request):
    from .models import Mute

    mutes = Mute.objects.filter(member=request.user).select_related("muted").order_by("muted__name")
    return render(request, "forums/muted.html", {"mutes": mutes})


@login_required
@require_POST
def member_mute(request, user_id):
    other = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    muting = request.POST.get("mute") == "1"
    try:
        services.mute_set(member=request.user, muted=other, muting=muting)
    except ForumError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"You muted {other.name}: their posts are folded away for you." if muting else f"You unmuted {other.name}.",
        )
    next_url = request.POST.get("next", "")
    if not next_url.startswith("/forums/"):
        next_url = reverse("forums:muted")
    return redirect(next_url)


# ----------------------------------------------------------------------------------------------------------
# Moderation
# ----------------------------------------------------------------------------------------------------------


def moderation_queue(request):
    refusal = _require_moderator(request)
    if refusal:
        return refusal
    pending, reported = selectors.moderation_queue(request.user)
    return render(request, "forums/moderation.html", {"pending": pending, "reported": reported})


def moderation_log(request):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={quote(request.get_full_path())}")
    if not (is_moderator(request.user) or is_officer(request.user)):
        raise PermissionDenied("The moderation log is for the committee and moderators.")
    page = _page(request, selectors.moderation_log_for(request.user), 50)
    return render(request, "forums/moderation_log.html", {"page": page, "entries": page.object_list})


@require_POST
def post_moderate(request, post_id):
    refusal = _require_moderator(request)
    if refusal:
        return refusal
    post = selectors.post_for(request.user, post_id)
    if post is None:
        raise Http404("No such post.")
    form = ModeratePostForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an action.")
        return redirect(request.POST.get("next") or reverse("forums:moderation"))
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    service = {"approve": services.post_approve, "hide": services.post_hide, "restore": services.post_restore}
    try:
        service[action](post=post, moderator=request.user, reason=reason)
    except ForumError as error:
        messages.error(request, f"Post #{post.pk}: {error.message}")
    else:
        done = {"approve": "approved", "hide": "hidden; the author is told why", "restore": "restored"}[action]
        messages.success(request, f"Post #{post.pk} {done}.")
    next_url = request.POST.get("next", "")
    if not next_url.startswith("/forums/"):
        next_url = reverse("forums:moderation")
    return redirect(next_url)


@require_POST
def topic_moderate(request, forum_slug, topic_slug):
    refusal = _require_moderator(request)
    if refusal:
        return refusal
    topic = selectors.topic_for(request.user, forum_slug, topic_slug)
    if topic is None:
        raise Http404("No such topic.")
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    user = request.user
    try:
        if action in ("lock", "unlock"):
            services.topic_set_locked(topic=topic, moderator=user, locked=action == "lock", reason=reason)
            messages.success(request, "Topic locked." if action == "lock" else "Topic unlocked.")
        elif action in ("pin", "unpin"):
            services.topic_set_pinned(topic=topic, moderator=user, pinned=action == "pin", reason=reason)
            messages.success(request, "Topic pinned." if action == "pin" else "Topic unpinned.")
        elif action == "move":
            form = MoveForm(request.POST, forums=selectors.forums_for(user), prefix="move")
            if not form.is_valid():
                raise ForumError("Choose the forum to move the topic to.")
            topic = services.topic_move(
                topic=topic,
                moderator=user,
                forum=form.cleaned_data["forum"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, f"Topic moved to {topic.forum.name}.")
        elif action == "slow":
            form = SlowModeForm(request.POST, prefix="slow")
            if not form.is_valid():
                raise ForumError("Slow mode is a number of minutes between 0 (off) and 1440.")
            services.topic_set_slow_mode(
                topic=topic,
                moderator=user,
                minutes=form.cleaned_data["minutes"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, "Slow mode updated.")
        else:
            raise ForumError("Unknown action.")
    except ForumError as error:
        messages.error(request, error.message)
    topic.refresh_from_db()
    return redirect(topic.get_absolute_url())


def post_history(request, post_id):
    refusal = _require_moderator(request)
    if refusal:
        return refusal
    post = selectors.post_for(request.user, post_id)
    if post is None:
        raise Http404("No such post.")
    revisions = post.revisions.select_related("editor")
    return render(request, "forums/post_history.html", {"post": post, "revisions": revisions})


def post_reveal(request, post_id):
    """Moderators see who wrote an anonymous post, after giving a reason; each look is logged."""
    refusal = _require_moderator(request)
    if refusal:
        return refusal
    post = selectors.post_for(request.user, post_id)
    if post is None or not post.is_anonymous:
        raise Http404("No such anonymous post.")
    form = RevealForm(request.POST or None)
    author = None
    if request.method == "POST" and form.is_valid():
        try:
            author = services.post_reveal_author(post=post, moderator=request.user, reason=form.cleaned_data["reason"])
        except ForumError as error:
            _form_error(form, error)
    return render(
        request,
        "forums/post_reveal.html",
        {
            "post": post,
            "form": form,
            "author": author,
            "revealed": request.method == "POST" and form.is_valid(),
        },
    )


def member_suspend(request, user_id):
    refusal = _require_moderator(request)
    if refusal:
        return refusal
    member = get_object_or_404(get_user_model(), pk=user_id)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["until"]
        # The member is suspended to the end of the chosen day, in the site's zone.
        until = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
        try:
            services.member_suspend(
                member=member, moderator=request.user, until=until, reason=form.cleaned_data["reason"]
            )
        except ForumError as error:
            form.add_error("until" if error.field == "until" else ("reason" if error.field else None), error.message)
        else:
            messages.success(request, f"{member.name} is suspended from posting; they are told why by email.")
            return redirect("forums:moderation")
    suspensions = Suspension.objects.filter(member=member).select_related("created_by")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "forums/suspend.html",
        {"member": member, "form": form, "suspensions": suspensions},
        status=status,
    )


@require_POST
def suspension_lift(request, suspension_id):
    refusal = _require_moderator(request)
    if refusal:
        return refusal
    suspension = get_object_or_404(Suspension, pk=suspension_id)
    services.suspension_lift(suspension=suspension, moderator=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, "Suspension lifted.")
    return redirect("forums:member-suspend", user_id=suspension.member_id)


def search(request):
    form = SearchForm(request.GET or None)
    query = ""
    page = None
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
    if query:
        page = _page(request, selectors.search_posts(request.user, query), 20)
        for post in page.object_list:
            post.snippet = selectors.snippet(post.body, query)
    extra = "&" + urlencode({"q": query})
    return render(request, "forums/search.html", {"form": form, "query": query, "page": page, "extra": extra})
