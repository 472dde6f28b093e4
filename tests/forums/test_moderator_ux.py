"""What moderators and authors see of moderation: a menu per post, the queue in the header, hidden-post placeholders."""

import re

from forums.models import Report
from forums.services import moderation, posting, reports
from tests.forums.helpers import established_member
from tests.second_factor import log_in


def _menu_and_rest(html, post):
    """The post's article split into its moderation menu (a <details>) and everything else."""
    article = re.search(rf'<article id="post-{post.pk}".*?</article>', html, re.S).group(0)
    menu = re.search(r'<details class="post-moderation-menu.*?</details>', article, re.S)
    return (menu.group(0) if menu else ""), article.replace(menu.group(0), "") if menu else article


def test_a_moderator_finds_each_posts_actions_in_a_menu_not_inline(client, topic, alice, bob, moderator):
    post = posting.post_create(topic=topic, author=bob, body="A reply to moderate")
    log_in(client, moderator)
    html = client.get(topic.get_absolute_url()).content.decode()
    menu, rest = _menu_and_rest(html, post)
    assert f'Moderate<span class="visually-hidden"> post #{post.pk}</span>' in menu
    assert f"Hide post #{post.pk}" in menu and f"Suspend {bob.name}" in menu
    assert f"Reason for post #{post.pk}" in menu
    assert "Hide post" not in rest and "Suspend" not in rest and 'name="reason"' not in rest


def test_members_get_no_moderation_menu(client, topic, bob):
    post = posting.post_create(topic=topic, author=bob, body="A reply")
    log_in(client, established_member("Reading Member"))
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "post-moderation-menu" not in html and f"Hide post #{post.pk}" not in html


def test_the_queue_and_its_count_are_in_the_header_for_moderators_only(client, topic, bob, newcomer, moderator):
    posting.post_create(topic=topic, author=newcomer, body="Waiting for approval")
    reported = posting.post_create(topic=topic, author=bob, body="Reported")
    reports.post_report(post=reported, reporter=established_member("Rita"), reason=Report.Reason.OFF_TOPIC)
    log_in(client, moderator)
    html = client.get("/events/").content.decode()
    assert re.search(
        r'href="/forums/moderation/"[^>]*>.*?<span class="visually-hidden">Moderation, 2 waiting</span>', html
    )
    assert 'Moderation <span class="badge rounded-pill text-bg-light">2</span>' in html
    log_in(client, bob)
    assert 'href="/forums/moderation/"' not in client.get("/events/").content.decode()


def test_a_hidden_post_leaves_its_author_a_placeholder_with_the_reason(client, topic, bob, moderator):
    post = posting.post_create(topic=topic, author=bob, body="Something unkind")
    moderation.post_hide(post=post, moderator=moderator, reason="Dismisses colleagues; see principle 1.")
    log_in(client, bob)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Your post is hidden by the moderators" in html
    assert "The reason given: Dismisses colleagues; see principle 1." in html
    assert re.search(r"<details><summary>Show the hidden text</summary>\s*<div[^>]*><p>Something unkind", html)
    log_in(client, moderator)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Hidden by the moderators" in html and "Dismisses colleagues" in html
    log_in(client, established_member("Another Reader"))
    html = client.get(topic.get_absolute_url()).content.decode()
    assert "Something unkind" not in html and "Dismisses colleagues" not in html
