"""The member's notifications: the list, opening one (marked read, then on to its place), all read, the choices."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from members.notifications import (
    notification_open,
    notifications_mark_all_read,
    notifications_page,
    preferences_for,
    preferences_set,
)

SITE_ONLY, SITE_AND_EMAIL = "site", "email"


class NotificationPreferencesForm(forms.Form):
    """One choice per kind: told in the site only, or in the site and by email."""

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label, by_email in preferences:
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=[(SITE_AND_EMAIL, "In the site and by email"), (SITE_ONLY, "In the site only")],
                widget=forms.RadioSelect,
                initial=SITE_AND_EMAIL if by_email else SITE_ONLY,
            )

    def by_email_kinds(self):
        return [kind for kind, choice in self.cleaned_data.items() if choice == SITE_AND_EMAIL]


@login_required
@require_GET
def notification_list(request):
    page = notifications_page(request.user, request.GET.get("page"))
    return render(request, "members/notifications.html", {"page": page})


@login_required
@require_GET
def notification_go(request, notification_id):
    """The link on each notification: marks it read and goes on to its place. Another member's is not found."""
    url = notification_open(user=request.user, notification_id=notification_id)
    if url is None:
        raise Http404("No such notification.")
    return redirect(url)


@login_required
@require_POST
def notifications_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, "All your notifications are marked read." if count else "Nothing was unread.")
    return redirect("members:notifications")


@login_required
def notification_settings(request):
    preferences = preferences_for(request.user)
    if request.method == "POST":
        form = NotificationPreferencesForm(request.POST, preferences=preferences)
        if form.is_valid():
            preferences_set(user=request.user, by_email_kinds=form.by_email_kinds())
            messages.success(request, "Your choices are saved.")
            return redirect("members:notification-settings")
        return render(request, "members/notification_settings.html", {"form": form}, status=400)
    form = NotificationPreferencesForm(preferences=preferences)
    return render(request, "members/notification_settings.html", {"form": form})
