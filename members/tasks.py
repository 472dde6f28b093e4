"""Celery tasks of the members app (autodiscovered by sigportal.celery)."""

from members.tasks_mailing import build_daily_digest, build_weekly_digest, send_mailing, send_subscription_email  # noqa: F401
