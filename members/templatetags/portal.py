from django import template

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


@register.filter
def officer(user):
    return is_officer(user)


@register.filter
def moderator(user):
    return is_moderator(user)
