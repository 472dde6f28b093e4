"""
The mailing list (app label "mailing"): subscriptions (double opt-in), the numbered weekly digest and its archive, the
daily digest, announcements, delivery that sends each message once, and bounces. digest.py is the contract that
events and forums write their digest sections to; delivery.py is the send pipeline. Depends on members only.
"""
