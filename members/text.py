"""
The one function that turns user-written Markdown into HTML. Everything a member writes is shown through it;
nothing user-written is marked safe anywhere else.
"""

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


def render_markdown(text):
    """Markdown to sanitised HTML, safe to put in a page."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty string
    html = md.markdown(text, extensions=["fenced_code", "tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above
