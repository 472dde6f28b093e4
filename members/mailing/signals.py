"""Signals of the mailing list."""

from django.dispatch import Signal

# Sent once, after an announcement has been queued to the list (status "sent"), with sender=Announcement and
# announcement=<Announcement>. Who relies on it: the forums app posts the announcement in the Announcements forum
# (wired after merge, in forums/, so members never imports forums). Receivers run after the commit; an error in a
# receiver is logged and does not stop the mailing.
announcement_sent = Signal()
