"""A member's own settings in the forums: watching topics and forums, muting other members."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from forums import selectors
from forums.errors import ForumError
from forums.models import Mute
from forums.services import muting, watching
from members import redirects


@login_required
@require_POST
def topic_watch(request, forum_slug, topic_slug):
    topic = selectors.topic_for(request.user, forum_slug, topic_slug)
    if topic is None:
        raise Http404("No such topic.")
    watch = request.POST.get("watch") == "1"
    watching.topic_watch_set(member=request.user, topic=topic, watching=watch)
    messages.success(
        request,
        "You will get an email when someone replies." if watch else "You no longer watch this topic.",
    )
    return redirect(topic.get_absolute_url())


@login_required
@require_POST
def forum_watch(request, forum_slug):
    forum = selectors.forum_for(request.user, forum_slug)
    if forum is None:
        raise Http404("No such forum.")
    watch = request.POST.get("watch") == "1"
    watching.forum_watch_set(member=request.user, forum=forum, watching=watch)
    messages.success(
        request,
        f"You will get an email for every new post in {forum.name}." if watch else f"You no longer watch {forum.name}.",
    )
    return redirect(forum.get_absolute_url())


@login_required
def muted_list(request):
    mutes = Mute.objects.filter(member=request.user).select_related("muted").order_by("muted__name")
    return render(request, "forums/muted.html", {"mutes": mutes})


@login_required
@require_POST
def member_mute(request, user_id):
    other = get_object_or_404(get_user_model(), pk=user_id, is_active=True)
    mute = request.POST.get("mute") == "1"
    try:
        muting.mute_set(member=request.user, muted=other, muting=mute)
    except ForumError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            f"You muted {other.name}: their posts are folded away for you." if mute else f"You unmuted {other.name}.",
        )
    return redirect(redirects.next_url(request, "forums:muted"))
