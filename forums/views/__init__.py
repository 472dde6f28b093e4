"""
Pages of the forums, one module per part of the site: reading, posting, personal (watches and mutes) and
moderation. Thin: load what the viewer may see (forums.selectors; anything else is a 404, so nothing leaks),
check the permission, call a service, render. Domain errors become messages next to the form, with the member's
text kept.
"""
