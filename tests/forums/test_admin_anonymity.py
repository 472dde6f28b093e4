"""
Anonymity holds in the admin: no changelist, filter or search lists a member's anonymous posts or topics for them.
Walks every registered admin (so a new one is covered) with every lookup that could lead from a row to a post's
or topic's author, and with searches for the author's email and name.
"""

import pytest
from django.contrib import admin
from django.db import models
from django.test import Client
from django.urls import reverse

from forums.models import ModerationLogEntry, Post, Report, Topic
from members.models import User
from members.roles import CHAIR, grant_permission_set, sync_role_groups
from tests.forums.factories import ForumFactory, PostFactory, TopicFactory
from tests.members.factories import UserFactory
from tests.second_factor import log_in

pytestmark = pytest.mark.django_db
ADMINS = sorted(admin.site._registry.items(), key=lambda row: row[0]._meta.label)
CONTENT = (Post, Topic)


@pytest.fixture
def secret(db):
    """A member who wrote an anonymous topic (and its first post), reported and moderated since."""
    author = UserFactory(name="Quillon Hartsease", email="quillon.hartsease@example.org")
    forum = ForumFactory(allow_anonymous=True)
    topic = TopicFactory(forum=forum, author=author, is_anonymous=True, title="Something hard to say")
    post = PostFactory(topic=topic, author=author, is_anonymous=True, body="Written without my name.")
    Report.objects.create(post=post, reporter=UserFactory(), reason="other")
    ModerationLogEntry.objects.create(action="lock", topic=topic, post=post, target="Something hard to say")
    return {"author": author, "topic": topic, "post": post}


@pytest.fixture(params=["superuser", CHAIR])
def officer_client(request, db):
    sync_role_groups()
    client = Client()
    if request.param == "superuser":
        log_in(client, UserFactory(is_staff=True, is_superuser=True))
    else:
        user = UserFactory()
        grant_permission_set(user, request.param)
        log_in(client, user)
    return client


def _paths_to_content(model):
    """Relations from `model` to a post or topic (forward and reverse), one step: post, topic, posts, forum_posts."""
    paths = []
    for field in model._meta.get_fields():
        if field.is_relation and field.related_model in CONTENT:
            paths.append(field.name)
    return paths


def _lookups(model, secret):
    """Every (parameter, value) that could select rows by who wrote the anonymous post or topic."""
    author = secret["author"]
    by_author = [
        ("author", author.pk),
        ("author__id__exact", author.pk),
        ("author__email", author.email),
        ("author__name", author.name),
    ]
    lookups = []
    if model in CONTENT:
        lookups += by_author
    for path in _paths_to_content(model):
        target = secret["post"] if model._meta.get_field(path).related_model is Post else secret["topic"]
        lookups += [(f"{path}__{key}", value) for key, value in by_author]
        if model is User:
            # From a person to their posts: ?forum_posts=<id> would name the anonymous post's author.
            lookups += [(path, target.pk), (f"{path}__id__exact", target.pk)]
    for path in _paths_to_content(model):
        related = model._meta.get_field(path).related_model
        for inner in _paths_to_content(related):
            lookups += [(f"{path}__{inner}__author", author.pk)]
    return lookups


def _reveals(row, secret):
    """Whether a listed row ties the anonymous content to its author."""
    if isinstance(row, User):
        return row.pk == secret["author"].pk
    if isinstance(row, CONTENT):
        return row.is_anonymous and row.author_id == secret["author"].pk
    for field in row._meta.get_fields():
        if isinstance(field, models.ForeignKey) and field.related_model in CONTENT:
            linked = getattr(row, field.name)
            if linked is not None and linked.is_anonymous and linked.author_id == secret["author"].pk:
                return True
    return False


@pytest.mark.parametrize("model,model_admin", ADMINS, ids=[row[0]._meta.label for row in ADMINS])
def test_no_admin_changelist_lists_anonymous_content_by_its_author(officer_client, secret, model, model_admin):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    tries = _lookups(model, secret)
    if model_admin.search_fields and model is not User:  # finding a person by their email is the list's job
        tries += [("q", secret["author"].email), ("q", secret["author"].name)]
    for param, value in tries:
        response = officer_client.get(url, {param: value})
        if response.status_code != 200 or "cl" not in (response.context or {}):
            assert response.status_code in (302, 400, 403), (param, response.status_code)
            continue
        listed = [row for row in response.context["cl"].result_list if _reveals(row, secret)]
        assert not listed, f"{model._meta.label}?{param}={value} lists {listed}"


def test_the_post_list_shows_anonymous_member_not_the_name(officer_client, secret):
    page = officer_client.get(reverse("admin:forums_post_changelist"))
    if page.status_code == 200:
        assert b"Quillon" not in page.content
        assert b"anonymous member" in page.content


def test_history_of_an_anonymous_post_does_not_name_its_author(officer_client, secret):
    page = officer_client.get(reverse("admin:forums_post_history", args=[secret["post"].pk]))
    assert b"Quillon" not in page.content and b"hartsease" not in page.content.lower()
