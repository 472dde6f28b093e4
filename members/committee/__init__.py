"""
The committee (app label "committee"): roles and terms, access that follows them, contact without a shared inbox,
calls for nominations, nominations and secret-ballot elections. Depends on members, never on mailing, events or forums.
"""
