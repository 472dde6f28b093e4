"""The Celery application. Workers and beat start it with `celery -A sigportal worker|beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigportal.settings")

app = Celery("sigportal")
# Everything Celery needs is read from Django settings prefixed CELERY_ (broker, queues, routes, beat schedule).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class AcknowledgeEarly:
    """
    Per-task delivery settings, named by the end of the task name so they survive a module being moved
    (CELERY_TASK_ANNOTATIONS points here).

    Tasks in ACK_ON_RECEIPT email someone without recording that they did: run twice, they send twice. They are
    acknowledged on receipt (at most once) until their email is recorded in an outbox. Every other task may be
    repeated (receipts, unique delivery rows, SKIP LOCKED claims) and keeps acks_late. Bulk sends get longer limits.
    """

    ACK_ON_RECEIPT = frozenset(
        {
            "send_contact_message",
            "send_nomination_email",
            "send_membership_decision",
            "send_subscription_email",
            "send_post_hidden",
            "send_report_outcomes",
            "send_suspension_notice",
        }
    )
    BULK = frozenset({"send_mailing", "build_weekly_digest", "build_daily_digest", "send_registrants_message"})

    def annotate(self, task):
        from django.conf import settings

        short_name = task.name.rsplit(".", 1)[-1]
        if short_name in self.ACK_ON_RECEIPT:
            return {"acks_late": False}
        if short_name in self.BULK:
            return {
                "soft_time_limit": settings.CELERY_BULK_SOFT_TIME_LIMIT,
                "time_limit": settings.CELERY_BULK_TIME_LIMIT,
            }
        return None
