"""Browser tests: Debian's Chromium driven by Playwright (no browser download)."""

import io
import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from contratpro.celery import app as celery_app
from tests.conftest import private_storage

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

    _shot.folder = SCREENSHOTS
    return _shot


PASSWORD = "contratpro-demo"


def sign_in_at(page, base_url, username, password=PASSWORD):
    """Sign ``username`` in through the login form, as a person would."""
    page.goto(f"{base_url}/connexion/")
    page.get_by_label("Nom d’utilisateur").or_(page.get_by_label("Nom d'utilisateur")).fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()


def build_demo():
    """``manage.py demo``, its background jobs run in-process."""
    saved = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        call_command("demo", stdout=io.StringIO())
    finally:
        celery_app.conf.task_always_eager = saved


@pytest.fixture
def demo(transactional_db):
    """The demo data for a browser test that writes: built for it alone, in a
    database the live server sees, and flushed at its end."""
    build_demo()


@pytest.fixture
def sign_in(live_server):
    """Sign a user in on pytest-django's live server (tests with their own data)."""

    def _sign_in(page, username, password=PASSWORD):
        sign_in_at(page, live_server.url, username, password)

    return _sign_in


# --- The demo shared by the browser tests that only read --------------------
#
# Building the demo takes seconds; the tests that only look at it share one
# per test session (per xdist worker: each has its own database). It is
# committed before the first of them and flushed when the session ends, so
# until then it is in the database of every test the worker runs: those
# tests are moved to the end of the run (``pytest_collection_modifyitems``
# below; an xdist worker runs its share in collection order), after every
# test that expects empty tables, tests/conventions/test_demo.py's module
# (which builds and flushes its own demo) included.


class DemoSite:
    """The session's demo and the server that shows it."""

    def __init__(self, server):
        self.server = server
        self.url = server.url

    def sign_in(self, page, username):
        sign_in_at(page, self.url, username)

    def dossier_url(self, username):
        """The page of ``username``'s dossier."""
        from conventions.models import Dossier

        return f"{self.url}/dossiers/{Dossier.objects.get(student__user__username=username).pk}/"


@pytest.fixture(scope="session")
def _demo_site(request, django_db_setup, django_db_blocker, tmp_path_factory):
    from pytest_django.live_server_helper import LiveServer

    with django_db_blocker.unblock():
        with private_storage(tmp_path_factory.mktemp("demo-private")):
            build_demo()
        address = (
            request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
        )
        server = LiveServer(address)
    allowed_hosts = server._live_server_modified_settings  # ALLOWED_HOSTS += the server's host
    allowed_hosts.enable()
    yield DemoSite(server)
    allowed_hosts.disable()
    server.stop()
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def shared_demo(request, _demo_site, db):
    """The session's demo, for a browser test that only reads. The test runs
    in a transaction rolled back at its end (``db``): on SQLite the server
    shares the test's connection, so even a sign-in leaves nothing behind.
    A test that flushes (``transaction=True``, ``live_server``) would empty
    the demo for the others: refused."""
    marker = request.node.get_closest_marker("django_db")
    flushes = marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    if flushes or {"live_server", "transactional_db"} & set(request.fixturenames):
        pytest.fail("shared_demo is for tests that only read; a test that writes takes `demo` and `live_server`")
    return _demo_site


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests on the shared demo run last (see above)."""
    shared = [item for item in items if "shared_demo" in getattr(item, "fixturenames", ())]
    items[:] = [item for item in items if item not in shared] + shared


# --- Accessibility and validity checkers -------------------------------------
#
# axe-core and the Nu HTML checker come from the npm registry, installed by
# `make a11y-deps` into var/node/ (no lock file, no package.json); the Nu
# checker runs on Debian's Java (scripts/system-deps). Like the browser, they
# are required in CI (CONTRATPRO_REQUIRE_BROWSER=1) and skipped elsewhere.

NODE_MODULES = Path(__file__).resolve().parents[2] / "var" / "node" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
# What fails a page: axe's two highest impacts ("moderate" and "minor" are advice).
AXE_FAILING_IMPACTS = ("serious", "critical")


def _missing_tool(reason):
    if os.environ.get("CONTRATPRO_REQUIRE_BROWSER") == "1":
        pytest.fail(f"accessibility checks are required here but cannot run: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def axe_check():
    """``axe_check(page, label)``: axe-core's serious and critical violations
    on the page as it is now, one readable line per element (rule, impact,
    target, what axe says), prefixed with ``label``."""
    if not AXE_JS.exists():
        _missing_tool(f"axe-core is not installed ({AXE_JS} missing: make a11y-deps)")

    def _check(page, label):
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated through the DevTools protocol, which the portal's CSP
            # does not govern: add_script_tag inserts an inline <script> that
            # script-src 'self' 'nonce-…' refuses (issue 11, Headers).
            page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;undefined")
        violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
        lines = []
        for violation in violations:
            if violation["impact"] not in AXE_FAILING_IMPACTS:
                continue
            for node in violation["nodes"]:
                target = " ".join(map(str, node["target"]))
                summary = " ".join(node.get("failureSummary", "").split())
                lines.append(
                    f"{label}: [{violation['impact']}] {violation['id']} on {target}"
                    f" — {violation['help']}. {summary} — {node['html'][:160]}"
                )
        return lines

    return _check


@pytest.fixture(scope="session")
def html_check(tmp_path_factory):
    """``html_check({label: html, …})``: the Nu HTML checker's errors, one
    line per error (label, line, message, extract). One Java run checks
    every page given (the JVM's start is the slow part)."""
    import json
    import subprocess

    java = shutil.which("java")
    if java is None:
        _missing_tool("Java is not installed (scripts/system-deps, as root)")
    if not VNU_JAR.exists():
        _missing_tool(f"the Nu HTML checker is not installed ({VNU_JAR} missing: make a11y-deps)")
    folder = tmp_path_factory.mktemp("nu")
    counter = iter(range(1_000_000))

    def _check(pages):
        if not pages:
            return []
        labels = {}
        for label, html in pages.items():
            path = folder / f"page-{next(counter)}.html"
            path.write_text(html, encoding="utf-8")
            labels[str(path.resolve())] = label
        run = subprocess.run(
            [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", *labels],
            capture_output=True, text=True, timeout=180,
        )
        # The report goes to stderr; exit status 1 only says "errors found".
        report = json.loads(run.stderr or run.stdout)
        lines = []
        for message in report["messages"]:
            url = message.get("url", "?")  # "file:/tmp/…/page-3.html"
            label = labels.get(url.removeprefix("file:"), url)
            where = f"line {message['lastLine']}" if "lastLine" in message else "document"
            extract = " ".join(message.get("extract", "").split())[:120]
            lines.append(f"{label}: {where}: {message['message']} — « {extract} »")
        return lines

    return _check


# --- Content-Security-Policy violations (issue 11, Headers) ------------------

CSP_LISTENER = """
document.addEventListener('securitypolicyviolation', (event) => {
  const report = [
    event.effectiveDirective || event.violatedDirective, 'blocked ' + (event.blockedURI || '?'),
    'sample « ' + (event.sample || '').slice(0, 80) + ' »',
    (event.sourceFile || location.href) + ':' + (event.lineNumber || 0),
  ].join(', ');
  if (window.__cspViolation) window.__cspViolation(location.pathname + ': ' + report);
}, true);
"""
CSP_CONSOLE_WORDS = ("Content Security Policy", "Refused to")


class CspWatch:
    """What a browser context's pages report about the CSP: every
    ``securitypolicyviolation`` event (listened to from an init script,
    which the policy does not govern) and every console error or warning
    that mentions it. ``problems`` is the list, one readable line each."""

    def __init__(self, context):
        self.problems = []
        context.expose_function("__cspViolation", lambda line: self.problems.append(f"violation: {line}"))
        context.add_init_script(script=CSP_LISTENER)
        context.on("console", self._console)  # every page of the context

    def _console(self, message):
        if message.type in ("error", "warning") and any(word in message.text for word in CSP_CONSOLE_WORDS):
            self.problems.append(f"console {message.type}: {message.text[:300]}")

    def settle(self, page, milliseconds=150):
        """Let the events of what just happened on ``page`` arrive."""
        page.wait_for_load_state()
        page.wait_for_timeout(milliseconds)
        return list(self.problems)


@pytest.fixture
def csp_watch():
    """``csp_watch(context)``: a ``CspWatch`` on that browser context."""
    return CspWatch
