"""The badge picture a credential is baked into (OB 3.0 baking: an iTXt chunk with keyword openbadgecredential)."""

import io

from django.conf import settings
from openbadgeslib import baking
from PIL import Image, ImageDraw, ImageFont

from members.credentials.models import Credential

# Dark enough for white text (contrast above 4.5:1), one per kind so a shelf of badges is easy to tell apart.
COLOURS = {
    Credential.Kind.ATTENDED: (20, 83, 140),
    Credential.Kind.PRESENTED: (118, 45, 110),
    Credential.Kind.COMMITTEE: (26, 95, 60),
}
SIZE = 400


def _wrap(draw, text, font, width):
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines[:4]


def badge_png(credential):
    """A plain round badge naming the group, the kind of achievement and its date."""
    image = Image.new("RGBA", (SIZE, SIZE), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    colour = COLOURS.get(credential.kind, (60, 60, 60))
    draw.ellipse((8, 8, SIZE - 8, SIZE - 8), fill=colour, outline=(255, 255, 255), width=6)
    small, large = ImageFont.load_default(size=20), ImageFont.load_default(size=30)
    y = 135
    for line in _wrap(draw, settings.SIG_SHORT_NAME, small, 260):
        draw.text((SIZE / 2, y), line, font=small, fill="white", anchor="mm")
        y += 26
    y += 20
    for line in _wrap(draw, credential.get_kind_display(), large, 290):
        draw.text((SIZE / 2, y), line, font=large, fill="white", anchor="mm")
        y += 38
    draw.text((SIZE / 2, y + 30), f"{credential.earned_on:%B %Y}", font=small, fill="white", anchor="mm")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def baked_png(credential):
    """The badge with the signed credential inside it, exactly the JSON the member can download."""
    return baking.bake_png(badge_png(credential), credential.document, keyword=baking.ITXT_KEYWORD_OB3)
