"""
The mailing list: subscriptions (double opt-in), the weekly and daily digests, announcements, and delivery that
sends each mail exactly once. Modules: tokens, subscriptions, digest (the section contract), sections (members' own),
delivery (the send pipeline), announcements, bounces, signals.
"""
