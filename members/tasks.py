"""Celery autodiscovers `members.tasks`: importing each module here registers its tasks."""

from members import tasks_committee, tasks_mailing  # noqa: F401
