"""
Real-browser tests: Debian's Chromium (/usr/bin/chromium), driven by Playwright's Python driver, against
pytest-django's live server. Never a downloaded browser build.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make between page
# actions are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
# axe-core rules for WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Browser tests need Debian's chromium at {CHROMIUM}: run 'make browser' (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # The machine has no outside network: keep Chromium from trying to reach its own services.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, settings):
    # Links in emails are built from SITE_URL: point it at the live server the browser talks to.
    settings.SITE_URL = live_server.url
    # Reduced motion: Bootstrap's colour transitions off, so axe measures contrast on settled colours (a full-page
    # screenshot moves the layout under the mouse, and a button's hover colours were measured mid-transition).
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, reduced_motion="reduce"
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def axe():
    """Run axe-core on the current page; fail on any serious or critical WCAG 2.2 AA violation."""
    from axe_playwright_python.sync_playwright import Axe

    runner = Axe()

    def check(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        results = runner.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        violations = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
        summary = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in violations
        )
        assert not violations, f"axe found serious violations on {name}:\n{summary}"
        return results

    return check
