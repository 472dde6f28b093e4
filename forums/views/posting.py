"""Taking part: starting a topic, replying (with a quote), editing a post and reporting one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render

from forums import permissions, selectors
from forums.errors import ForumError, PrinciplesNotAccepted
from forums.forms import EditForm, ReplyForm, ReportForm, TopicForm
from forums.models import Status
from forums.services import posting, reports

from .common import form_error, principles_redirect


@login_required
def topic_create(request, forum_slug):
    forum = selectors.forum_for(request.user, forum_slug)
    if forum is None:
        raise Http404("No such forum.")
    if not permissions.can_start_topic(request.user, forum):
        raise PermissionDenied("Only officers start topics in this forum.")
    if permissions.needs_principles(request.user):
        return principles_redirect(request)
    form = TopicForm(request.POST or None, forum=forum)
    if request.method == "POST" and form.is_valid():
        try:
            topic = posting.topic_create(
                forum=forum,
                author=request.user,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                is_anonymous=form.cleaned_data.get("is_anonymous", False),
            )
        except PrinciplesNotAccepted:
            return principles_redirect(request)
        except ForumError as error:
            form_error(form, error)
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
        return principles_redirect(request, topic.get_absolute_url())
    initial = {}
    quote_id = request.GET.get("quote")
    if quote_id and quote_id.isdigit():
        quoted = selectors.post_for(request.user, int(quote_id))
        if quoted is not None and quoted.topic_id == topic.pk:
            initial["body"] = _quote(quoted)
    anonymous_here = selectors.posts_anonymously_in(request.user, topic)
    form = ReplyForm(request.POST or None, forum=topic.forum, initial=initial, anonymous_here=anonymous_here)
    if request.method == "POST" and form.is_valid():
        try:
            post = posting.post_create(
                topic=topic,
                author=request.user,
                body=form.cleaned_data["body"],
                is_anonymous=form.cleaned_data.get("is_anonymous", False),
                show_name_confirmed=form.cleaned_data.get("show_my_name", False),
            )
        except PrinciplesNotAccepted:
            return principles_redirect(request, topic.get_absolute_url())
        except ForumError as error:
            form_error(form, error)
        else:
            if post.status == Status.PENDING:
                messages.info(request, f"Thank you. Your reply is waiting for a moderator. {post.status_reason}")
            else:
                messages.success(request, "Your reply is posted.")
            return redirect(post.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "forums/reply_form.html",
        {"topic": topic, "form": form, "anonymous_here": anonymous_here},
        status=status,
    )


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
            posting.post_edit(
                post=post,
                editor=request.user,
                body=form.cleaned_data["body"],
                title=form.cleaned_data.get("title"),
            )
        except ForumError as error:
            form_error(form, error)
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
            reports.post_report(
                post=post,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
            )
        except ForumError as error:
            form_error(form, error)
        else:
            messages.success(
                request,
                "Thank you for your report. A moderator will review the post and email you the outcome.",
            )
            return redirect(post.topic.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "forums/post_report.html", {"post": post, "form": form}, status=status)
