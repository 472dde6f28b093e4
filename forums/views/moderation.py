"""Moderators' pages: the queue, the log, moderating posts and topics, edit history, reveals and suspensions."""

import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from forums import selectors
from forums.errors import ForumError
from forums.forms import ModeratePostForm, MoveForm, RevealForm, SlowModeForm, SuspendForm
from forums.models import Suspension
from forums.services import moderation, suspensions
from members import redirects
from members.roles import is_moderator, is_officer
from members.second_factor import second_factor_required

from .common import form_error, login_redirect, page_of, require_moderator


@second_factor_required
def moderation_queue(request):
    refusal = require_moderator(request)
    if refusal:
        return refusal
    pending, reported = selectors.moderation_queue(request.user)
    return render(request, "forums/moderation.html", {"pending": pending, "reported": reported})


@second_factor_required
def moderation_log(request):
    if not request.user.is_authenticated:
        return login_redirect(request)
    if not (is_moderator(request.user) or is_officer(request.user)):
        raise PermissionDenied("The moderation log is for the committee and moderators.")
    page = page_of(request, selectors.moderation_log_for(request.user), 50)
    return render(request, "forums/moderation_log.html", {"page": page, "entries": page.object_list})


@second_factor_required
@require_POST
def post_moderate(request, post_id):
    refusal = require_moderator(request)
    if refusal:
        return refusal
    post = selectors.post_for(request.user, post_id)
    if post is None:
        raise Http404("No such post.")
    form = ModeratePostForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an action.")
        return redirect(redirects.next_url(request, "forums:moderation"))
    action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
    service = {"approve": moderation.post_approve, "hide": moderation.post_hide, "restore": moderation.post_restore}
    try:
        service[action](post=post, moderator=request.user, reason=reason)
    except ForumError as error:
        messages.error(request, f"Post #{post.pk}: {error.message}")
    else:
        done = {"approve": "approved", "hide": "hidden; the author is told why", "restore": "restored"}[action]
        messages.success(request, f"Post #{post.pk} {done}.")
    return redirect(redirects.next_url(request, "forums:moderation"))


@second_factor_required
@require_POST
def topic_moderate(request, forum_slug, topic_slug):
    refusal = require_moderator(request)
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
            moderation.topic_set_locked(topic=topic, moderator=user, locked=action == "lock", reason=reason)
            messages.success(request, "Topic locked." if action == "lock" else "Topic unlocked.")
        elif action in ("pin", "unpin"):
            moderation.topic_set_pinned(topic=topic, moderator=user, pinned=action == "pin", reason=reason)
            messages.success(request, "Topic pinned." if action == "pin" else "Topic unpinned.")
        elif action == "move":
            form = MoveForm(request.POST, forums=selectors.forums_for(user), prefix="move")
            if not form.is_valid():
                raise ForumError("Choose the forum to move the topic to.")
            topic = moderation.topic_move(
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
            moderation.topic_set_slow_mode(
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


@second_factor_required
def post_history(request, post_id):
    refusal = require_moderator(request)
    if refusal:
        return refusal
    post = selectors.post_for(request.user, post_id)
    if post is None:
        raise Http404("No such post.")
    revisions = post.revisions.select_related("editor")
    return render(request, "forums/post_history.html", {"post": post, "revisions": revisions})


@second_factor_required
def post_reveal(request, post_id):
    """Moderators see who wrote an anonymous post, after giving a reason; each look is logged."""
    refusal = require_moderator(request)
    if refusal:
        return refusal
    post = selectors.post_for(request.user, post_id)
    if post is None or not post.is_anonymous:
        raise Http404("No such anonymous post.")
    form = RevealForm(request.POST or None)
    author = None
    if request.method == "POST" and form.is_valid():
        try:
            author = moderation.post_reveal_author(
                post=post, moderator=request.user, reason=form.cleaned_data["reason"]
            )
        except ForumError as error:
            form_error(form, error)
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


@second_factor_required
def member_suspend(request, user_id):
    refusal = require_moderator(request)
    if refusal:
        return refusal
    member = get_object_or_404(get_user_model(), pk=user_id)
    form = SuspendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        day = form.cleaned_data["until"]
        # The member is suspended to the end of the chosen day, in the site's zone.
        until = timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time()))
        try:
            suspensions.member_suspend(
                member=member, moderator=request.user, until=until, reason=form.cleaned_data["reason"]
            )
        except ForumError as error:
            form.add_error("until" if error.field == "until" else ("reason" if error.field else None), error.message)
        else:
            messages.success(request, f"{member.name} is suspended from posting; they are told why by email.")
            return redirect("forums:moderation")
    history = Suspension.objects.filter(member=member).select_related("created_by")
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "forums/suspend.html",
        {"member": member, "form": form, "suspensions": history},
        status=status,
    )


@second_factor_required
@require_POST
def suspension_lift(request, suspension_id):
    refusal = require_moderator(request)
    if refusal:
        return refusal
    suspension = get_object_or_404(Suspension, pk=suspension_id)
    suspensions.suspension_lift(suspension=suspension, moderator=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, "Suspension lifted.")
    return redirect("forums:member-suspend", user_id=suspension.member_id)
