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
REMEMBERED = ("_group_names", "_unread_count", "_muted_ids", "_principles_accepted", "_suspension")
_MISSING = object()


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
