"""
The portal with the event row lock switched off: `bench/rush.py --control` serves this, never production.

It flips the same switch the race test's control flips (events.services.LOCK_EVENT_ROW), so the rush over
HTTP can show what the lock prevents: without it, 200 people racing for 10 places take more than 10.
"""

from sigportal.wsgi import application  # noqa: F401  (sets Django up; gunicorn serves this name)

from events import services  # isort: skip  (needs Django set up first)

services.LOCK_EVENT_ROW = False
