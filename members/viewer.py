"""
Answers about the member viewing a page that every page asks (roles, unread notifications, mutes, principles, an
active suspension), kept on the user object and, between the member's requests, in the cache beside their row
(sigportal.viewer loads and keeps them; see its docstring for when they are retired).

Each function that computes one of these answers asks `remembered` with the attribute it keeps the answer in
(members.roles keeps `_group_names`, and so on): a request that invalidates one (`user.__dict__.pop(...)`) gets a
fresh answer, as before. Only the user object of the request's member (marked `_viewer` by sigportal.viewer) keeps
answers; for any other user object (a service's, a test's) they are computed every time.
"""

# The answers kept with the member: the attribute each function keeps its answer in.
REMEMBERED = ("_group_names", "_unread_count", "_muted_ids", "_principles_accepted", "_suspension", "_page_state")
_MISSING = object()

# How many pages' own answers (page_state) are kept with a member: the pages they went to last.
PAGES_KEPT = 20


def remembered(user, attribute, compute):
    """`attribute` of the member viewing the page if this request or an earlier one knows it; else compute it."""
    # getattr and setattr, not __dict__: request.user is a lazy object that passes them on to the user.
    if not getattr(user, "_viewer", False):
        return compute()
    value = getattr(user, attribute, _MISSING)
    if value is _MISSING:
        value = compute()
        setattr(user, attribute, value)
    return value


def page_state(user, key, compute):
    """
    What one page needs to know about the member beyond the rows it shares (forums.shared_pages: which topics they
    have read, whether they watch it, what they reported), kept with their other answers under the page's key.
    Besides the generation, these answers are retired by the member's own read markers moving
    (members.generation.bump_reads), which no other page is retired by. The value must not be changed in place.
    """
    if not getattr(user, "_viewer", False):
        return compute()
    pages = getattr(user, "_page_state", None) or {}
    value = pages.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        # A new dict, not the one read from the cache: sigportal.viewer saves the answers that are not the ones it read.
        pages = dict(list(pages.items())[-(PAGES_KEPT - 1) :])
        pages[key] = value
        user._page_state = pages
    return value
