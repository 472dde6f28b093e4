"""The Celery application. Workers and beat start it with `celery -A sigportal worker|beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sigportal.settings")

app = Celery("sigportal")
# Everything Celery needs is read from Django settings prefixed CELERY_ (broker, eager mode, beat schedule).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
