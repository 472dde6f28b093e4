"""XSS payloads in posts, titles and display names render inert on every forum page and in emails."""

from html.parser import HTMLParser

import pytest
from django.core import mail

from forums.services import moderation, posting, reports, watching
from tests.forums.helpers import established_member
from tests.second_factor import log_in

XSS_PAYLOADS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<svg onload="alert(1)"><script>alert(2)</script></svg>',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '"><body onload=alert(1)>',
    "<div style=\"background:url('javascript:alert(1)')\">styled</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>",
    '![img](x" onerror="alert(1))',
]

FORBIDDEN_TAGS = {"iframe", "svg", "math", "object", "embed", "style", "base", "form-in-post", "frame"}


class _Inspector(HTMLParser):
    """Collects what a browser would act on: tags and attributes, not escaped text."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag == "script" and not dict(attrs).get("src"):
            self.problems.append("inline <script>")
        if tag in FORBIDDEN_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            value = (value or "").strip().lower().replace("\t", "").replace("\n", "")
            if name.startswith("on"):
                self.problems.append(f"event handler {name}")
            if name == "style":
                self.problems.append("style attribute")
            if name in {"href", "src", "xlink:href", "action", "formaction"} and value.startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                self.problems.append(f"{name}={value[:30]}")


def assert_inert(html):
    inspector = _Inspector()
    inspector.feed(html)
    assert not inspector.problems, inspector.problems


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_in_posts_titles_and_names_are_inert(
    client, forum, moderator, payload, django_capture_on_commit_callbacks
):
    author = established_member(payload[:150])
    watcher = established_member("Watching Member")
    watching.forum_watch_set(member=watcher, forum=forum, watching=True)
    with django_capture_on_commit_callbacks(execute=True):
        topic = posting.topic_create(forum=forum, author=author, title=payload[:150], body=payload)
        post = posting.post_create(topic=topic, author=author, body=f"Reply: {payload}")
    reports.post_report(post=post, reporter=watcher, reason="other", text=payload)
    log_in(client, watcher)
    pages = [
        "/forums/",
        "/forums/open/",
        f"/forums/open/{topic.slug}/",
        f"/forums/open/{topic.slug}/reply/?quote={post.pk}",
        f"/forums/post/{post.pk}/report/",
        "/forums/search/?q=alert",
        "/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.content.decode())
    log_in(client, moderator)
    moderation.post_hide(post=post, moderator=moderator, reason=payload)
    for path in [
        "/forums/moderation/",
        "/forums/moderation/log/",
        f"/forums/open/{topic.slug}/",
        f"/forums/post/{post.pk}/history/",
        f"/forums/member/{author.pk}/suspend/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.content.decode())
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert_inert(html)


def test_links_in_posts_get_nofollow_ugc(client, forum, alice):
    topic = posting.topic_create(forum=forum, author=alice, title="Links", body="[a resource](https://example.org)")
    log_in(client, alice)
    body = client.get(f"/forums/open/{topic.slug}/").content.decode()
    assert 'href="https://example.org"' in body and 'rel="nofollow ugc noopener"' in body


@pytest.mark.parametrize("payload", [p for p in XSS_PAYLOADS if p.startswith("<") and "table" not in p])
def test_the_inspector_catches_live_payloads(payload):
    # Proves the check above can fail: the raw payloads, unescaped, are caught.
    with pytest.raises(AssertionError):
        assert_inert(payload)
