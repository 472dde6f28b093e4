"""
The one function that turns user-written Markdown into HTML (and its twin for HTML written in the admin). Everything
a member or officer writes is shown through them; nothing user-written is marked safe anywhere else.
"""

import threading
from functools import lru_cache

import markdown as md
import nh3
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
# Links members post are theirs, not ours: search engines are told so, and opened pages get no window handle.
LINK_REL = "nofollow ugc noopener"


# Building a Markdown converter costs more than converting a post with it: each thread keeps one and resets it.
_converters = threading.local()


def _converter():
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = md.Markdown(
            extensions=["fenced_code", "tables", "sane_lists"], output_format="html"
        )
    return converter


@lru_cache(maxsize=2048)
def _sanitised_html(text):
    # The same text always gives the same HTML, so a page shown again (a forum's descriptions, a topic's posts)
    # reuses the work; an edited post is new text, so nothing can be stale.
    return _clean(_converter().reset().convert(text))


def _clean(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )


def sanitise_html(html):
    """
    HTML written in the admin (the About page and other flat pages), cleaned by the same policy as posts: an
    officer's account is one stolen password away from a script on every visitor's screen.
    """
    if not html:
        return mark_safe("")  # noqa: S308 - empty string
    return mark_safe(_clean(html))  # noqa: S308 - sanitised by nh3


def render_markdown(text):
    """Markdown to sanitised HTML, safe to put in a page."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    return mark_safe(_sanitised_html(text))  # noqa: S308 - sanitised by nh3 in _sanitised_html


# What a spreadsheet reads as the start of a formula (or, for tab and carriage return, strips before reading one).
CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A value for a CSV cell that a spreadsheet shows as text: a leading apostrophe stops a formula running."""
    if isinstance(value, str) and value.startswith(CSV_FORMULA_STARTS):
        return "'" + value
    return value
