"""
`{% hole %}`: a per-member part of a row that members otherwise share (forums.shared_pages).

    {% hole "reported" post.pk post.reported_by_me %}<span>You reported it.</span>{% else %}<a …>Report</a>{% endhole %}

Rendered for one member (no `shared_nonce` in the context) it is a plain {% if value %}. Rendered for sharing, it
writes both branches between markers carrying the render's secret nonce, and forums.shared_pages (split_holes,
fill_holes) picks one per member afterwards. Holes do not nest.
"""

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


class HoleNode(template.Node):
    def __init__(self, kind, pk, value, when_true, when_false):
        self.kind, self.pk, self.value = kind, pk, value
        self.when_true, self.when_false = when_true, when_false

    def render(self, context):
        nonce = context.get("shared_nonce")
        if not nonce:
            chosen = self.when_true if self.value.resolve(context) else self.when_false
            return chosen.render(context)
        kind, pk = self.kind.resolve(context), int(self.pk.resolve(context))
        return mark_safe(  # noqa: S308 - both branches rendered (and escaped) by the template engine
            f"<!--{nonce}:{kind}:{pk}-->{self.when_true.render(context)}"
            f"<!--{nonce}:else-->{self.when_false.render(context)}<!--{nonce}:end-->"
        )


@register.tag
def hole(parser, token):
    bits = token.split_contents()
    if len(bits) != 4:
        raise template.TemplateSyntaxError("{% hole kind pk value %} takes three arguments")
    kind, pk, value = (parser.compile_filter(bit) for bit in bits[1:])
    when_true = parser.parse(("else", "endhole"))
    when_false = template.NodeList()
    if parser.next_token().contents == "else":
        when_false = parser.parse(("endhole",))
        parser.delete_first_token()
    return HoleNode(kind, pk, value, when_true, when_false)
