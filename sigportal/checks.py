from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def rate_limits_need_a_shared_cache(app_configs, **kwargs):
    """allauth's rate limits count in the cache: per-process local memory lets an attacker spread attempts."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                "The cache is local memory, so login and sign-up rate limits are per process.",
                hint="Set REDIS_URL in production.",
                id="sigportal.W001",
            )
        ]
    return []


@register(deploy=True)
def tasks_need_a_broker(app_configs, **kwargs):
    """Without a broker every email is sent inside the web request that caused it."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return [
            Warning(
                "Celery tasks run inline in web requests.",
                hint="Set REDIS_URL and run `celery -A sigportal worker` and one `celery -A sigportal beat`.",
                id="sigportal.W002",
            )
        ]
    return []
