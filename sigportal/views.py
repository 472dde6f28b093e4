import sys

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from events.selectors import upcoming_for_home
from forums.selectors import latest_topics_for
from members.principles import current_principles
from members.profiles import profile_directory_choose, welcome_checklist_hide
from sigportal.models import WorkerHeartbeat
from sigportal.welcome import welcome_checklist


def home(request):
    """The front page: upcoming events, latest forum topics, and a call to join."""
    # Lazy: both lists are read inside a fragment members share, so a cached fragment costs no query.
    context = {
        "upcoming_events": SimpleLazyObject(lambda: upcoming_for_home(request.user, limit=3)),
        "latest_topics": SimpleLazyObject(lambda: latest_topics_for(request.user, limit=5)),
    }
    return render(request, "sigportal/home.html", context)


@login_required
def welcome(request):
    """The welcome checklist: first steps that tick themselves when done; it can be hidden and reopened."""
    steps, listed = welcome_checklist(request.user)
    context = {
        "steps": steps,
        "done_count": sum(step.done for step in steps),
        "listed": listed,
        "hidden": request.user.welcome_dismissed_at is not None,
    }
    return render(request, "sigportal/welcome.html", context)


@login_required
@require_POST
def welcome_hide(request):
    """Hide the checklist (it stops opening by itself) or bring it back; the account menu always reaches it."""
    hidden = request.POST.get("hidden") != "0"
    welcome_checklist_hide(user=request.user, hidden=hidden)
    if hidden:
        messages.info(request, "The checklist is hidden. Reopen it any time from your account menu: Getting started.")
        return redirect("home")
    return redirect("welcome")


@login_required
@require_POST
def welcome_directory(request):
    """The directory choice, made on the checklist itself: listed or not, explained there."""
    choice = request.POST.get("listed")
    if choice not in {"1", "0"}:
        return HttpResponseBadRequest("Choose whether to be listed in the directory.")
    profile_directory_choose(user=request.user, listed=choice == "1")
    if choice == "1":
        messages.success(request, "You are listed in the directory. Choose what it shows on your profile page.")
    else:
        messages.success(request, "You are not listed in the directory. You can change this on your profile.")
    return redirect("welcome")


def principles(request):
    """The current community principles, as officers last published them."""
    return render(request, "sigportal/principles.html", {"principles": current_principles()})


def _check_database():
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def _check_cache():
    # The site's cache answers a miss while Redis is down, so it is asked directly; local memory is always there.
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()


def _check_broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return  # tasks run inline: there is no broker to lose
    from sigportal.celery import app

    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1, interval_start=0, timeout=2)


HEALTH_CHECKS = {"database": _check_database, "cache": _check_cache, "broker": _check_broker}


@never_cache
def health(request):
    """
    For load balancers and the compose health check: 200 when the database, the cache (Redis) and the task broker
    answer; 503 naming each part that does not. When a worker last ran is reported, not judged: a stopped worker
    delays mail but does not stop the site serving pages (beat's own health check watches the heartbeat).
    """
    checks, failing = {}, []
    for name, check in HEALTH_CHECKS.items():
        try:
            check()
        except Exception as exc:  # noqa: BLE001  any failure of a part is what this page reports
            checks[name] = f"failing: {exc.__class__.__name__}: {exc}".strip()[:200]
            failing.append(name)
        else:
            checks[name] = "ok"
    worker_last_seen = None
    if "database" not in failing:
        beat = WorkerHeartbeat.objects.latest_beat()
        worker_last_seen = beat.created_at.isoformat() if beat else None
    return JsonResponse(
        {
            "status": "failing" if failing else "ok",
            "failing": failing,
            "checks": checks,
            "time": timezone.now().isoformat(),
            "worker_last_seen": worker_last_seen,
            "eager_tasks": settings.CELERY_TASK_ALWAYS_EAGER,
        },
        status=503 if failing else 200,
    )


def server_error(request):
    """
    handler500: the site's 500 page, or its 503 page when what failed was reaching the database (a session saved or
    a user loaded by middleware outside any view). Neither needs the database, a session or a context processor.
    """
    from sigportal.middleware import DATABASE_ERRORS, service_unavailable

    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return service_unavailable(request)
    context = {"SIG_NAME": settings.SIG_NAME, "SIG_SHORT_NAME": settings.SIG_SHORT_NAME}
    return HttpResponseServerError(loader.render_to_string("500.html", context))
