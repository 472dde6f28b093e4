"""
The registration rush over HTTP: 200 members register at once for an event with 10 places.

What it measures: whether capacity stays exact end to end (gunicorn with several workers and threads,
PostgreSQL, the real registration view, CSRF, sessions, messages), and how long a registration takes while
everyone hits the same event row. It must end with exactly 10 confirmed, 190 waiting, no errors, and
waiting-list positions 1..190 with no gap or duplicate; the script exits non-zero otherwise.

How:

1. Drops and recreates its own PostgreSQL database (--db), migrates it with production settings
   (DEBUG off, Redis cache and broker, whitenoise's manifest, so static files are collected first).
2. In this process, creates 200 members who pass every precondition the registration view checks: a verified
   primary email, a verified and current individual association membership (the event is for association
   members), acceptance of the current community principles. Each gets a real session (what
   django.test.Client.force_login stores), so nobody goes through the rate-limited login form. Before the
   rush, the script asks the app itself (events.eligibility.registration_problem) that each member may register.
3. Serves the portal with gunicorn (gthread: --workers processes x --threads threads, so up to
   workers x threads registrations are inside the view at once, each with its own database connection).
   Requests carry X-Forwarded-Proto: https, as the TLS-terminating proxy in front of production does
   (settings trust that header); so the request is secure, session and CSRF cookies are valid as sent, and
   Django's CSRF check compares Origin with https://host, as it would for a browser.
4. Each member first GETs the event page like a browser (that sets the csrftoken cookie) and the script reads
   the registration form from the HTML: its action and every field, so each POST is what the form submits.
5. 200 threads wait at a threading.Barrier, then each opens a connection and POSTs the form. Per request:
   status, latency (connect to last byte), redirect target. Afterwards (not timed) each member follows the
   redirect with the messages cookie to read what the page told them ("registered", or "waiting list in
   position N").
6. Counts from the database and from the responses, checks positions, prints a table.

--repeat N runs the rush N times, each on a fresh event (same members, same server). --control adds one run
against a server whose event row lock is switched off (bench/rush_control_wsgi.py flips the same switch as
tests/events/test_race.py's control), to show that the rush then oversells.

Run from the repository root:  .venv/bin/python bench/rush.py [--repeat 3] [--control]
"""

import argparse
import html as html_lib
import http.client
import re
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from html.parser import HTMLParser
from http.cookies import SimpleCookie

import common

PEOPLE = 200
PLACES = 10
MEMBER_EMAIL = "rush-member-{:03d}@bench.sigportal.test"
ANSWER = "Captions on the recording, please."


# ---------------------------------------------------------------------------------------------------------------------
# Set-up in this process (Django configured by common.django_setup)
# ---------------------------------------------------------------------------------------------------------------------


def create_members(count):
    """`count` members who may register for an association-members event; returns them (saved)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from members.models import AssociationMembership, PrinciplesAcceptance, PrinciplesVersion
    from members.principles import current_principles

    now = timezone.now()
    version = current_principles()
    if version is None:
        version = PrinciplesVersion.objects.create(number=1, body="Be kind. Respect confidentiality.", published_at=now)
    password = make_password(None)  # unusable: they never log in through the form; one hash for all is enough
    User = get_user_model()
    users = User.objects.bulk_create(
        User(email=MEMBER_EMAIL.format(i), name=f"Rush Member {i:03d}", password=password) for i in range(count)
    )
    EmailAddress.objects.bulk_create(EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users)
    AssociationMembership.objects.bulk_create(
        AssociationMembership(
            user=u,
            kind=AssociationMembership.Kind.INDIVIDUAL,
            membership_number=f"M{100000 + i}",
            status=AssociationMembership.Status.VERIFIED,
            verified_at=now,
            expires_on=(now + timedelta(days=365)).date(),
        )
        for i, u in enumerate(users)
    )
    PrinciplesAcceptance.objects.bulk_create(PrinciplesAcceptance(user=u, version=version) for u in users)
    return list(User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk"))


def create_event(number, places):
    """A published online webinar for association members, open for registration, two weeks ahead."""
    from django.utils import timezone

    from events.models import Event, RegistrationQuestion, Session

    now = timezone.now()
    event = Event(
        title=f"Rush webinar {number}",
        slug=f"rush-webinar-{number}",
        kind=Event.Kind.WEBINAR,
        summary="A popular webinar: many more people want a place than there are places.",
        status=Event.Status.PUBLISHED,
        format=Event.Format.ONLINE,
        capacity=places,
        audience=Event.Audience.ASSOCIATION_MEMBERS,
        registration_opens_at=now - timedelta(minutes=1),
    )
    event.full_clean()
    event.save()
    starts = now + timedelta(days=14)
    session = Session(
        event=event, starts_at=starts, ends_at=starts + timedelta(hours=1), join_url="https://meet.example.org/r"
    )
    session.full_clean()
    session.save()
    question = RegistrationQuestion(event=event, label="Do you have any accessibility needs?", required=False)
    question.full_clean()
    question.save()
    return event


def check_members_may_register(event, users):
    """Ask the app itself: a refusal in the rush must never be a set-up artefact."""
    from events.eligibility import registration_problem

    problems = {u.email: registration_problem(event, u) for u in users}
    problems = {email: p for email, p in problems.items() if p is not None}
    if problems:
        sys.exit(f"set-up error: {len(problems)} members may not register, e.g. {next(iter(problems.items()))}")


# ---------------------------------------------------------------------------------------------------------------------
# HTTP, as a browser behind the production TLS proxy would send it
# ---------------------------------------------------------------------------------------------------------------------


class Browser:
    """One member's cookies, and requests that carry them (with the proxy's X-Forwarded-Proto)."""

    def __init__(self, host, port, cookies):
        self.host, self.port = host, port
        self.cookies = dict(cookies)

    @property
    def origin(self):
        return f"https://{self.host}:{self.port}"

    def request(self, method, path, body=None, headers=None):
        """Returns (status, headers, body text, seconds from connect to last byte)."""
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "User-Agent": "sigportal-bench-rush",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **(headers or {}),
        }
        started = time.perf_counter()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        for header in response.msg.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["max-age"] != "0":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)
        return response.status, response.msg, text, elapsed


class RegistrationFormParser(HTMLParser):
    """The registration form on the event page: its action and what a browser would submit."""

    def __init__(self):
        super().__init__()
        self.action = None
        self.fields = []  # (name, kind, value)
        self._in_form = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("action") or "").endswith("/register/"):
            self._in_form, self.action = True, attrs["action"]
        elif self._in_form and tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind == "checkbox":
                self.fields.append((attrs["name"], kind, attrs.get("value", "on")))
            elif kind not in {"submit", "button"}:
                self.fields.append((attrs["name"], kind, attrs.get("value", "")))
        elif self._in_form and tag == "textarea" and attrs.get("name"):
            self.fields.append((attrs["name"], "textarea", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False


def filled_in(fields):
    """The form as a member sends it: every box ticked (each session confirmed), each question answered."""
    data = []
    for name, kind, value in fields:
        data.append((name, ANSWER if kind == "textarea" else value))
    return urllib.parse.urlencode(data)


ALERT = re.compile(r'<div class="alert[^"]*"[^>]*role="alert">(.*?)<button', re.S)
POSITION = re.compile(r"waiting list in position (\d+)")


def page_message(html):
    """The flash messages shown at the top of the page (base.html's messages block), as text."""
    block = html.split('<div class="messages"', 1)
    if len(block) < 2:
        return ""
    return " | ".join(html_lib.unescape(re.sub(r"\s+", " ", m).strip()) for m in ALERT.findall(block[1]))


# ---------------------------------------------------------------------------------------------------------------------
# One rush
# ---------------------------------------------------------------------------------------------------------------------


def prepare(browsers, event_path):
    """Each member opens the event page (gets its csrftoken) and the script reads the form from it."""

    def open_page(browser):
        status, _, html, _ = browser.request("GET", event_path)
        parser = RegistrationFormParser()
        parser.feed(html)
        if status != 200 or parser.action is None:
            return f"event page answered {status} without a registration form"
        browser.form_action = parser.action
        browser.form_body = filled_in(parser.fields)
        return None

    with ThreadPoolExecutor(max_workers=8) as pool:
        problems = [p for p in pool.map(open_page, browsers) if p]
    if problems:
        sys.exit(f"set-up error: {len(problems)} members saw no form, e.g. {problems[0]}")
    check_guards(browsers[0], event_path)
    print("  guard passed: a POST without the CSRF token is refused (the server logs it as Forbidden)", flush=True)


def check_guards(browser, event_path):
    """The rush passes the real checks, not a switched-off one: without the CSRF token the POST is refused
    (403), and without the session it goes to the log-in page. Neither registers anybody."""
    from django.conf import settings

    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": browser.origin,
        "Referer": browser.origin + event_path,
    }
    without_token = urllib.parse.urlencode(
        [(k, v) for k, v in urllib.parse.parse_qsl(browser.form_body) if k != "csrfmiddlewaretoken"]
    )
    forged = Browser(browser.host, browser.port, browser.cookies)
    status, _, _, _ = forged.request("POST", browser.form_action, body=without_token, headers=headers)
    if status != 403:
        sys.exit(f"set-up error: a POST without the CSRF token answered {status}, not 403")
    anonymous = Browser(
        browser.host, browser.port, {k: v for k, v in browser.cookies.items() if k != settings.SESSION_COOKIE_NAME}
    )
    status, headers, _, _ = anonymous.request("POST", browser.form_action, body=browser.form_body, headers=headers)
    if status != 302 or "/login/" not in headers.get("Location", ""):
        sys.exit(f"set-up error: a POST without a session answered {status} {headers.get('Location')}")


class DatabaseWatch(threading.Thread):
    """Samples pg_stat_activity during the rush: how many registrations were inside PostgreSQL at once, and
    how many of them were queued on a lock (the event row). Evidence that the requests really overlapped."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.peak_active = self.peak_waiting = 0

    def run(self):
        from django.db import connection

        sql = (
            "SELECT count(*) FILTER (WHERE state <> 'idle'), count(*) FILTER (WHERE wait_event_type = 'Lock') "
            "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        try:
            with connection.cursor() as cursor:
                while not self.stop.wait(0.01):
                    cursor.execute(sql)
                    active, waiting = cursor.fetchone()
                    self.peak_active = max(self.peak_active, active)
                    self.peak_waiting = max(self.peak_waiting, waiting)
        finally:
            connection.close()


def rush(browsers, event_path):
    """All members POST the form at once; returns per-request results and the wall time."""
    start = threading.Barrier(len(browsers) + 1)
    results = [None] * len(browsers)

    def register(index, browser):
        start.wait()
        try:
            status, headers, _, elapsed = browser.request(
                "POST",
                browser.form_action,
                body=browser.form_body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Origin": browser.origin,
                    "Referer": browser.origin + event_path,
                },
            )
            results[index] = {
                "status": status,
                "location": headers.get("Location", ""),
                "seconds": elapsed,
                "queries": int(headers.get("X-Query-Count", "-1")),
            }
        except Exception as exc:  # noqa: BLE001 - any failure is an error in the report
            results[index] = {"status": None, "location": "", "seconds": None, "error": repr(exc)}

    threads = [threading.Thread(target=register, args=(i, b)) for i, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    watch = DatabaseWatch()
    watch.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    watch.stop.set()
    watch.join()
    return results, wall, watch


def read_messages(browsers, results, event_path):
    """Follow each redirect (with the messages cookie) and read what the member was told."""

    def follow(pair):
        browser, result = pair
        if result["status"] != 302:
            return
        _, _, html, _ = browser.request("GET", result["location"] or event_path)
        result["message"] = page_message(html)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(follow, zip(browsers, results, strict=True)))


def judge(results, event_path):
    """Classify each response: confirmed, waiting (with its position), or an error with a reason."""
    for result in results:
        message = result.get("message", "")
        position = POSITION.search(message)
        if result["status"] is None:
            result["outcome"] = "error: " + result["error"]
        elif result["status"] != 302:
            result["outcome"] = f"error: HTTP {result['status']}"
        elif urllib.parse.urlsplit(result["location"]).path != event_path:
            result["outcome"] = f"error: redirected to {result['location']}"
        elif "You are registered for" in message:
            result["outcome"] = "confirmed"
        elif position:
            result["outcome"] = "waiting"
            result["position"] = int(position.group(1))
        else:
            result["outcome"] = f"error: unexpected message {message[:120]!r}"


def database_view(event, users):
    """Counts and waiting-list positions as the database has them."""
    from events.models import Registration

    registrations = list(Registration.objects.filter(event=event))
    waiting = [r for r in registrations if r.is_waiting]
    return {
        "confirmed": sum(r.is_confirmed for r in registrations),
        "waiting": len(waiting),
        "registrations": len(registrations),
        "positions": {r.user_id: r.waiting_position() for r in waiting},
        "confirmed_users": {r.user_id for r in registrations if r.is_confirmed},
    }


def percentile(values, pct):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def run_once(label, number, users, sessions, host, port, places):
    from django.conf import settings

    event = create_event(number, places)
    check_members_may_register(event, users)
    event_path = event.get_absolute_url()
    browsers = [Browser(host, port, {settings.SESSION_COOKIE_NAME: sessions[u.pk]}) for u in users]
    prepare(browsers, event_path)
    results, wall, watch = rush(browsers, event_path)
    read_messages(browsers, results, event_path)
    judge(results, event_path)
    db = database_view(event, users)

    outcomes = [r["outcome"] for r in results]
    errors = [o for o in outcomes if o.startswith("error")]
    seen_positions = sorted(r["position"] for r in results if r["outcome"] == "waiting")
    db_positions = sorted(db["positions"].values())
    expected_positions = list(range(1, len(users) - places + 1))
    # The message each member saw matches the database: the same people confirmed, the same positions.
    agree = all(
        (r["outcome"] == "confirmed") == (u.pk in db["confirmed_users"])
        and (r["outcome"] != "waiting" or db["positions"].get(u.pk) == r["position"])
        for r, u in zip(results, users, strict=True)
        if not r["outcome"].startswith("error")
    )
    latencies = [r["seconds"] for r in results if r["seconds"] is not None]
    return {
        "label": label,
        "db_confirmed": db["confirmed"],
        "db_waiting": db["waiting"],
        "db_total": db["registrations"],
        "seen_confirmed": outcomes.count("confirmed"),
        "seen_waiting": outcomes.count("waiting"),
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "db_positions_ok": db_positions == expected_positions,
        "seen_positions_ok": seen_positions == expected_positions,
        "agree": agree,
        "p50": percentile(latencies, 50) if latencies else float("nan"),
        "p95": percentile(latencies, 95) if latencies else float("nan"),
        "max": max(latencies) if latencies else float("nan"),
        "wall": wall,
        "queries": percentile([r["queries"] for r in results if r.get("queries", -1) >= 0] or [-1], 50),
        "peak_active": watch.peak_active,
        "peak_lock_waits": watch.peak_waiting,
    }


def passed(row, people, places):
    return (
        row["db_confirmed"] == places
        and row["db_waiting"] == people - places
        and row["seen_confirmed"] == places
        and row["seen_waiting"] == people - places
        and row["errors"] == 0
        and row["db_positions_ok"]
        and row["seen_positions_ok"]
        and row["agree"]
    )


def print_table(rows, config, args):
    people, places = args.people, args.places
    print()
    print(f"Registration rush: {people} members, {places} places, one POST each, all released at once")
    print(f"server : {config}")
    print(f"machine: {common.machine()}")
    header = (
        f"{'run':<10} {'confirmed':>9} {'waiting':>9} {'seen c/w':>9} {'errors':>6} {'positions':>9} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'max ms':>7} {'wall s':>6} {'queries':>7} {'in db':>5} {'locked':>6}  result"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        positions = "ok" if row["db_positions_ok"] and row["seen_positions_ok"] else "WRONG"
        result = "PASS" if passed(row, people, places) else "FAIL"
        if row["label"].startswith("control"):
            result = "oversold" if row["db_confirmed"] > places else "did not oversell"
        print(
            f"{row['label']:<10} {row['db_confirmed']:>9} {row['db_waiting']:>9} "
            f"{row['seen_confirmed']:>4}/{row['seen_waiting']:<4} {row['errors']:>6} {positions:>9} "
            f"{row['p50'] * 1000:>7.0f} {row['p95'] * 1000:>7.0f} {row['max'] * 1000:>7.0f} "
            f"{row['wall']:>6.2f} {row['queries']:>7} {row['peak_active']:>5} {row['peak_lock_waits']:>6}  {result}"
        )
        for kind in row["error_kinds"][:5]:
            print(f"{'':<10} {kind}")
        if not row["agree"]:
            print(f"{'':<10} the messages members saw disagree with the database")
    print()
    print("confirmed/waiting: from the database; seen c/w: what the pages told the members after the redirect;")
    print("positions: waiting-list positions are 1..N without gap or duplicate, in the database and as seen;")
    print("latency: one POST, connect to last byte, measured by the client (which shares the machine);")
    print("queries: SQL queries per POST (median, X-Query-Count); in db / locked: the most registrations seen at once")
    print("inside PostgreSQL / waiting there for a lock (pg_stat_activity sampled every 10 ms during the rush).")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", default="bench_rush", help="PostgreSQL database to drop and recreate (bench_rush)")
    parser.add_argument(
        "--redis", default="redis://127.0.0.1:6379/14", help="Redis for cache and broker (flushed first)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="rushes to run, each on a fresh event (1)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (4)")
    parser.add_argument("--threads", type=int, default=8, help="gthread threads per worker (8)")
    parser.add_argument("--people", type=int, default=PEOPLE, help=f"members registering at once ({PEOPLE})")
    parser.add_argument("--places", type=int, default=PLACES, help=f"places at the event ({PLACES})")
    parser.add_argument(
        "--control", action="store_true", help="also run once with the event row lock off, to show the oversell"
    )
    args = parser.parse_args()

    port = common.free_port()
    static_root = tempfile.mkdtemp(prefix="bench-rush-static-")
    try:
        rows = run_all(args, port, static_root)
    finally:
        shutil.rmtree(static_root, ignore_errors=True)
    print_table(rows, f"gunicorn gthread, {args.workers} workers x {args.threads} threads; PostgreSQL", args)
    ok = all(passed(r, args.people, args.places) for r in rows if not r["label"].startswith("control"))
    control_ok = all(r["db_confirmed"] > args.places for r in rows if r["label"].startswith("control"))
    if not ok:
        waiting = args.people - args.places
        print(f"FAIL: every rush must give exactly {args.places} confirmed, {waiting} waiting, 0 errors")
    if not control_ok:
        print("FAIL: the control did not oversell, so this race may not be tight enough to prove the lock matters")
    sys.exit(0 if ok and control_ok else 1)


def run_all(args, port, static_root):
    env = common.production_env(args.db, port, static_root, REDIS_URL=args.redis)
    print(f"database {args.db}: drop, create, migrate; collect static files", flush=True)
    common.create_database(args.db, drop=True)
    common.manage(env, "migrate", "--no-input", "-v", "0")
    common.manage(env, "collectstatic", "--no-input", "-v", "0")
    common.django_setup(env)
    import redis

    redis.Redis.from_url(args.redis).flushdb()

    users = create_members(args.people)
    sessions = common.login_sessions(users)
    from django.db import connections

    connections.close_all()  # the server's workers must not wait on anything this process holds
    print(f"{len(users)} members with verified email, association membership, accepted principles", flush=True)

    rows = []
    with common.gunicorn(env, port, workers=args.workers, threads=args.threads):
        for i in range(args.repeat):
            print(f"rush {i + 1}/{args.repeat}", flush=True)
            rows.append(run_once(f"rush {i + 1}", i + 1, users, sessions, "127.0.0.1", port, args.places))
            connections.close_all()
    if args.control:
        with common.gunicorn(
            env, port, workers=args.workers, threads=args.threads, app="bench.rush_control_wsgi:application"
        ):
            print("control: the same rush with the event row lock switched off", flush=True)
            rows.append(run_once("control", args.repeat + 1, users, sessions, "127.0.0.1", port, args.places))
            connections.close_all()

    return rows


if __name__ == "__main__":
    main()
