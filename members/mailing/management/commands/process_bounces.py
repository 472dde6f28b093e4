"""Mark bouncing addresses from a file of bounces or from addresses given on the command line."""

from django.core.management.base import BaseCommand, CommandError

from members.mailing.errors import BadBounce
from members.mailing.services.bounces import bounce_record, parse_bounce_line


class Command(BaseCommand):
    help = (
        "Record bounced mail. Reads a file with one bounce per line (`address[,hard|soft[,reason]]`; - for stdin) "
        "and/or addresses given with --address. After MAILING_HARD_BOUNCE_LIMIT hard bounces an address is no "
        "longer mailed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="bounce file (- reads standard input)")
        parser.add_argument("--address", action="append", default=[], help="an address that hard-bounced")
        parser.add_argument("--soft", action="store_true", help="count --address bounces as soft")

    def handle(self, *args, file=None, address=(), soft=False, **options):
        if not file and not address:
            raise CommandError("Give a bounce file or at least one --address.")
        bounces, problems = [], []
        for email in address:
            try:
                bounces.append(parse_bounce_line(f"{email},{'soft' if soft else 'hard'}"))
            except BadBounce as exc:
                problems.append(f"--address: {exc}")
        if file:
            import sys

            stream = sys.stdin if file == "-" else open(file, encoding="utf-8")  # noqa: SIM115
            with stream:
                for number, line in enumerate(stream, start=1):
                    try:
                        bounce = parse_bounce_line(line)
                    except BadBounce as exc:
                        problems.append(f"line {number}: {exc}")
                        continue
                    if bounce:
                        bounces.append(bounce)
        stopped = unknown = 0
        for bounce in bounces:
            subscriber = bounce_record(email=bounce.email, hard=bounce.hard, reason=bounce.reason)
            if subscriber is None:
                unknown += 1
            elif subscriber.status == subscriber.Status.BOUNCING and bounce.hard:
                stopped += 1
        for problem in problems:
            self.stderr.write(f"Skipped {problem}")
        self.stdout.write(
            f"Recorded {len(bounces) - unknown} bounce(s); {unknown} for addresses not on the list; "
            f"{stopped} address(es) now stopped."
        )
        return None
