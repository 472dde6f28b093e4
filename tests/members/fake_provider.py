"""A stand-in for another app's personal-data module (forums, events): what members.your_data calls."""

CALLS = []


def export(user):
    return {"posts": [{"body": f"A post by {user.name}"}]}


def erase(user):
    # Runs before members' own part: the member's name is still there to find their content.
    CALLS.append(("erase", user.pk, user.name))
