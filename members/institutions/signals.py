from django.contrib import messages

from members.institutions.services import institutional_link_pending


def link_after_login(sender, request, user, **kwargs):
    """allauth's user_logged_in: the owner of an existing account proved it by logging in, so the institutional
    identity that waited for that (members.institutions.services) is linked now."""
    if request is None or not hasattr(request, "session"):
        return
    link = institutional_link_pending(session=request.session, user=user)
    if link is not None:
        messages.success(
            request,
            f"Your identity at {link.institution_name or link.issuer} is now linked: next time, "
            "sign in with your institution.",
        )
