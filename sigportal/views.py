from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

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


def health(request):
    """For load balancers and the compose health check: the database answers; when did a worker last run."""
    beat = WorkerHeartbeat.objects.latest_beat()
    return JsonResponse(
        {
            "status": "ok",
            "time": timezone.now().isoformat(),
            "worker_last_seen": beat.created_at.isoformat() if beat else None,
            "eager_tasks": settings.CELERY_TASK_ALWAYS_EAGER,
        }
    )
