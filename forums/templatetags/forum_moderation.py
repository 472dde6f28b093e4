"""{% moderation_queue_link %}: the moderators' queue in the site header, with how many posts wait for them."""

from django import template

from forums.selectors import moderation_queue_count
from members.roles import is_moderator

register = template.Library()


@register.inclusion_tag("forums/includes/_moderation_queue_link.html", takes_context=True)
def moderation_queue_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not is_moderator(user):
        return {"show": False}
    return {
        "show": True,
        "count": moderation_queue_count(user),
        "active": request.path.startswith("/forums/moderation/"),
    }
