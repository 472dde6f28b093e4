"""
The digest: what a section is, how sections are gathered, and how one issue is rendered once for many readers.

The contract for other apps (events, forums, ...)
-------------------------------------------------
`settings.DIGEST_SECTIONS` lists dotted paths to section functions, the way Django lists context processors.
`members` never imports the apps that provide them. A section function looks like this::

    from members.mailing.digest import DigestItem, DigestSection, digest_section, shared, until

    @digest_section(key="events", title="Events", choices=None)
    def section(subscriber, since):
        end = until()
        return shared(("events-section", since, end), lambda: _public_section(since, end))  # built once per run

    def _public_section(since, end):
        upcoming = list(Event.objects.public().new_since(since, end))
        if not upcoming:
            return None
        return DigestSection(key="events", title="Events", items=[
            DigestItem(title=e.title, url=e.get_absolute_url(), summary=e.summary, when=e.starts_at)
            for e in upcoming
        ])

- `subscriber` is a `members.models.Subscriber` (its `.user` may be None: not every reader is a member), or
  **None for the public web copy**: then return only what anyone may read. The web copy (and the archive at /digest/)
  is built from the None call, so nothing private may appear there.
- `since` is an aware datetime: return what is new since then, up to `until()` (the end of the issue's period; now
  outside a build). Return None (or a section with no items) when there is nothing to say.
- Item `url`s may be site-relative ("/events/12/"); they are made absolute with settings.SITE_URL.
- `choices` (optional) is a callable returning `[(key, label), ...]` for the preferences form when the section has
  sub-choices (e.g. one per public forum: `("forum:general", "Forum: General")`); read them with
  `subscriber.wants(key)`. Without it the form offers the section's own key and title.
- Per-recipient content is fine (their registrations, topics they watch), but neither queries nor work may grow per
  recipient for what many share: build what many recipients share ONCE through `shared(key, compute)`, which
  memoises for the whole build or send run (the whole section when it is the same for everyone, or for an audience),
  and do per-recipient work with data fetched in bulk (e.g. one query mapping user ids to their items, the items
  themselves built once and shared by every reader they concern, also via `shared`). `subscriber.user` is already
  loaded (select_related) when sending. bench/digest.py measures a send against its ceiling.
- Rendering: the frame (heading, footer, styles) is rendered and its CSS inlined once per issue; each distinct section
  content once; a message is the frame with its sections joined in. A section's identity is its `cache_key` when
  given, else a hash of its content (worked out once per section object). Give a `cache_key` when content is
  expensive to compare.
"""

import contextlib
import contextvars
import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

import css_inline
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class DigestItem:
    """One line of a section: a title linking somewhere, an optional summary and date."""

    title: str
    url: str
    summary: str = ""
    when: datetime | None = None
    # Appeared since the previous issue. An issue is built only when some item is new (an event merely coming up
    # again is shown, but is not a reason to send).
    new: bool = True

    @property
    def absolute_url(self):
        return absolute(self.url)

    def to_json(self):
        return {
            "title": self.title,
            "url": self.url,
            "summary": self.summary,
            "when": self.when and self.when.isoformat(),
            "new": self.new,
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            title=data["title"],
            url=data["url"],
            summary=data.get("summary", ""),
            when=parse_datetime(data["when"]) if data.get("when") else None,
            new=data.get("new", True),
        )


@dataclass
class DigestSection:
    """A titled part of a digest (events, a forum, announcements) with its items."""

    key: str
    title: str
    items: list = field(default_factory=list)
    intro: str = ""
    cache_key: str | None = None
    _content_key: str | None = field(default=None, init=False, repr=False, compare=False)

    def content_key(self):
        """What identifies this section's content: equal keys are rendered once per issue (worked out once)."""
        if self._content_key is None:
            if self.cache_key:
                self._content_key = f"{self.key}:{self.cache_key}"
            else:
                payload = json.dumps(self.to_json(), sort_keys=True, default=str)
                self._content_key = f"{self.key}:{hashlib.sha256(payload.encode()).hexdigest()[:32]}"
        return self._content_key

    def to_json(self):
        return {
            "key": self.key,
            "title": self.title,
            "intro": self.intro,
            "items": [item.to_json() for item in self.items],
        }

    @classmethod
    def from_json(cls, data):
        return cls(
            key=data["key"],
            title=data["title"],
            intro=data.get("intro", ""),
            items=[DigestItem.from_json(item) for item in data.get("items", [])],
        )


def digest_section(*, key, title, choices=None):
    """Mark a function as a digest section with its key and title (and optional sub-choices for preferences)."""

    def decorate(function):
        function.digest_key = key
        function.digest_title = title
        function.digest_choices = choices
        return function

    return decorate


def absolute(url):
    if not url or url.startswith(("http://", "https://", "mailto:")):
        return url
    return settings.SITE_URL + (url if url.startswith("/") else "/" + url)


# --- the registry -----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _load(paths):
    return tuple(import_string(path) for path in paths)


def section_functions():
    """The section functions named in settings.DIGEST_SECTIONS, in order."""
    return _load(tuple(settings.DIGEST_SECTIONS))


def section_choices():
    """[(key, label), ...] a subscriber can choose from on the preferences page."""
    choices = []
    for function in section_functions():
        sub_choices = getattr(function, "digest_choices", None)
        if sub_choices:
            choices.extend(sub_choices())
        else:
            choices.append((function.digest_key, function.digest_title))
    return choices


# --- shared work within one build or send run ---------------------------------------------------------------------

_run = contextvars.ContextVar("digest_run", default=None)


@dataclass
class _Run:
    until: datetime
    memo: dict = field(default_factory=dict)


@contextlib.contextmanager
def build_run(*, until=None):
    """Within this block, `shared()` memoises and `until()` is the end of the period being built or sent."""
    token = _run.set(_Run(until=until or timezone.now()))
    try:
        yield
    finally:
        _run.reset(token)


def until():
    run = _run.get()
    return run.until if run else timezone.now()


def shared(key, compute):
    """Compute once per build/send run what many recipients share (a query, a list); outside a run, just compute."""
    run = _run.get()
    if run is None:
        return compute()
    if key not in run.memo:
        run.memo[key] = compute()
    return run.memo[key]


def gather_sections(subscriber, since):
    """The non-empty sections for this subscriber (None: the public web copy), in settings order."""
    sections = []
    for function in section_functions():
        if subscriber is not None and function.digest_choices is None and not subscriber.wants(function.digest_key):
            continue
        section = function(subscriber, since)
        if section is not None and section.items:
            sections.append(section)
    return sections


# --- rendering: the frame once per issue, each distinct section once, then per-recipient links substituted in --------

# Per-recipient values are written into the rendered text as these markers and substituted per message, so an issue is
# rendered (and its CSS inlined) once per issue and once per distinct section, never once per recipient.
MANAGE_TOKEN_MARKER = "MANAGE-TOKEN-MARKER"
# Where a message's sections go in the frame (the heading, the footer, the <head> and its styles).
SECTIONS_MARKER = "DIGEST-SECTIONS-MARKER"
_FRAGMENT_START = "<!--digest-section-start-->"
_FRAGMENT_END = "<!--digest-section-end-->"


def inline_css(html):
    """Inline the <style> rules into style attributes for mail clients that drop <style>; keep the media queries."""
    return css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False).inline(html)


class DigestRenderer:
    """
    Renders digest messages for one issue: the frame once, each distinct section content once (its CSS inlined in
    the frame, so descendant selectors still apply), and a message is the frame with its sections joined in. Counts
    its renders and inlinings so tests can show they do not grow per recipient.
    """

    def __init__(self, *, subject, heading, web_url, template="members/mailing/email/digest"):
        self.subject = subject
        self.heading = heading
        self.web_url = web_url
        self.template = template
        self._fragments = {}
        self._frame = None
        self.section_renders = 0  # distinct section contents rendered (as text and as HTML)
        self.frame_renders = 0
        self.css_inlines = 0

    def _inline(self, html):
        self.css_inlines += 1
        return inline_css(html)

    def frame(self):
        """((text before, after), (raw html before, after), (inlined html before, after)) around the sections."""
        if self._frame is None:
            self.frame_renders += 1
            context = {
                "heading": self.heading,
                "web_url": self.web_url,
                "sections_text": SECTIONS_MARKER,
                "sections_html": SECTIONS_MARKER,
                **recipient_links_context(),
            }
            text = render_to_string(f"{self.template}.txt", context)
            html = render_to_string(f"{self.template}.html", context)
            self._frame = (
                _split(text, SECTIONS_MARKER),
                _split(html, SECTIONS_MARKER),
                _split(self._inline(html), SECTIONS_MARKER),
            )
        return self._frame

    def _fragments_of(self, section):
        """(text, inlined html) of one section, rendered once per distinct content."""
        key = section.content_key()
        if key not in self._fragments:
            self.section_renders += 1
            text = render_to_string("members/mailing/email/_section.txt", {"section": section})
            html = render_to_string("members/mailing/email/_section.html", {"section": section})
            before, after = self.frame()[1]
            inlined = self._inline(before + _FRAGMENT_START + html + _FRAGMENT_END + after)
            html = inlined.split(_FRAGMENT_START, 1)[1].rsplit(_FRAGMENT_END, 1)[0]
            self._fragments[key] = (text, html)
        return self._fragments[key]

    def parts(self, sections):
        """(text, html) with the manage-token marker in place of the recipient's own links."""
        (text_before, text_after), _, (html_before, html_after) = self.frame()
        fragments = [self._fragments_of(section) for section in sections]
        text = text_before + "".join("\n" + text for text, _ in fragments) + text_after
        html = html_before + "".join(html for _, html in fragments) + html_after
        return text, html


def _split(rendered, marker):
    before, after = rendered.split(marker)
    return before, after


def recipient_links_context():
    """Links every list email carries, with the marker where the recipient's token goes."""
    from django.urls import reverse

    return {
        "SIG_NAME": settings.SIG_NAME,
        "SIG_SHORT_NAME": settings.SIG_SHORT_NAME,
        "ASSOCIATION_NAME": settings.ASSOCIATION_NAME,
        "unsubscribe_url": absolute(reverse("mailing:unsubscribe", args=[MANAGE_TOKEN_MARKER])),
        "preferences_url": absolute(reverse("mailing:manage", args=[MANAGE_TOKEN_MARKER])),
        "archive_url": absolute(reverse("mailing:archive")),
    }


def personalise(text, token):
    return text.replace(MANAGE_TOKEN_MARKER, token)
