"""
Digest throughput against its ceiling: build one weekly issue and send it to every subscriber who should get it.

What it measures, in one process with production settings (DEBUG off, PostgreSQL, Redis cache) on a scratch copy of
the source database (`CREATE DATABASE ... TEMPLATE source`, dropped at the end, so runs repeat):

1. build: `digest_issue_build(kind=weekly)` (members.mailing.services.issues), as the Monday task does (the public
   web copy and one pending delivery row per active weekly subscriber; the task it queues is not sent to Celery);
2. ceiling: ONE fixed pre-rendered message (a real recipient's text + HTML alternative + list headers, median size
   of the first 100) sent to every recipient of the issue through the same backend, in the same batches, one mail
   connection per batch, WITH the same bookkeeping: the real `claim_batch` (SKIP LOCKED) and `_record` functions;
   only composing (sections, rendering, tokens, headers) is left out. The rows are then put back to pending;
3. real: `members.mailing.delivery.deliveries_send(issue_id=...)`, the function the send task calls: personalised
   sections (own registrations, watched topics, ...), rendering, signed tokens, list headers, claim and record.

The mail backend (bench/mailsink.py) serialises every message to bytes as an SMTP backend does, then discards it.
Queries are counted with `connection.execute_wrapper`; a batch starts at each `claim_batch` call.

Data: the source database comes from bench/generate.py (`--generate FACTOR` runs it first, replacing SOURCE). The
scratch copy is adjusted to exactly --recipients active weekly readers (default 10,000; see set_recipients): members
among them get their own registrations and the replies in topics they watch, so most messages differ.

Rates are the best of `--rounds` interleaved rounds (the machine may be shared); the ratio of each round is printed
too. Every run checks that each recipient got exactly one message.

    .venv/bin/python bench/digest.py --db bench_large                         # after generate.py --db bench_large
    .venv/bin/python bench/digest.py --db bench_digest_src --generate 1       # generate first
    .venv/bin/python bench/digest.py --db bench_large [--recipients N] [--batch-size B] [--rounds R] [--profile]
"""

import argparse
import cProfile
import io
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

REDIS_DB = "redis://127.0.0.1:6379/15"


def copy_database(source, target):
    """A scratch copy of `source` (which must have no open connections), replacing any older `target`."""
    if not common.database_exists(source):
        sys.exit(f"no database {source!r}: run bench/generate.py --db {source}")
    common.drop_database(target)
    common.psql(f'CREATE DATABASE "{target}" TEMPLATE "{source}"')


def environment(db_name, batch_size):
    static_root = Path(tempfile.gettempdir()) / "bench-digest-static"
    return common.production_env(
        db_name,
        8000,
        static_root,
        REDIS_URL=REDIS_DB,
        DIGEST_BATCH_SIZE=str(batch_size),
        DIGEST_SEND_DELAY_SECONDS="0",
    )


# --- counting queries per batch -------------------------------------------------------------------------------------


class QueryCounter:
    """Counts every query on the default connection; `mark()` starts a new batch."""

    def __init__(self):
        self.total = 0
        self.marks = []

    def __call__(self, execute, sql, params, many, context):
        self.total += 1
        return execute(sql, params, many, context)

    def mark(self):
        self.marks.append(self.total)

    def per_batch(self):
        """Queries from each batch's claim to the next one's (the last claim finds nothing and ends the run)."""
        return [b - a for a, b in zip(self.marks, self.marks[1:], strict=False)]


@contextmanager
def counting(counter):
    from django.db import connection

    from members.mailing import delivery

    real_claim = delivery.claim_batch

    def claim(filters, size):
        counter.mark()
        return real_claim(filters, size)

    delivery.claim_batch = claim
    try:
        with connection.execute_wrapper(counter):
            yield
    finally:
        delivery.claim_batch = real_claim


# --- the three steps ------------------------------------------------------------------------------------------------


def set_recipients(count):
    """
    Make exactly `count` subscribers of the scratch copy active weekly readers (the digest's recipients).

    generate.py's list is a realistic mix (some daily, some announcements only, some pending or unsubscribed), so
    at factor 1 about half of its 10,000 subscribers take the weekly digest. To send the issue's 10,000 personalised
    messages, the copy turns the first others (by id) into active weekly readers, and adds a subscription for
    members who have none if that is still not enough; with fewer wanted, the extra readers are unsubscribed.
    """
    from django.utils import timezone

    from members.mailing.models import Subscriber
    from members.models import User

    weekly = Subscriber.objects.active().filter(frequency=Subscriber.Frequency.WEEKLY)
    have = weekly.count()
    if count is None:
        return have
    if have > count:
        cutoff = weekly.order_by("pk").values_list("pk", flat=True)[count]
        weekly.filter(pk__gte=cutoff).update(status=Subscriber.Status.UNSUBSCRIBED)
        return count
    others = Subscriber.objects.exclude(pk__in=weekly.values("pk")).order_by("pk").values_list("pk", flat=True)
    convert = list(others[: count - have])
    Subscriber.objects.filter(pk__in=convert).update(
        status=Subscriber.Status.ACTIVE, frequency=Subscriber.Frequency.WEEKLY, confirmed_at=timezone.now()
    )
    missing = count - have - len(convert)
    if missing > 0:
        members = User.objects.filter(is_active=True, mailing_subscriptions__isnull=True).order_by("pk")[:missing]
        Subscriber.objects.bulk_create(
            Subscriber(email=m.email, user=m, status=Subscriber.Status.ACTIVE, confirmed_at=timezone.now())
            for m in members
        )
    total = weekly.count()
    if total < count:
        print(f"note: the source has only {total} possible recipients; sending to all of them")
    return total


def build_issue():
    from members.mailing.models import DigestIssue
    from members.mailing.services import issues
    from members.mailing.tasks import send_mailing

    queued = []
    real_delay = send_mailing.delay
    send_mailing.delay = lambda **kwargs: queued.append(kwargs)  # sent by hand below, timed on its own
    try:
        counter = QueryCounter()
        with counting(counter):
            started = time.perf_counter()
            issue = issues.digest_issue_build(kind=DigestIssue.Kind.WEEKLY)
            seconds = time.perf_counter() - started
    finally:
        send_mailing.delay = real_delay
    if issue is None:
        sys.exit("nothing new in the source database since its last weekly issue: no issue to send")
    return issue, seconds, counter.total


def fixed_message_parts(issue):
    """A real recipient's rendered message (median size of the first 100 who get one): the ceiling sends it."""
    from members.mailing.delivery import IssueComposer
    from members.mailing.digest import build_run
    from members.mailing.models import Delivery

    composer = IssueComposer(issue)
    samples = []
    with build_run(until=issue.period_until):
        for row in Delivery.objects.filter(issue=issue).select_related("subscriber__user").order_by("pk")[:100]:
            parts = composer.parts(row.subscriber)
            if parts:
                samples.append((len(parts[0]) + len(parts[1]), row.subscriber, parts))
    samples.sort(key=lambda sample: sample[0])
    _, subscriber, parts = samples[len(samples) // 2]
    return composer.subject, subscriber, parts


def fixed_message(issue):
    from members.mailing import delivery, tokens

    subject, subscriber, (text, html) = fixed_message_parts(issue)
    return delivery.build_list_message(
        to=subscriber.email, subject=subject, text=text, html=html, token=tokens.manage_token(subscriber.pk)
    )


def ceiling_run(issue, batch_size, message, message_id):
    """The same recipients, backend, batches and claim/record bookkeeping; one fixed message instead of composing."""
    from django.core.mail import get_connection

    from members.mailing import delivery

    filters = {"issue_id": issue.pk}
    counter = QueryCounter()
    sent_total = 0
    with counting(counter):
        started = time.perf_counter()
        while True:
            batch = delivery.claim_batch(filters, batch_size)
            if not batch:
                break
            sent = []
            connection = get_connection()
            connection.open()
            for index, row in enumerate(batch):
                message.to = [row.subscriber.email]
                message.connection = connection
                connection.send_messages([message])
                # As the pipeline does: each message recorded as sent at once, the claim renewed as it goes.
                delivery._record_sent(row, message_id)
                sent.append((row, message_id))
                if len(sent) % delivery.RENEW_CLAIM_EVERY == 0:
                    delivery._renew_claim(batch[index + 1 :])
            connection.close()
            delivery._record([], [], [])
            sent_total += len(sent)
        seconds = time.perf_counter() - started
    size = len(message.message().as_bytes(linesep="\r\n"))
    return {"sent": sent_total, "seconds": seconds, "counter": counter, "message_bytes": size}


def reset_deliveries(issue):
    """Every row of the issue back to pending, and the issue to sending, as the build left them."""
    from members.mailing.models import Delivery, DigestIssue

    Delivery.objects.filter(issue=issue).update(
        status=Delivery.Status.PENDING, attempts=0, message_id="", sent_at=None, claimed_at=None, last_error=""
    )
    DigestIssue.objects.filter(pk=issue.pk).update(status=DigestIssue.Status.SENDING, sent_at=None)


def real_run(issue, profile):
    from members.mailing.delivery import deliveries_send

    counter = QueryCounter()
    profiler = cProfile.Profile() if profile else None
    with counting(counter):
        started = time.perf_counter()
        if profiler:
            profiler.enable()
        result = deliveries_send(issue_id=issue.pk)
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - started
    return {"result": result, "seconds": seconds, "counter": counter, "profiler": profiler}


# --- a small data set of our own, for development without bench/generate.py -----------------------------------------


def batch_queries(counter):
    """(queries most batches cost, queries the run makes once: its shared reads, the last empty claim, finishing)."""
    per_batch = counter.per_batch()
    if not per_batch:
        return 0, counter.total
    usual = min(statistics.multimode(per_batch[1:] or per_batch))  # the first batch makes the run's first reads
    return usual, counter.total - usual * len(per_batch)


def batch_summary(counter):
    usual, _ = batch_queries(counter)
    extra = [n - usual for n in counter.per_batch() if n != usual]
    return f"{usual}" + (f" (+{sum(extra)} in {len(extra)}: first reads)" if extra else "")


def report(args, recipients, build, rounds):
    """The best round of each (the least disturbed on a shared machine); query counts from the first round."""
    ceiling = min((c for c, _, _ in rounds), key=lambda c: c["seconds"])
    real = min((r for _, r, _ in rounds), key=lambda r: r["seconds"])
    first_ceiling, first_real, backend = rounds[0]
    result = real["result"]
    real_rate = result.sent / real["seconds"] if real["seconds"] else 0
    ceiling_rate = ceiling["sent"] / ceiling["seconds"] if ceiling["seconds"] else 0
    real_queries, ceiling_queries = first_real["counter"], first_ceiling["counter"]
    rows = [
        ("", "real (deliveries_send)", "ceiling (fixed message)"),
        ("recipients sent", f"{result.sent:,}", f"{ceiling['sent']:,}"),
        ("skipped (nothing chosen)", f"{result.skipped:,}", "-"),
        ("batches", f"{len(real_queries.per_batch()):,}", f"{len(ceiling_queries.per_batch()):,}"),
        ("seconds (best round)", f"{real['seconds']:.2f}", f"{ceiling['seconds']:.2f}"),
        ("recipients/s", f"{real_rate:,.0f}", f"{ceiling_rate:,.0f}"),
        ("queries", f"{real_queries.total:,}", f"{ceiling_queries.total:,}"),
        (
            "queries/recipient",
            f"{real_queries.total / max(result.sent, 1):.4f}",
            f"{ceiling_queries.total / max(ceiling['sent'], 1):.4f}",
        ),
        ("queries/batch", batch_summary(real_queries), batch_summary(ceiling_queries)),
        ("queries once per run", f"{batch_queries(real_queries)[1]}", f"{batch_queries(ceiling_queries)[1]}"),
    ]
    width = [max(len(row[i]) for row in rows) for i in range(3)]
    print()
    print(f"digest send: {recipients:,} active weekly subscribers, batch size {args.batch_size}, source {args.db}")
    print(f"machine: {common.machine()}")
    print(
        f"build (digest_issue_build): {build['seconds']:.2f} s, {build['queries']} queries; "
        f"ceiling message {ceiling['message_bytes']:,} bytes; backend serialised "
        f"{backend['messages']:,} messages, {backend['bytes'] / 1e6:,.1f} MB per real run"
    )
    print("ceiling: one pre-rendered message, same backend, batches, claim_batch and _record (bookkeeping included)")
    print("queries/batch: what most batches cost; a batch where a shared read is first needed costs that read more")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process (RSS): {peak:,.0f} MB")
    print(f"rounds: {len(rounds)}, each the ceiling then the real run on the same rows; rates from the best of each")
    print()
    for i, row in enumerate(rows):
        print("  ".join(cell.ljust(width[j]) if j == 0 else cell.rjust(width[j]) for j, cell in enumerate(row)))
        if i == 0:
            print("  ".join("-" * w for w in width))
    ratio = real_rate / ceiling_rate if ceiling_rate else 0
    each = ", ".join(f"{c['seconds'] / r['seconds']:.2f}" for c, r, _ in rounds)
    print()
    print(f"ratio real/ceiling: {ratio:.3f} (target >= 0.25); round by round: {each}")
    profiled = rounds[-1][1]["profiler"]
    if profiled:
        out = io.StringIO()
        pstats.Stats(profiled, stream=out).sort_stats("cumulative").print_stats(35)
        print(out.getvalue())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="source database (from bench/generate.py); it is copied, not used")
    parser.add_argument(
        "--recipients",
        type=int,
        default=10_000,
        help="personalised recipients of the issue (default 10,000; the scratch copy is adjusted to this many)",
    )
    parser.add_argument("--batch-size", type=int, default=100, help="DIGEST_BATCH_SIZE (default 100)")
    parser.add_argument(
        "--generate", type=float, metavar="FACTOR", help="first (re)create SOURCE with bench/generate.py at FACTOR"
    )
    parser.add_argument("--rounds", type=int, default=3, help="ceiling + real runs, best of each reported (default 3)")
    parser.add_argument("--profile", action="store_true", help="cProfile the last real send; print the top functions")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (bench_digest_scratch)")
    args = parser.parse_args()

    if args.generate:
        generate = Path(__file__).resolve().parent / "generate.py"
        subprocess.run(
            [common.PYTHON, str(generate), "--db", args.db, "--factor", str(args.generate), "--drop"],
            cwd=common.ROOT,
            check=True,
        )

    scratch = "bench_digest_scratch"
    copy_database(args.db, scratch)
    try:
        common.django_setup(environment(scratch, args.batch_size))
        from django.conf import settings
        from django.core.management import call_command
        from mailsink import SerialisingBackend

        call_command("migrate", verbosity=0)
        settings.EMAIL_BACKEND = "mailsink.SerialisingBackend"
        recipients = set_recipients(args.recipients)

        issue, build_seconds, build_queries = build_issue()
        message, message_id = fixed_message(issue)
        rounds = []
        for number in range(args.rounds):
            ceiling = ceiling_run(issue, args.batch_size, message, message_id)
            reset_deliveries(issue)
            SerialisingBackend.reset()
            real = real_run(issue, args.profile and number == args.rounds - 1)
            backend = {"messages": SerialisingBackend.messages, "bytes": SerialisingBackend.bytes}
            twice = [address for address, count in SerialisingBackend.recipients.items() if count > 1]
            if twice or backend["messages"] != real["result"].sent:
                sys.exit(f"exactly-once broken: {len(twice)} addresses mailed twice, {backend['messages']} messages")
            rounds.append((ceiling, real, backend))
            reset_deliveries(issue)
        report(args, recipients, {"seconds": build_seconds, "queries": build_queries}, rounds)
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            common.drop_database(scratch)


if __name__ == "__main__":
    main()
