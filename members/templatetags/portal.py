from functools import lru_cache

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse

from members.roles import is_moderator, is_officer
from members.text import render_markdown, sanitise_html

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """{{ post.body|markdown }}: the only way user-written text reaches a page."""
    return render_markdown(text)


@register.filter(name="sanitised_html")
def sanitised_html_filter(html):
    """{{ flatpage.content|sanitised_html }}: HTML from the admin, cleaned like posts."""
    return sanitise_html(html)


@lru_cache(maxsize=4096)
def _reverse_fixed(name, prefix, urlconf, args):
    return reverse(name, urlconf=urlconf, args=args)


@register.simple_tag
def fixed_url(name, *args):
    """
    {% fixed_url 'home' %}, {% fixed_url 'forums:forum' forum.slug %}: {% url %}, reversed once per process for a
    name and its arguments (the site's frame names a dozen addresses on every page; reversing them was a tenth of a
    member's page, bench/profile_page.py). The addresses are a bounded set: pages, forums and topics of the site.
    """
    return _reverse_fixed(name, get_script_prefix(), get_urlconf(), args)


@lru_cache(maxsize=64)
def _static(path, static_url):
    return static(path)


@register.simple_tag
def fixed_static(path):
    """{% fixed_static 'css/site.css' %}: {% static %}, looked up once per process (the frame names four files)."""
    return _static(path, settings.STATIC_URL)


@register.filter
def officer(user):
    return is_officer(user)


@register.filter
def moderator(user):
    return is_moderator(user)
