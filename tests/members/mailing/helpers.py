import re


def link_in(message, pattern):
    match = re.search(pattern, message.body)
    assert match, f"no link matching {pattern} in:\n{message.body}"
    return match.group(0)
