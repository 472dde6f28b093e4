from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core.management.base import BaseCommand

from members.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the demo moderator's and officer's current log-in code (their authenticator-app code)."

    def handle(self, *args, **options):
        # The middle counter is now; the others are the clock-drift tolerance either side.
        counters = list(yield_hotp_counters_from_time())
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, counters[len(counters) // 2]))
        self.stdout.write(f"{code}  (valid for up to 30 seconds, once)")
