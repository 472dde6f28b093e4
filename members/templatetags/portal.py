from functools import lru_cache

from django import template
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


@lru_cache(maxsize=256)
def _reverse_fixed(name, prefix, urlconf):
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name):
    """
    {% fixed_url 'home' %}: {% url %} for an address without arguments, reversed once per process (the site's frame
    names a dozen on every page; reversing them was a tenth of a member's page, bench/profile_page.py).
    """
    return _reverse_fixed(name, get_script_prefix(), get_urlconf())


@register.filter
def officer(user):
    return is_officer(user)


@register.filter
def moderator(user):
    return is_moderator(user)
