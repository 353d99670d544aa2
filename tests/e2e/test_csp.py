"""Issue 11, Headers: each role's main pages work in Chromium under the
portal's Content-Security-Policy and the browser reports no violation (no
``securitypolicyviolation`` event, no console error or warning about the
policy), while the page is used: Bootstrap's menu opened on a phone, a
dossier's parts switched, an htmx request swapped in, a company person's
personal link followed to the convention's signing page. Screenshots at
1366 px and 390 px: var/screenshots/csp-<who>-<page>-<width>.png."""

import pytest
from django.urls import reverse

from contratpro import roles
from contratpro.models import User
from conventions.convention import services as convention
from conventions.links import services as links
from conventions.links.models import ExternalLink
from conventions.models import Dossier, DossierStep, Signature, StepState

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def a_dossier(login):
    """The demo's complete dossier (Léa Fontaine, « eleve »), or the first
    the login sees."""
    user = User.objects.get(username=login)
    dossier = roles.dossiers_for(user).filter(student__user__username="eleve").first()
    dossier = dossier or roles.dossiers_for(user).order_by("pk").first()
    return reverse("conventions:dossier-detail", args=[dossier.pk])


def todo(login):
    return reverse("conventions:todo")


# Each role's main pages: (login, page name, path or a function of the login).
PAGES = [
    (None, "connexion", "/connexion/"),
    ("bureau", "a-faire", todo),
    ("bureau", "dossiers", "/dossiers/"),
    ("bureau", "dossier", a_dossier),
    ("eleve", "mon-dossier", "/mon-dossier/"),
    ("eleve", "mon-eligibilite", "/mon-eligibilite/"),
    ("resp2ia", "a-faire", todo),
    ("resp2ia", "dossier", a_dossier),
    ("tuteur", "a-faire", todo),
    ("tuteur", "dossier", a_dossier),
    ("direction", "a-faire", todo),
    ("social", "a-faire", todo),
    ("scolarite", "a-faire", todo),
    ("enseignant", "accueil", "/"),
]
LOGINS = list(dict.fromkeys(login for login, _name, _path in PAGES))


def switch_parts(page):
    """On a dossier's page, open each of its parts by its link: the script
    (static/js/dossier-sections.js) ran, the last part opened is shown and
    the first one hidden."""
    nav_links = page.locator(".dossier-nav a.nav-link")
    count = nav_links.count()
    for index in range(count):
        nav_links.nth(index).click()
    if count >= 2:
        first, last = (nav_links.nth(i).get_attribute("href") for i in (0, count - 1))
        assert page.locator(last).is_visible(), f"the part {last} did not open"
        assert not page.locator(first).is_visible(), f"the part {first} stays open: dossier-sections.js did not run"
        nav_links.nth(0).click()
    return count


def open_phone_menu(page):
    """At 390 px, Bootstrap's collapse opens the navigation menu (it sets
    the menu's height through the CSSOM, which the policy allows)."""
    toggler = page.locator(".navbar-toggler")
    if not toggler.count():
        return False
    toggler.click()
    page.locator("#nav-main.show").wait_for()
    # The person's menu (« Mon compte », « Mon agenda », the sign-out) opens too.
    person = page.locator("#nav-main .portal-user")
    person.click()
    assert page.locator("#nav-main").get_by_role("button", name="Se déconnecter").is_visible()
    person.click()
    toggler.click()
    page.locator("#nav-main:not(.show):not(.collapsing)").wait_for(state="attached")
    return True


def visit(page, watch, site_url, login, screenshot):
    """The login's pages at 1366 px and 390 px, used a little; what the
    watch reports is prefixed with the page's name."""
    for who, name, url in PAGES:
        if who != login:
            continue
        path = url(login) if callable(url) else url
        label = f"{login or 'anonyme'} {name} ({path})"
        start = len(watch.problems)
        page.set_viewport_size(DESKTOP)
        response = page.goto(site_url + path)
        assert response.ok, f"{label}: {response.status}"
        assert "content-security-policy" in page.context.request.get(site_url + path).headers, f"{label}: no CSP"
        if name in ("dossier", "mon-dossier"):
            assert switch_parts(page) >= 2, f"{label}: the dossier's parts switcher is missing"
        screenshot(page, f"csp-{login or 'anonyme'}-{name}-1366")
        page.set_viewport_size(PHONE)
        open_phone_menu(page)
        screenshot(page, f"csp-{login or 'anonyme'}-{name}-390")
        watch.settle(page)
        watch.problems[start:] = [f"{label}: {line}" for line in watch.problems[start:]]


@pytest.mark.parametrize("login", LOGINS, ids=[login or "anonyme" for login in LOGINS])
def test_issue_11_headers_no_csp_violation_on_each_roles_main_pages(browser, shared_demo, login, csp_watch, screenshot):
    """Issue 11, Headers: on each role's main pages, at 1366 px and 390 px,
    with the phone's menu opened and a dossier's parts switched, Chromium
    reports no CSP violation, neither as an event nor in the console."""
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    watch = csp_watch(context)
    try:
        page = context.new_page()
        if login:
            shared_demo.sign_in(page, login)
        visit(page, watch, shared_demo.url, login, screenshot)
    finally:
        context.close()
    assert not watch.problems, "CSP violations:\n" + "\n".join(watch.problems)


@pytest.mark.django_db(transaction=True)
def test_issue_11_headers_htmx_swaps_and_personal_links_without_csp_violation(
    browser, live_server, demo, sign_in, csp_watch, screenshot
):
    """Issue 11, Headers: htmx's requests work and swap in place under the
    policy (the office validates a step, sets a line's points), and a
    company person's personal link opens its landing page and the
    convention's signing page, which signs; no CSP violation reported."""
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    watch = csp_watch(context)
    page = context.new_page()
    try:
        sign_in(page, "bureau")
        dossier = Dossier.objects.get(student__user__username="eleve07")  # 5' handed in, late
        page.goto(f"{live_server.url}/dossiers/{dossier.pk}/")
        page.evaluate("window.__marker = 'same page'")
        row = page.locator("#etape-5p")
        row.get_by_role("button", name="Valider").click()
        page.locator("#etape-5p .badge", has_text="Validé").wait_for()
        assert page.evaluate("window.__marker") == "same page"  # swapped in place by htmx
        assert DossierStep.objects.get(dossier=dossier, code="5p").state == StepState.VALIDATED
        # A reopening's (or refusal's) form, opened under its button: 16rem
        # wide at least (a class now, no style attribute).
        page.locator("#s-demarche details > summary").first.click()
        form = page.locator("#s-demarche details[open] form.step-comment-form").first
        assert form.bounding_box()["width"] >= 255, form.bounding_box()  # 16rem
        opened_row = form.locator("xpath=ancestor::tr[1]")
        opened_row.screenshot(path=str(screenshot.folder / "csp-bureau-etape-formulaire-1366.png"))
        page.set_viewport_size(PHONE)
        opened_row.screenshot(path=str(screenshot.folder / "csp-bureau-etape-formulaire-390.png"))
        card, inside = opened_row.bounding_box(), form.bounding_box()
        assert inside["x"] + inside["width"] <= card["x"] + card["width"], "the form leaves its card on a phone"
        page.set_viewport_size(DESKTOP)
        screenshot(page, "csp-bureau-etape-validee-1366")

        # The grading panel: the office sets a line's points, swapped in place.
        page.get_by_role("link", name="Évaluation", exact=True).click()
        select = page.locator("#bareme select.points-select").first
        select.wait_for()
        width = select.bounding_box()["width"]
        assert 60 <= width <= 80, f"the points select is {width} px wide (4.5rem expected)"
        line = select.get_attribute("id")
        choice = select.locator("option").last.get_attribute("value")
        select.select_option(choice)
        select.locator("xpath=ancestor::form").get_by_role("button", name="OK").click()
        page.locator(f"#{line} option[value='{choice}'][selected]").wait_for(state="attached")
        assert page.evaluate("window.__marker") == "same page"
        screenshot(page, "csp-bureau-bareme-1366")
        page.set_viewport_size(PHONE)
        screenshot(page, "csp-bureau-bareme-390")
        page.set_viewport_size(DESKTOP)

        # The dossiers' list and its progress bars.
        page.goto(f"{live_server.url}/dossiers/")
        bar = page.locator("progress.steps-progress").first
        assert bar.bounding_box()["width"] == pytest.approx(80, abs=1)
        screenshot(page, "csp-bureau-dossiers-progress-1366")

        # A company person's personal link: its landing page, then the convention to sign.
        office = User.objects.get(username="bureau")
        target = next(
            d for d in Dossier.objects.filter(signataire__email_confirmed_at__isnull=False).order_by("pk")
            if (latest := convention.convention_latest(d)) is not None
            and not latest.signatures.filter(party=Signature.Party.COMPANY).exists()
        )
        link = links.link_create(dossier=target, contact=target.signataire,
                                 purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office)
        token = links.make_token(link)
        page.context.clear_cookies()
        for width, viewport in (("1366", DESKTOP), ("390", PHONE)):
            page.set_viewport_size(viewport)
            page.goto(live_server.url + reverse("conventions:link-open", args=[token]))
            screenshot(page, f"csp-entreprise-lien-{width}")
            page.goto(live_server.url + reverse("conventions:convention-sign-link", args=[token]))
            screenshot(page, f"csp-entreprise-signature-{width}")
        page.locator("#read").check()
        page.get_by_role("button", name="Je signe au nom de", exact=False).click()
        page.get_by_text("votre signature est enregistrée", exact=False).wait_for()
        screenshot(page, "csp-entreprise-signee-390")
        watch.settle(page)
    finally:
        context.close()
    assert not watch.problems, "CSP violations:\n" + "\n".join(watch.problems)


def test_issue_11_headers_the_csp_watch_sees_a_violation(browser, shared_demo, csp_watch):
    """Issue 11, Headers: the watch is not blind: on a portal page (its CSP
    in force), an inline style and an inline script are reported, as
    events and in the console."""
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    watch = csp_watch(context)
    try:
        page = context.new_page()
        page.goto(shared_demo.url + "/connexion/")
        page.evaluate("""() => {
            document.body.insertAdjacentHTML('beforeend', '<p style="color: red">rouge</p>');
            const script = document.createElement('script');
            script.textContent = 'window.__ran = true';
            document.body.appendChild(script);
        }""")
        problems = watch.settle(page, 300)
        assert not page.evaluate("window.__ran === true")
    finally:
        context.close()
    assert any(line.startswith("violation:") and "style-src" in line for line in problems), problems
    assert any(line.startswith("violation:") and "script-src" in line for line in problems), problems
    assert any(line.startswith("console error:") for line in problems), problems


def test_issue_11_headers_the_admin_works_under_the_csp(browser, shared_demo, csp_watch, screenshot):
    """Issue 11, Headers: the Django admin, which the office may use, works
    under the same policy: its index, a list with the sidebar's filter and
    a list filter, an add form whose calendar opens and fills a date, and
    a person's change form with its two-box group selector; no violation."""
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    watch = csp_watch(context)
    try:
        page = context.new_page()
        shared_demo.sign_in(page, "admin")
        page.goto(shared_demo.url + "/admin/")
        assert page.locator("#content-main .app-students").count(), "not the admin's index"
        page.goto(shared_demo.url + "/admin/students/module/")
        page.locator("#nav-filter").fill("dos")  # nav_sidebar.js hides the other models
        page.locator("#changelist-filter a").nth(1).click()
        page.goto(shared_demo.url + "/admin/students/academicyear/add/")
        date_field = page.locator("input.vDateField").first
        date_field.locator("xpath=following-sibling::span[1]").locator("a").last.click()  # the calendar
        page.locator(".calendarbox:visible td a", has_text="15").first.click()
        assert date_field.input_value(), "the calendar filled no date"
        screenshot(page, "csp-admin-annee-ajout-1366")
        page.goto(shared_demo.url + f"/admin/contratpro/user/{User.objects.get(username='eleve').pk}/change/")
        chosen = page.locator("#id_groups_to option").count()
        page.locator("#id_groups_from").select_option(index=0)  # SelectFilter2.js's two boxes
        page.locator("#id_groups_add").click()
        assert page.locator("#id_groups_to option").count() == chosen + 1
        screenshot(page, "csp-admin-personne-1366")
        watch.settle(page)
    finally:
        context.close()
    assert not watch.problems, "CSP violations:\n" + "\n".join(watch.problems)
