"""Browser tests: Debian's Chromium driven by Playwright (no browser download)."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls of
# fixtures around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _unavailable():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return "Debian's chromium is not installed (make e2e-deps, as root)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (make install)"
    return None


@pytest.fixture(scope="session")
def browser():
    reason = _unavailable()
    if reason:
        if os.environ.get("CONTRATPRO_REQUIRE_BROWSER") == "1":
            pytest.fail(f"browser tests are required here but cannot run: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under var/screenshots/ for a human to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def _shot(page, name):
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return _shot


PASSWORD = "contratpro-demo"


@pytest.fixture
def demo(transactional_db):
    """The demo data (manage.py demo), in a database the live server sees."""
    import io

    from django.core.management import call_command

    call_command("demo", stdout=io.StringIO())


@pytest.fixture
def sign_in(live_server):
    """Sign ``username`` in through the login form, as a person would."""

    def _sign_in(page, username):
        page.goto(f"{live_server.url}/connexion/")
        page.get_by_label("Nom d’utilisateur").or_(page.get_by_label("Nom d'utilisateur")).fill(username)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()

    return _sign_in
