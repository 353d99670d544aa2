"""Each role's main pages in Chromium, on the shared demo (ROLE-1…8):
axe-core finds no serious or critical violation, the Nu HTML checker no
error, and nothing scrolls sideways on a 390 px phone. Screenshots at
1366 px and 390 px land in var/screenshots/a11y-<role>-<page>-<width>.png.

PAGES is the table to extend: (login or None, page name, path or a
function of the login returning the path, or None to skip it). A function
runs in the test, with the database, after the sign-in."""

import datetime
import re

import pytest
from django.urls import reverse

from contratpro import roles
from contratpro.models import User

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def _user(login):
    return User.objects.get(username=login)


def home(login):
    """Wherever ``/`` sends this login."""
    return "/"


def a_dossier(login):
    """The page of the demo's complete dossier (Léa Fontaine, 2IA, tutored
    by « tuteur »), which every role but a student of another dossier sees."""
    dossier = roles.dossiers_for(_user(login)).filter(student__user__username="eleve").first()
    dossier = dossier or roles.dossiers_for(_user(login)).order_by("pk").first()
    return reverse("conventions:dossier-detail", args=[dossier.pk])


def a_student(login):
    student = roles.students_for(_user(login)).filter(user__username="eleve").first()
    return reverse("students:student-detail", args=[student.pk])


def student_facts(login):
    student = roles.students_for(_user(login)).filter(user__username="eleve").first()
    return reverse("students:student-facts", args=[student.pk])


def cerfa(login):
    return a_dossier(login) + "cerfa/"


def personal_link(login):
    """The landing page of a personal link still open in the demo, or, when
    none is, the page of a refused link."""
    from conventions.links import services as links
    from conventions.links.models import ExternalLink

    for link in ExternalLink.objects.select_related("dossier", "contact").order_by("pk"):
        if roles.link_problem(link, purpose=ExternalLink.Purpose.values) is None:
            return reverse("conventions:link-open", args=[links.make_token(link)])
    return reverse("conventions:link-open", args=["lien-modifie"])


def missing_page(login):
    return "/dossiers/999999999/"


def todo(login):
    """The login's « À faire », once the route exists (None: skipped)."""
    from django.urls import NoReverseMatch

    try:
        return reverse("conventions:todo")
    except NoReverseMatch:
        return None


def a_person(login):
    """The office's page of the demo's invited teacher (AUTH-1)."""
    from contratpro.accounts import demo as accounts_demo

    return reverse("accounts:person-detail", args=[_user(accounts_demo.INVITED[0]).pk])


def a_session_to_sign(login):
    """The page where the teacher ticks and signs: their latest session
    that has begun and is not signed yet (ATT-1), else their first one."""
    from attendance.models import Session

    sessions = Session.objects.filter(teacher=_user(login))
    unsigned = sessions.filter(signature__isnull=True, date__lte=datetime.date.today()).order_by("-date", "-start")
    session = unsigned.first() or sessions.order_by("date", "start").first()
    return reverse("attendance:session-detail", args=[session.pk])


def a_certificate_check(login):
    """The public verification page of a demo certificate (CERT-2)."""
    from attendance.models import Certificate

    certificate = Certificate.objects.order_by("pk").first()
    return reverse("attendance:certificate-verify", args=[certificate.code]) if certificate else None


def a_batch(login):
    """The progress page of a certificates' batch, when the demo has one."""
    from attendance.models import CertificateBatch

    batch = CertificateBatch.objects.order_by("pk").first()
    return reverse("attendance:certificate-batch", args=[batch.pk]) if batch else None


def own_dossier_page(name):
    """A page of the student's own dossier (``attendance:<name>``)."""

    def path(login):
        dossier = roles.dossiers_for(_user(login)).order_by("pk").first()
        return reverse(f"attendance:{name}", args=[dossier.pk])

    path.__name__ = name
    return path


def an_absence_to_decide(login):
    """The head's page of an exceptional absence request (ABS-2)."""
    from attendance.models import ExceptionalAbsence

    request = ExceptionalAbsence.objects.filter(dossier__student__user__username="eleve").order_by("pk").first()
    return reverse("attendance:absence-detail", args=[request.pk]) if request else None


def an_appraisal_link(login):
    """The company tutor's fiche « Avant PFE » reached by the demo's personal link (ROLE-5)."""
    from conventions.links import services as links
    from conventions.links.models import ExternalLink

    for link in ExternalLink.objects.filter(purpose=ExternalLink.Purpose.APPRAISAL).order_by("pk"):
        if roles.link_problem(link, purpose=ExternalLink.Purpose.APPRAISAL) is None:
            return reverse("grading:appraisal-link", args=[links.make_token(link)])
    return None


def an_appraisal(login):
    """The read-only fiche the company tutor filled, for the tuteur école (ROLE-4)."""
    from grading.models import Appraisal

    appraisal = Appraisal.objects.filter(dossier__in=roles.dossiers_for(_user(login))).order_by("pk").first()
    return reverse("grading:appraisal-detail", args=[appraisal.dossier_id]) if appraisal else None


def an_invoice(login):
    """The office's page of the demo's first issued invoice (BILL-1), else
    of its first draft: before the S9's billing day (BILL-2) the demo has
    drafts only, whose « Émettre » is disabled with the day it opens."""
    from conventions.models import Invoice

    invoice = Invoice.objects.order_by("number", "pk").first()
    return reverse("conventions:invoice-detail", args=[invoice.pk]) if invoice else None


def a_dossier_billing(login):
    """A dossier's billing page: its agreement and its invoices (BILL-3, BILL-5)."""
    from conventions.models import Invoice

    invoice = Invoice.objects.order_by("pk").first()
    return reverse("conventions:dossier-billing", args=[invoice.dossier_id]) if invoice else None


def a_dossier_opco(login):
    """The office's record of a contract's deposit with its OPCO (NOTIF-3)."""
    dossier = roles.dossiers_for(_user(login)).filter(start_date__isnull=False).order_by("pk").first()
    return reverse("conventions:opco-deposit", args=[dossier.pk]) if dossier else None


def report_hand_in(login):
    """The student's one form for step A: the report and its four parts (EVAL-2)."""
    dossier = roles.dossiers_for(_user(login)).order_by("pk").first()
    return reverse("grading:s9-report-hand-in", args=[dossier.pk])


PAGES = [
    (None, "connexion", "/connexion/"),
    (None, "lien-personnel", personal_link),
    (None, "lien-refuse", "/lien/lien-modifie/"),
    (None, "mot-de-passe-oublie", "/mot-de-passe/oublie/"),
    (None, "invitation-refusee", "/invitation/lien-modifie/"),
    (None, "verifier-certificat", "/verifier/"),
    (None, "certificat-verifie", a_certificate_check),
    (None, "certificat-inconnu", "/verifier/ABCD-EFGH-JKMN/"),
    (None, "fiche-evaluation-tuteur", an_appraisal_link),
    ("bureau", "accueil", home),
    ("bureau", "a-faire", todo),
    ("bureau", "dossiers", "/dossiers/"),
    ("bureau", "dossier", a_dossier),
    ("bureau", "eleves", "/eleves/"),
    ("bureau", "eleve", a_student),
    ("bureau", "situation", student_facts),
    ("bureau", "import", "/eleves/import/"),
    ("bureau", "entreprises", "/entreprises/a-verifier/"),
    ("bureau", "cerfa", cerfa),
    ("bureau", "cerfa-modele", "/cerfa/modele/"),
    ("bureau", "introuvable", missing_page),
    ("bureau", "personnes", "/personnes/"),
    ("bureau", "personne", a_person),
    ("bureau", "personne-nouvelle", "/personnes/nouvelle/"),
    ("bureau", "import-personnel", "/personnes/import/"),
    ("bureau", "connexions-bloquees", "/connexions-bloquees/"),
    ("bureau", "ecole", "/ecole/"),
    ("bureau", "seances", "/seances/"),
    ("bureau", "import-seances", "/seances/import/"),
    ("bureau", "carnets", "/carnets/"),
    ("bureau", "certificats", "/certificats/"),
    ("bureau", "lot-certificats", a_batch),
    ("bureau", "absences", "/absences/"),
    ("bureau", "factures", "/factures/"),
    ("bureau", "facture", an_invoice),
    ("bureau", "facturation-dossier", a_dossier_billing),
    ("bureau", "relances", "/relances/"),
    ("bureau", "notes-scolarite", "/notes/scolarite/"),
    ("bureau", "notifications", "/notifications/"),
    ("bureau", "recapitulatif", "/recapitulatif/"),
    ("bureau", "textes-des-mails", "/textes-des-mails/"),
    ("bureau", "texte-de-mail", "/textes-des-mails/reminders.deadline/"),
    ("bureau", "agenda", "/agenda/"),
    ("bureau", "depot-opco", a_dossier_opco),
    ("resp2ia", "accueil", home),
    ("resp2ia", "a-faire", todo),
    ("resp2ia", "dossier", a_dossier),
    ("resp2ia", "eleves", "/eleves/"),
    ("resp2ia", "eleve", a_student),
    ("resp2ia", "interdit", "/eleves/import/"),
    ("resp2ia", "absences-a-decider", "/absences/demandes/"),
    ("resp2ia", "tuteurs-a-nommer", "/tuteurs/"),
    ("resp2ia", "absence", an_absence_to_decide),
    ("resp2ia", "notes", "/notes/scolarite/"),
    ("resp2ia", "notifications", "/notifications/"),
    ("resp2ia", "recapitulatif", "/recapitulatif/"),
    ("resp2ia", "agenda", "/agenda/"),
    ("tuteur", "accueil", home),
    ("tuteur", "a-faire", todo),
    ("tuteur", "dossier", a_dossier),
    ("tuteur", "notes-s9", "/s9/"),
    ("tuteur", "fiche-evaluation", an_appraisal),
    ("tuteur", "notifications", "/notifications/"),
    ("eleve", "accueil", home),
    ("eleve", "mon-eligibilite", "/mon-eligibilite/"),
    ("eleve", "mon-compte", "/mon-compte/"),
    ("eleve", "mon-carnet", "/mon-carnet/"),
    ("eleve", "mes-absences", "/mes-absences/"),
    ("eleve", "declarer-arret", own_dossier_page("sick-leave-declare")),
    ("eleve", "demander-absence", own_dossier_page("absence-request")),
    ("eleve", "incidents", own_dossier_page("incident-report")),
    ("eleve", "notifications", "/notifications/"),
    ("eleve", "agenda", "/agenda/"),
    ("eleve03", "remise-rapport", report_hand_in),
    ("direction", "accueil", home),
    ("direction", "a-faire", todo),
    ("direction", "dossier", a_dossier),
    ("direction", "notifications", "/notifications/"),
    ("social", "accueil", home),
    ("social", "notifications", "/notifications/"),
    ("social", "a-faire", todo),
    ("social", "dossier", a_dossier),
    ("scolarite", "accueil", home),
    ("scolarite", "a-faire", todo),
    ("scolarite", "dossier", a_dossier),
    ("scolarite", "notes", "/notes/scolarite/"),
    ("enseignant", "accueil", home),
    ("enseignant", "seance", a_session_to_sign),
]
LOGINS = list(dict.fromkeys(login for login, _name, _url in PAGES))


def overflow(page):
    """How many CSS pixels the page is wider than the window (0 when it fits),
    and the widest elements past the right edge, for the message."""
    return page.evaluate(
        """() => {
          const extra = document.documentElement.scrollWidth - window.innerWidth;
          if (extra <= 0) return [0, []];
          const culprits = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .filter(e => !e.parentElement || e.parentElement.getBoundingClientRect().right <= window.innerWidth + 1)
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                      + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                      + ' (' + Math.round(e.getBoundingClientRect().right) + ' px)');
          return [extra, culprits];
        }"""
    )


def check_pages(browser, site, login, axe_check, html_check, screenshot):
    """Visit ``login``'s pages at both widths; the problems found, by kind."""
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP)
    problems = {"axe": [], "nu": [], "scroll": []}
    sources = {}
    try:
        page = context.new_page()
        if login:
            site.sign_in(page, login)
        for who, name, url in PAGES:
            if who != login:
                continue
            path = url(login) if callable(url) else url
            if path is None:
                continue
            label = f"{login or 'anonyme'} {name} ({path})"
            page.set_viewport_size(DESKTOP)
            page.goto(site.url + path)
            page.wait_for_load_state()
            problems["axe"] += axe_check(page, f"{label} 1366 px")
            screenshot(page, f"a11y-{login or 'anonyme'}-{name}-1366")
            page.set_viewport_size(PHONE)
            extra, culprits = overflow(page)
            if extra > 0:
                problems["scroll"].append(f"{label}: {extra} px too wide at 390 px: {', '.join(culprits)}")
            problems["axe"] += axe_check(page, f"{label} 390 px")
            screenshot(page, f"a11y-{login or 'anonyme'}-{name}-390")
            toggler = page.locator(".navbar-toggler")
            if name == "accueil" and toggler.count():
                # The phone's menu, open: its links, the name and the sign-out fit too.
                toggler.click()
                page.locator("#nav-main.show").wait_for()
                extra, culprits = overflow(page)
                if extra > 0:
                    problems["scroll"].append(f"{label}, menu open: {extra} px too wide at 390 px: {', '.join(culprits)}")
                problems["axe"] += axe_check(page, f"{label} 390 px, menu open")
                page.screenshot(path=str(screenshot.folder / f"a11y-{login}-menu-390.png"))
            # The HTML as the server sent it, with the same session cookie.
            sources[label] = context.request.get(site.url + path).text()
        problems["nu"] = html_check(sources)
    finally:
        context.close()
    return problems


@pytest.mark.parametrize("login", LOGINS, ids=[login or "anonyme" for login in LOGINS])
def test_role_1_to_8_main_pages_accessible_valid_and_fit_a_phone(
    browser, shared_demo, login, axe_check, html_check, screenshot
):
    """ROLE-1…8: on each role's main pages (and the pages without an
    account), axe-core finds no serious or critical violation at 1366 px
    nor at 390 px, the Nu HTML checker finds no error, and at 390 px the
    page is no wider than the window."""
    problems = check_pages(browser, shared_demo, login, axe_check, html_check, screenshot)
    report = "\n".join(
        f"{title} ({len(problems[kind])}):\n  " + "\n  ".join(problems[kind])
        for kind, title in (("axe", "axe-core, serious or critical"), ("nu", "Nu HTML checker errors"),
                            ("scroll", "horizontal scroll at 390 px"))
        if problems[kind]
    )
    assert not report, report


def test_axe_check_reports_a_serious_violation(page, axe_check):
    """The axe check is not blind: a grey-on-white paragraph and an image
    without text alternative are reported, with their rule ids."""
    page.set_content(
        '<!doctype html><html lang="fr"><head><title>t</title></head><body><main>'
        '<p style="color:#bbb;background:#fff">Texte pâle</p><img src="data:," >'
        "</main></body></html>"
    )
    lines = axe_check(page, "essai")
    assert any("color-contrast" in line for line in lines), lines
    assert any("image-alt" in line for line in lines), lines


def test_html_check_reports_errors_of_each_page(html_check):
    """The Nu check is not blind: a bare hx-* attribute and a stray end tag
    are reported, each with its page's label; a valid page gives nothing."""
    valid = '<!doctype html><html lang="fr"><head><title>t</title></head><body><p>ok</p></body></html>'
    invalid = valid.replace("<p>ok</p>", '<div hx-get="/x">x</div></p>')
    lines = html_check({"bonne": valid, "mauvaise": invalid})
    assert lines and all(line.startswith("mauvaise: ") for line in lines), lines
    assert any("hx-get" in line for line in lines), lines


def test_error_pages_are_valid_html(rf, office, html_check):
    """CONTACT-1: the 500 page, its bare fallback and the expired-form page
    pass the Nu HTML checker (they are not reached by browsing the demo)."""
    from contratpro import errors

    request = rf.get("/")
    request.user = office
    pages = {
        "500": errors.handler500(request).content.decode(),
        "500 sans gabarit": errors._bare_page("contrats-pro@mines-ales.fr"),
        "formulaire expiré": errors.csrf_failure(request).content.decode(),
    }
    problems = html_check(pages)
    assert not problems, "\n".join(problems)


def render_base(user, path, **context):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get(path)
    request.user = user
    return render_to_string("base.html", context, request=request)


def test_role_2_nav_todo_link_comes_first_with_its_count(office):
    """ROLE-2: with ``nav_todo_url`` and ``nav_todo_count`` in the context,
    the navigation's first item is « À faire » with the number, said in
    full to screen readers, and marked current on that page only."""
    elsewhere = render_base(office, "/dossiers/", nav_todo_url="/a-faire/", nav_todo_count=3)
    first_item = re.search(r'<ul class="navbar-nav[^"]*">\s*(?:\{#.*?#\}\s*)?<li class="nav-item">(.*?)</li>',
                           elsewhere, re.S).group(1)
    assert 'href="/a-faire/"' in first_item and "À faire" in first_item
    assert re.search(r'<span class="badge[^"]*">3<span class="visually-hidden"> éléments</span></span>', first_item)
    assert "aria-current" not in first_item
    here = render_base(office, "/a-faire/", nav_todo_url="/a-faire/", nav_todo_count=1)
    assert re.search(r'<a class="nav-link[^"]* active" href="/a-faire/" aria-current="page">À faire <span class="badge'
                     r'[^"]*">1<span class="visually-hidden"> élément</span>', here)


def test_role_2_nav_todo_renders_nothing_without_a_queue(office):
    """ROLE-2: no « À faire » item while ``nav_todo_url`` is absent or None;
    no badge when there is nothing to count."""
    assert "À faire" not in render_base(office, "/dossiers/", nav_todo_url=None, nav_todo_count=0)
    empty = render_base(office, "/dossiers/", nav_todo_url="/a-faire/", nav_todo_count=0)
    assert 'href="/a-faire/">À faire</a>' in empty


def test_messages_sit_in_the_flow_above_the_content(office):
    """A message is part of the page above its content, never a fixed layer
    over the controls (issue 10: messages pinned top right hid buttons)."""
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "portal.css").read_text()
    rule = re.search(r"\.portal-messages\s*\{([^}]*)\}", css).group(1)
    assert "position" not in rule
    html = render_base(office, "/", messages=["Étape 4 soumise."])
    assert html.index('class="portal-messages"') < html.index("</main>")
    assert html.index('<main id="contenu"') < html.index('class="portal-messages"')
