"""
Every write of the forums, one module per concept: posting, reports, moderation, suspensions, watching, muting
and reading. Each service takes keyword arguments, checks the rules, writes in one transaction (with its
moderation log entry, when it is a moderation action) and records its emails in that transaction (members.outbox).

Import the concept module (`from forums.services import posting`): this package re-exports nothing, so where a
function lives is said once.
"""
