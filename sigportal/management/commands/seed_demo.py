from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

from members.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TOTP_SECRET

# Each app seeds its own demo data, in this order: members first, since the others use its people.
DEMO_SEEDERS = [
    "members.demo.seed",
    "members.institutions.demo.seed",
    "members.mailing.demo.seed",
    "members.committee.demo.seed",
    "members.cpd.demo.seed",
    "events.demo.seed",
    "forums.demo.seed",
    # Last: credentials are issued for what the events and committee demos recorded.
    "members.credentials.demo.seed",
]


class Command(BaseCommand):
    help = "Fill the database with invented demo data. Running it again changes nothing."

    def handle(self, *args, **options):
        with transaction.atomic():
            for path in DEMO_SEEDERS:
                import_string(path)(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS(f"Demo data is ready. Demo accounts (password for all: {DEMO_PASSWORD}):"))
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account['role']:<10} {account['email']}")
        self.stdout.write(
            f"The moderator and the officer log in with a second factor: the code `make demo-code` "
            f"prints, or an authenticator app given the secret {DEMO_TOTP_SECRET}."
        )
