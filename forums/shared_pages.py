"""
A forum's page and a topic's page for members, with their rows rendered once and shared ("hole punching").

Rendering 20–25 rows of per-member content through the template engine was most of these pages' time. The rows are
the same for every member of a viewer class (officer or not, moderator or not, time zone) except for a few parts:
the New and Unread badges, a muted author's post folded, "You reported this post", the CSRF token of the mute and
moderation forms. So a page's rows are rendered once per class and page, with both branches of each such part
between markers ({% hole %}, forums.templatetags.shared_rows) and a sentinel for the CSRF token, and kept in the
cache cut at those holes (split_holes); each member's request picks the branches that are theirs and puts in their
own token (fill_holes).

What exists only for one member never goes into the shared part:
- the rows are read as everyone of the class sees them (selectors.*_as_shared): without anyone's own pending or
  hidden topic or post; a member who has one in this forum or topic gets the whole page rendered for them (rare);
- a member's own posts (the "(you)" on an anonymous post, Edit, no Report or mute) and any row that is not plainly
  visible (the hidden-post placeholder moderators see) are rendered for the member on each request;
- anonymous posts are shared as "anonymous member" with no mute form (the template never names their author).

Entries are keyed on the page's address and the viewer class, and hold the global page-cache generation
(sigportal.page_cache) they were rendered under: any write to a table pages show retires them. With the cache off
(PAGE_CACHE_SECONDS=0) or unreachable (no generation to read), the views render everything per member as before.
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template import engines
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe

from members.generation import GENERATION_KEY, current_generation
from members.roles import is_moderator, is_officer


def viewer_class(user):
    """What shared rows depend on besides the content: which forums and tools the role gives, and the time zone."""
    role = ("officer" if is_officer(user) else "member") + ("+moderator" if is_moderator(user) else "")
    return f"{role}:{timezone.get_current_timezone_name()}"


# The shape of an entry: a release that changes it changes this, so that it never reads an older release's entries.
LAYOUT = 2


def _key(kind, request):
    raw = f"{kind}|{viewer_class(request.user)}|{request.get_host()}|{request.get_full_path()}"
    return f"forums:shared:{LAYOUT}:" + hashlib.sha256(raw.encode()).hexdigest()


def lookup(kind, request):
    """(key, generation, entry or None); generation is None when the cache cannot tell what is current."""
    key = _key(kind, request)
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or current_generation()  # still None while the cache is unreachable
    entry = found.get(key)
    if generation is None or not entry or entry.get("generation") != generation:
        entry = None
    return key, generation, entry


def fetch(key, generation):
    """An entry stored beside a page's, if it is still of this generation."""
    entry = cache.get(key)
    return entry if entry and entry.get("generation") == generation else None


def store(key, entry):
    cache.set(key, entry, settings.PAGE_CACHE_SECONDS)


def new_nonce():
    """A secret per render: nothing a member wrote before it existed can imitate a marker."""
    return secrets.token_hex(16)


def shared_context(nonce):
    return {"shared_nonce": nonce, "csrf_token": f"csrf{nonce}"}


def member_token(request):
    """The member's CSRF token for every form of this page: one masking (get_token masks anew at each call)."""
    token = getattr(request, "_member_csrf_token", None)
    if token is None:
        token = request._member_csrf_token = get_token(request)
    return token


def _holes(nonce):
    return re.compile(
        rf"<!--{nonce}:(\w+):(\d+)-->(.*?)<!--{nonce}:else-->(.*?)<!--{nonce}:end-->|csrf{nonce}", re.DOTALL
    )


def split_holes(html, nonce):
    """
    Shared HTML cut at its holes once, before it is stored: a list of literal strings, (kind, pk, branch if true,
    branch if false) for each hole and None where the member's CSRF token goes, so that each member's copy is a join
    (fill_holes) rather than a search through the page.
    """
    parts, start = [], 0
    for match in _holes(nonce).finditer(html):
        parts.append(html[start : match.start()])
        kind = match.group(1)
        parts.append(None if kind is None else (kind, int(match.group(2)), match.group(3), match.group(4)))
        start = match.end()
    parts.append(html[start:])
    return [part for part in parts if part != ""]


def fill_holes(parts, choose, request):
    """The member's copy of shared HTML cut by split_holes: choose(kind, pk) picks each hole's branch; their CSRF
    token goes in. Plain strings among the parts (a member's own rows) go in as they are."""
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        elif part is None:
            out.append(member_token(request))
        else:
            out.append(part[2] if choose(part[0], part[1]) else part[3])
    return mark_safe("".join(out))  # noqa: S308 - rendered by templates, branches and a token put back


def render_part(template_name, context):
    return get_template(template_name).render(context)


class BlankForm:
    """
    An unbound form's HTML ({{ form|crispy }}, which holds no CSRF token and nothing about the member), rendered when
    a template first shows it and then kept in this process until the generation moves (a forum's settings change).
    """

    _rendered = {}
    _template = None

    def __init__(self, generation, key, form_factory):
        self.generation, self.key, self.form_factory = generation, key, form_factory

    def __bool__(self):
        return True

    def __html__(self):
        rendered = BlankForm._rendered
        if rendered.get("generation") != self.generation:
            rendered.clear()
            rendered["generation"] = self.generation
        if self.key not in rendered:
            if BlankForm._template is None:
                BlankForm._template = engines["django"].from_string("{% load crispy_forms_tags %}{{ form|crispy }}")
            rendered[self.key] = BlankForm._template.render({"form": self.form_factory()})
        return rendered[self.key]

    __str__ = __html__
