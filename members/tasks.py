from members.tasks_committee import *  # noqa: F403 - Celery autodiscovers members.tasks only
