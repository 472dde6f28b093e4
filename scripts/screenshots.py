"""
Screenshots of every main page, as a visitor, the demo member, moderator and officer, at 1280 and 390 px wide.

    make screenshots            # or: .venv/bin/python scripts/screenshots.py [--out var/screenshots]

It serves the portal on the embedded defaults (DEBUG, SQLite in a temporary directory, inline tasks, mail to files)
filled by seed_demo, logs in through the real forms (the moderator and officer type the code `manage.py demo_code`
prints, as README says), and saves full-page PNGs as <out>/<account>/<page>-<width>.png. Not part of the test suite:
it is for people to look at. Pages wider than the screen are listed at the end; so are pages that fail to load, with
exit status 1.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "demo-pass-2026"  # members.demo.DEMO_PASSWORD, published in README
WIDTHS = (1280, 390)

VISITOR_PAGES = [
    ("home", "/"),
    ("events", "/events/"),
    ("event-programme", "/events/allyship-in-practice-programme/"),
    ("event-past-with-recording", "/events/past-conference-summer/"),
    ("forums", "/forums/"),
    ("forum-practice", "/forums/practice/"),
    ("topic", "/forums/practice/evaluating-lecture-capture/"),
    ("committee", "/committee/"),
    ("call-open", "/committee/calls/co-chair-and-officer-nominations/"),
    ("call-stv-results", "/committee/calls/officer-nominations-2024/"),
    ("committee-contact", "/committee/contact/"),
    ("directory", "/directory/"),
    ("groups", "/groups/"),
    ("mailing-list", "/mailing-list/"),
    ("digest-archive", "/digest/"),
    ("about", "/about/"),
    ("principles", "/principles/"),
    ("login", "/accounts/login/"),
    ("signup", "/accounts/signup/"),
    ("institutions", "/institutions/"),
    ("credential-check", "/credentials/verify/"),
]
MEMBER_PAGES = [
    ("home", "/"),
    ("my-events", "/events/mine/"),
    ("certificate", "/events/mine/certificate/"),
    ("event-organisation-only", "/events/kestrel-bay-glen-aird-vle-upgrade/"),
    ("event-association-members", "/events/cpd-webinar-digital-accessibility-law/"),
    ("portfolio", "/portfolio/"),
    ("portfolio-add", "/portfolio/entries/add/"),
    ("committee", "/committee/"),
    ("call-open-election", "/committee/calls/events-leads-nominations/"),
    ("ballot", "vote:events-leads-nominations"),
    ("call-nominate", "/committee/calls/co-chair-and-officer-nominations/"),
    ("forums", "/forums/"),
    ("topic-open-forum", "/forums/open-forum/microaggressions-in-course-design-meetings/"),
    ("topic-edited-post", "/forums/practice/evaluating-lecture-capture/"),
    ("directory", "/directory/"),
    ("profile-edit", "/account/profile/"),
    ("membership", "/account/membership/"),
    ("mailing-preferences", "/mailing-list/preferences/"),
    ("your-data", "/account/data/"),
    ("two-factor", "/accounts/2fa/"),
    ("welcome", "/welcome/"),
    ("notifications", "/notifications/"),
    ("notification-settings", "/notifications/settings/"),
    ("credentials", "/credentials/"),
    ("institutional-sign-in", "/institutions/identities/"),
]
MODERATOR_PAGES = [
    ("forums", "/forums/"),
    ("moderation-queue", "/forums/moderation/"),
    ("moderation-log", "/forums/moderation/log/"),
    ("topic-hidden-post", "/forums/practice/quizzes-in-the-vle-that-students-trust/"),
    ("topic-locked", "/forums/accessibility/live-captioning-webinar-questions/"),
    ("topic-pinned", "/forums/announcements/welcome-to-the-new-portal/"),
]
OFFICER_PAGES = [
    ("admin", "/admin/"),
    ("admin-memberships", "/admin/members/associationmembership/"),
    ("admin-nominations", "/admin/committee/nomination/"),
    ("admin-elections", "/admin/committee/election/"),
    ("admin-contact-messages", "/admin/committee/contactmessage/"),
    ("admin-events", "/admin/events/event/"),
    ("admin-subscribers", "/admin/mailing/subscriber/"),
    ("moderation-log", "/forums/moderation/log/"),
    ("committee", "/committee/"),
    ("admin-registrations", "/admin/events/registration/"),
    ("admin-credentials", "/admin/credentials/credential/"),
    ("admin-outbox", "/admin/members/outboxemail/"),
]
ACCOUNTS = [
    ("visitor", None, VISITOR_PAGES),
    ("member", "member@demo.sigportal.test", MEMBER_PAGES),
    ("moderator", "moderator@demo.sigportal.test", MODERATOR_PAGES),
    ("officer", "officer@demo.sigportal.test", OFFICER_PAGES),
]


def portal_env(tmp, port):
    """The embedded defaults, with everything the portal writes kept in `tmp`, and links built for `port`."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CELERY_TASK_ALWAYS_EAGER"}}
    env.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp / 'portal.sqlite3'}",
        MEDIA_ROOT=str(tmp / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp / "private"),
        EMAIL_FILE_PATH=str(tmp / "mail"),
        SITE_URL=f"http://127.0.0.1:{port}",
    )
    return env


def manage(env, *args):
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"The portal stopped while starting (exit status {proc.returncode}).")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The portal did not start on port {port} within {timeout} s.")


def log_in(page, email, env):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    if "/2fa/authenticate" in page.url:
        code = manage(env, "demo_code").split()[0]
        page.locator("input[name=code]").fill(code)
        page.locator("form button[type=submit]").first.click()
        page.wait_for_load_state()
    if "/accounts/login" in page.url or "/2fa/" in page.url:
        raise SystemExit(f"Could not log in as {email} (stopped at {page.url}).")


def resolve(page, path):
    """'vote:<call slug>': the ballot linked from that call's page (its election's id is not known in advance)."""
    if not path.startswith("vote:"):
        return path
    page.goto(f"/committee/calls/{path.split(':', 1)[1]}/")
    link = page.locator('a[href*="/vote/"]').first
    return link.get_attribute("href") if link.count() else None


def shoot(browser, base_url, out, env):
    """Screenshots of every account's pages. Returns (pages that failed to load, pages wider than the screen)."""
    problems, notes = [], []
    for account, email, pages in ACCOUNTS:
        context = browser.new_context(base_url=base_url, viewport={"width": WIDTHS[0], "height": 900})
        context.set_default_timeout(30_000)
        page = context.new_page()
        if email:
            log_in(page, email, env)
        folder = out / account
        folder.mkdir(parents=True, exist_ok=True)
        for name, path in pages:
            url = resolve(page, path)
            if url is None:
                problems.append(f"{account}/{name}: no link to {path}")
                continue
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900 if width > 500 else 844})
                response = page.goto(url)
                status = response.status if response else 0
                if status != 200:
                    problems.append(f"{account}/{name}: {url} answered {status}")
                overflow = page.evaluate("document.documentElement.scrollWidth") - width
                if overflow > 0:
                    notes.append(f"{account}/{name}: {overflow} px wider than the {width} px screen")
                page.screenshot(path=str(folder / f"{name}-{width}.png"), full_page=True)
            print(f"  {account}/{name}", flush=True)
        context.close()
    return problems, notes


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "var" / "screenshots"), help="folder for the PNGs")
    args = parser.parse_args()
    out = Path(args.out)
    if not os.path.exists(CHROMIUM):
        raise SystemExit(f"Screenshots need Debian's chromium at {CHROMIUM}: run 'make browser'.")
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="sigportal-screenshots-") as tmp:
        tmp = Path(tmp)
        port = free_port()
        env = portal_env(tmp, port)
        print("Migrating and loading the demo data into a temporary SQLite database...", flush=True)
        manage(env, "migrate", "--no-input")
        manage(env, "seed_demo")
        server = subprocess.Popen(  # noqa: S603 - our own manage.py with fixed arguments
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp / "server.log", "w"),  # noqa: SIM115 - closed with the directory
        )
        try:
            wait_for_port(port, server)
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM,
                    headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
                )
                try:
                    problems, notes = shoot(browser, f"http://127.0.0.1:{port}", out, env)
                finally:
                    browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"Screenshots are in {out}/<account>/<page>-<width>.png")
    if notes:
        print("Wider than the screen (look at these):\n  " + "\n  ".join(notes))
    if problems:
        print("Failed to load:\n  " + "\n  ".join(problems))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
