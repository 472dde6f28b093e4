import sys

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import never_cache

from events.selectors import upcoming_for_home
from forums.selectors import latest_topics_for
from members.principles import current_principles
from sigportal.models import WorkerHeartbeat


def home(request):
    """The front page: upcoming events, latest forum topics, and a call to join."""
    # Lazy: both lists are read inside a fragment members share, so a cached fragment costs no query.
    context = {
        "upcoming_events": SimpleLazyObject(lambda: upcoming_for_home(request.user, limit=3)),
        "latest_topics": SimpleLazyObject(lambda: latest_topics_for(request.user, limit=5)),
    }
    return render(request, "sigportal/home.html", context)


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
