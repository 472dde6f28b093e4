"""
A forum's page and a topic's page for members, with their rows rendered once and shared ("hole punching").

Rendering 20–25 rows of per-member content through the template engine was most of these pages' time. The rows are
the same for every member of a viewer class (officer or not, moderator or not, time zone) except for a few parts:
the New and Unread badges, a muted author's post folded, "You reported this post", the CSRF token of the mute and
moderation forms. So a page's rows are rendered once per class and page, with both branches of each such part
between markers ({% hole %}, forums.templatetags.shared_rows) and a sentinel for the CSRF token, and kept in the
cache; each member's request picks the branches that are theirs in Python and puts in their own token.

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

from members.generation import GENERATION_KEY, current_generation, enabled  # noqa: F401  (enabled: the views ask)
from members.roles import is_moderator, is_officer


def viewer_class(user):
    """What shared rows depend on besides the content: which forums and tools the role gives, and the time zone."""
    role = ("officer" if is_officer(user) else "member") + ("+moderator" if is_moderator(user) else "")
    return f"{role}:{timezone.get_current_timezone_name()}"


def _key(kind, request):
    raw = f"{kind}|{viewer_class(request.user)}|{request.get_host()}|{request.get_full_path()}"
    return "forums:shared:" + hashlib.sha256(raw.encode()).hexdigest()


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


def fill_holes(html, nonce, choose, request):
    """The member's copy of shared HTML: choose(kind, pk) picks each hole's branch; their CSRF token goes in."""
    pattern = re.compile(
        rf"<!--{nonce}:(\w+):(\d+)-->(.*?)<!--{nonce}:else-->(.*?)<!--{nonce}:end-->|csrf{nonce}", re.DOTALL
    )
    token = None

    def replace(match):
        nonlocal token
        if match.group(1) is None:
            if token is None:
                token = get_token(request)
            return token
        return match.group(3) if choose(match.group(1), int(match.group(2))) else match.group(4)

    return mark_safe(pattern.sub(replace, html))  # noqa: S308 - rendered by templates, branches and a token put back


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
