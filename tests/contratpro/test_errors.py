"""Errors in French (CONTACT-1): the 500, 404 and 403 pages in the portal's
layout with the office's mailbox, and hostile input that once answered 500
and is now a French form error with everything typed kept."""

import datetime
import html
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from contratpro import errors
from conventions.cerfa import services as cerfa
from conventions.models import CerfaData
from students.models import InfoMeeting
from tests import factories
from tests.conventions.test_cerfa import cerfa_data, company_data, make_dossier

EMAIL = settings.CONTRATPRO_CONTACT["email"]
MAILTO = f'<a href="mailto:{EMAIL}">{EMAIL}</a>'
LONG = "a" * 50_000


def text(response):
    """The page as a reader sees it: HTML entities decoded."""
    return html.unescape(response.content.decode())


# --- The error pages ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.urls("tests.contratpro.urls_boom")
def test_contact_1_the_500_page_is_french_in_the_layout_and_says_what_to_do():
    """A failing page answers 500 with the portal's layout, French words, what
    to do next (retry, go home, write to the office) and no technical detail."""
    client = Client(raise_request_exception=False)
    client.force_login(factories.UserFactory())
    response = client.get("/boom/")
    content = text(response)
    assert response.status_code == 500
    assert "Le portail a rencontré une erreur" in content
    assert "Réessayez dans quelques minutes" in content
    assert f'href="{reverse("home")}">Revenir à l\'accueil' in content
    assert html.unescape(MAILTO) in content
    assert "6 avenue de Clavières" in content  # the layout's footer
    for technical in ("boom", "RuntimeError", "Traceback", "Server Error"):
        assert technical not in content


def test_contact_1_the_500_page_reads_neither_the_database_nor_the_user(db):
    """With the database down and a user that cannot be looked up, the 500
    page still renders in the layout with the office's mailbox."""

    def database_down(*args):
        raise OperationalError("the database is down")

    def no_user():
        raise OperationalError("the user cannot be looked up")

    request = RequestFactory().get("/dossiers/")
    request.user = SimpleLazyObject(no_user)
    with connection.execute_wrapper(database_down):
        response = errors.handler500(request)
    content = text(response)
    assert response.status_code == 500
    assert "Le portail a rencontré une erreur" in content
    assert "6 avenue de Clavières" in content
    assert html.unescape(MAILTO) in content


def test_contact_1_the_500_page_falls_back_to_a_bare_french_page(monkeypatch):
    """When the layout itself cannot be rendered, a bare page says the same
    thing: French, what to do next, the office's mailbox."""

    def broken(name):
        raise RuntimeError("the template engine is broken")

    monkeypatch.setattr(errors.loader, "get_template", broken)
    response = errors.handler500(RequestFactory().get("/"))
    content = text(response)
    assert response.status_code == 500
    assert "Le portail a rencontré une erreur" in content
    assert "Réessayez dans quelques minutes" in content
    assert "Revenir à l'accueil" in content
    assert html.unescape(MAILTO) in content
    assert "broken" not in content


@pytest.mark.django_db
def test_contact_1_the_404_page_is_french_and_gives_the_office_mailbox(login):
    """A missing page answers 404 in French in the layout, says what to check
    and gives the office's mailbox, without Django's English reason."""
    response = login(factories.UserFactory()).get("/nulle-part/")
    content = text(response)
    assert response.status_code == 404
    assert "Page introuvable" in content
    assert "vérifiez-la" in content
    assert html.unescape(MAILTO) in content
    assert "Not Found" not in content


@pytest.mark.django_db
def test_contact_1_the_403_page_gives_the_reason_and_the_office_mailbox(login, year):
    """A refused action answers 403 in French with the portal's reason, the
    way back home and the office's mailbox."""
    student = factories.StudentFactory()
    response = login(student.user).get(reverse("students:student-list"))
    content = text(response)
    assert response.status_code == 403
    assert "Action non autorisée" in content
    assert "Cette liste est réservée au service Contrats pro et aux responsables de département." in content
    assert "Revenir à mon accueil" in content
    assert html.unescape(MAILTO) in content


# --- Hostile input on the CERFA (DOC-7) -------------------------------------------


def cerfa_post(dossier, *, start="2026-09-01", **overrides):
    """The CERFA page's form as the browser posts it, ``overrides`` on its key data."""
    return {
        **{f"employeur-{k}": v for k, v in company_data(dossier.company).items()},
        "contrat-contract_type": "cdd", "contrat-start_date": start, "contrat-end_date": "2027-08-31",
        **{f"cerfa-{k}": v for k, v in cerfa_data(**{"conclusion_date": "2026-08-20", **overrides}).items()},
    }


@pytest.mark.django_db
@pytest.mark.parametrize("start", ["0001-01-01", "1999-12-31", "2101-01-01"])
def test_hostile_cerfa_start_date_in_year_1_is_a_form_error(login, year, start):
    """A contract start outside 2000–2100 (year 1 once crashed the pay
    minimum) is refused in French on the form; the typed values stay."""
    dossier = make_dossier()
    response = login(dossier.student.user).post(reverse("conventions:cerfa-edit", args=[dossier.pk]), cerfa_post(dossier, start=start))
    content = text(response)
    assert response.status_code == 200
    assert "Indiquez une date entre 2000 et 2100, par exemple 01/09/2026." in content
    assert f'value="{start}"' in content
    assert "Ingénieur d'études logiciel" in content
    dossier.refresh_from_db()
    assert dossier.start_date == datetime.date(2026, 9, 1)
    assert not CerfaData.objects.filter(dossier=dossier).exists()


@pytest.mark.django_db
def test_hostile_cerfa_conclusion_date_in_year_1_is_a_form_error(login, year):
    """The contract's conclusion date is held to 2000–2100 the same way."""
    dossier = make_dossier()
    post = cerfa_post(dossier, conclusion_date="0001-01-01")
    content = text(login(dossier.student.user).post(reverse("conventions:cerfa-edit", args=[dossier.pk]), post))
    assert "Indiquez une date entre 2000 et 2100, par exemple 01/09/2026." in content
    assert 'value="0001-01-01"' in content
    assert not CerfaData.objects.filter(dossier=dossier).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("hours", ["0", "0.5", "48.5"])
def test_hostile_cerfa_weekly_hours_outside_1_to_48_is_a_form_error(login, year, hours):
    """Weekly hours of 0 (which once divided by zero on a saved CERFA) or
    outside 1–48 are refused in French; the typed value stays, nothing changes."""
    dossier = make_dossier()
    cerfa.cerfa_save(
        dossier=dossier, company_data=company_data(dossier.company),
        contract_data={"contract_type": "cdd", "start_date": dossier.start_date, "end_date": dossier.end_date},
        data=cerfa_data(), by=dossier.student.user,
    )
    post = cerfa_post(dossier, weekly_hours=hours)
    response = login(dossier.student.user).post(reverse("conventions:cerfa-edit", args=[dossier.pk]), post)
    content = text(response)
    assert response.status_code == 200
    assert "Indiquez une durée hebdomadaire entre 1 et 48 heures (48 h est le maximum légal)." in content
    assert f'value="{hours}"' in content
    assert CerfaData.objects.get(dossier=dossier).weekly_hours == Decimal("35")


# --- Hostile input on a student's facts (ELIG-1…8) --------------------------------


def facts_url(student):
    return reverse("students:student-facts", args=[student.pk])


@pytest.mark.django_db
def test_hostile_facts_meeting_id_beyond_the_database_integers_is_a_form_error(login, office, year):
    """A meeting id of 99999999999999999999 (it overflowed the database) is
    refused in French; the other typed facts stay and nothing is saved."""
    student = factories.StudentFactory()
    meeting = InfoMeeting.objects.create(year=year, date=datetime.date(2026, 3, 12))
    post = {"nationality": "italienne", "attended_meetings": [str(meeting.pk), "99999999999999999999"]}
    response = login(office).post(facts_url(student), post)
    content = text(response)
    assert response.status_code == 200
    assert "Cette réunion n'existe pas : cochez une réunion de la liste." in content
    assert 'value="italienne"' in content
    student.refresh_from_db()
    assert student.nationality == "française"
    assert not student.info_meetings.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["permit_expiry", "home_approval_date"])
def test_hostile_facts_date_outside_2000_to_2100_is_a_form_error(login, office, year, field):
    """A permit expiry or home approval in year 1 or 9999 is refused in French."""
    student = factories.StudentFactory()
    for typed in ("0001-01-01", "9999-12-31"):
        response = login(office).post(facts_url(student), {"nationality": "française", field: typed})
        content = text(response)
        assert response.status_code == 200
        assert "Indiquez une date entre 2000 et 2100, par exemple 01/09/2026." in content
        assert f'value="{typed}"' in content
    student.refresh_from_db()
    assert getattr(student, field) is None


# --- Hostile searches on the lists (ROLE-2, ROLE-3) --------------------------------


@pytest.mark.django_db
def test_hostile_search_of_50000_characters_on_the_dossier_list_is_a_form_error(login, office, year):
    """A 50 000-character name or company search (it overflowed the database's
    LIKE) is refused in French on the filter; the page still answers."""
    factories.DossierFactory()
    response = login(office).get(reverse("conventions:dossier-list"), {"q": LONG, "company": LONG})
    assert response.status_code == 200
    errors_ = response.context["filter"].form.errors
    assert errors_["q"] == ["Cherchez avec 100 caractères au plus : un nom, un prénom ou un n° étudiant."]
    assert errors_["company"] == ["Cherchez avec 100 caractères au plus : le nom de l'entreprise."]
    assert "Cherchez avec 100 caractères au plus : le nom de l'entreprise." in text(response)


@pytest.mark.django_db
def test_hostile_search_of_50000_characters_on_the_student_list_is_a_form_error(login, office, year):
    """A 50 000-character search on the students list is refused in French
    under the field, and the page still answers."""
    factories.StudentFactory()
    response = login(office).get(reverse("students:student-list"), {"q": LONG})
    assert response.status_code == 200
    assert "Cherchez avec 100 caractères au plus : un nom, un prénom ou un n° étudiant." in text(response)


@pytest.mark.django_db
def test_a_search_of_100_characters_still_filters(login, office, year):
    """The cap leaves an ordinary search alone: 100 characters still filter."""
    factories.DossierFactory()
    response = login(office).get(reverse("conventions:dossier-list"), {"q": "x" * 100})
    assert response.status_code == 200
    assert response.context["filter"].form.errors == {}
    assert response.context["page"].paginator.count == 0


@pytest.mark.django_db
def test_an_expired_form_is_refused_in_french_in_the_layout(office):
    """A form posted without its CSRF token (a page opened too long ago) is
    refused with 403 in the portal's layout, in French, saying nothing was
    saved and what to do next."""
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(office)
    response = client.post(reverse("students:student-list"), {})
    assert response.status_code == 403
    content = response.content.decode()
    assert "Ce formulaire a expiré" in content
    assert "n'a pas été enregistré" in content.replace("&#x27;", "'")
    assert "contrats-pro@mines-ales.fr" in content


@pytest.mark.django_db
def test_hostile_search_error_shows_under_the_name_field_of_the_dossier_list(login, office, year):
    """The refused name search is said under the field on the dossier list, not only in the form."""
    response = login(office).get(reverse("conventions:dossier-list"), {"q": LONG})
    assert 'id="id_q_error"' in text(response)
