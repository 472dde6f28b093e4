"""
Seed and inspect the system test's database: run as `python -m tests.system.seed <command>` by tests/system/stack.py,
in the stack's environment but connected to PostgreSQL directly (never through the fault proxy).

Models are looked up by class name, so the script keeps working when an app's modules are moved.
Each command prints one line `SEED-JSON: {...}`.
"""

import json
import sys

import django


def model(name):
    from django.apps import apps

    found = [m for m in apps.get_models() if m.__name__ == name]
    if len(found) != 1:
        raise LookupError(f"expected one model named {name}, found {found}")
    return found[0]


def session_for(user):
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.cached_db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def seed(readers, members):
    """Bulk-created weekly readers, members with sessions, an open event, a watched topic."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from events.eligibility import registration_problem
    from members.principles import current_principles, principles_accept
    from tests.events.factories import EventFactory
    from tests.members.factories import UserFactory

    Subscriber = model("Subscriber")
    Subscriber.objects.bulk_create(
        [
            Subscriber(
                email=f"reader{i:05d}@readers.test",
                status=Subscriber.Status.ACTIVE,
                frequency=Subscriber.Frequency.WEEKLY,
            )
            for i in range(readers)
        ],
        batch_size=1000,
    )
    principles = current_principles()
    people = []
    for i in range(members):
        user = UserFactory(email=f"member{i:02d}@members.test", name=f"System Member {i:02d}")
        EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        if principles is not None:
            principles_accept(user=user, version=principles)
        people.append(user)
    event = EventFactory(title="Resilience webinar for the system test", slug="system-test-resilience-webinar")
    problem = registration_problem(event, people[0])
    if problem is not None:
        raise RuntimeError(f"the system test's members cannot register: {problem}")

    # The demo member replies in a public topic that two other demo accounts watch: each reply emails both.
    User = get_user_model()
    Topic, TopicWatch = model("Topic"), model("TopicWatch")
    author = User.objects.get(email="member@demo.sigportal.test")
    if principles is not None:
        principles_accept(user=author, version=principles)  # the demo data asks them to accept a new version
    watchers = list(User.objects.filter(email__in=["moderator@demo.sigportal.test", "officer@demo.sigportal.test"]))
    topic = (
        Topic.objects.filter(
            status="visible", locked=False, forum__visibility="public", forum__replies_need_approval=False
        )
        .order_by("pk")
        .first()
    )
    for watcher in watchers:
        TopicWatch.objects.get_or_create(member=watcher, topic=topic)
    return {
        "readers": Subscriber.objects.filter(email__endswith="@readers.test").count(),
        "members": [{"email": u.email, "session": session_for(u)} for u in people],
        "demo_member": {"email": author.email, "session": session_for(author)},
        "event": {"pk": event.pk, "title": event.title, "url": event.get_absolute_url()},
        "topic": {"title": topic.title, "url": topic.get_absolute_url(), "watchers": [w.email for w in watchers]},
    }


def new_activity():
    """A reply by a trusted account, so the next weekly digest has something new to say."""
    from django.contrib.auth import get_user_model

    from forums.services import post_create
    from members.principles import current_principles, principles_accept

    Topic = model("Topic")
    author = get_user_model().objects.get(email="moderator@demo.sigportal.test")
    if current_principles() is not None:
        principles_accept(user=author, version=current_principles())
    topic = Topic.objects.filter(status="visible", locked=False, forum__visibility="public").order_by("-pk").first()
    post = post_create(topic=topic, author=author, body="New activity for the next digest (system test).")
    return {"post": post.pk, "status": post.status}


def tables():
    """Table names of the models the test counts, whatever app they end up in."""
    names = [
        "DigestIssue",
        "Delivery",
        "Subscriber",
        "WorkerHeartbeat",
        "Registration",
        "Post",
        "Event",
        "Topic",
        "User",
    ]
    return {name: model(name)._meta.db_table for name in names}


def weekly_task():
    from sigportal.schedules import BEAT_SCHEDULE

    return {"task": BEAT_SCHEDULE["mailing-weekly-digest"]["task"]}


def send_task(name, times="1"):
    """Queue a task by name on the stack's broker (routed as the app routes it), `times` times back to back."""
    from sigportal.celery import app

    return {"ids": [app.send_task(name).id for _ in range(int(times))]}


if __name__ == "__main__":
    django.setup()
    command, *args = sys.argv[1:]
    functions = {"seed": seed, "new_activity": new_activity, "tables": tables, "weekly_task": weekly_task}
    functions["send_task"] = send_task
    out = seed(int(args[0]), int(args[1])) if command == "seed" else functions[command](*args)
    print("SEED-JSON: " + json.dumps(out))
