"""Naming the tuteur école (ROLE-3) and the tutor's pages (ROLE-4): the
head's queue, the mail once, the event, the panel, the forms, the query counts."""

from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conventions.dossier import steps
from conventions.models import Dossier
from grading.s9 import services
from grading.s9.models import S9Evaluation
from students.models import Event
from tests import factories


@pytest.fixture
def teacher(db):
    return factories.UserFactory(username="prof-durand", first_name="Anne", last_name="Durand", email="durand@mines-ales.fr",
                                 groups=["Enseignants"])


@pytest.fixture
def dossier(db, head):
    d = factories.DossierFactory(student__user__last_name="Fabre")
    steps.steps_sync(d)
    return d


def other_head():
    user = factories.UserFactory(username="resp-prism", groups=["Enseignants"])
    dept = factories.department("PRISM")
    dept.head = user
    dept.save()
    return user


# --- ROLE-3: naming --------------------------------------------------------------

def test_role_3_head_names_tutor_event_and_one_mail(dossier, head, teacher, django_capture_on_commit_callbacks):
    """The head of the student's department names a teacher: stored, one
    event, and the tutor told by one mail after commit."""
    with django_capture_on_commit_callbacks(execute=True):
        services.tutor_name(dossier=dossier, tutor=teacher, by=head)
    dossier.refresh_from_db()
    assert dossier.tuteur_ecole == teacher
    event = Event.objects.get(dossier=dossier, verb="grading.tutor.name")
    assert "Anne Durand" in event.summary and event.actor == head
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["durand@mines-ales.fr"]
    assert "tuteur école de" in mail.outbox[0].subject


def test_role_3_same_tutor_again_refused_no_second_mail(dossier, head, teacher, django_capture_on_commit_callbacks):
    """Naming the same tutor twice is refused: no second event, no second mail."""
    with django_capture_on_commit_callbacks(execute=True):
        services.tutor_name(dossier=dossier, tutor=teacher, by=head)
    with pytest.raises(ValidationError, match="est déjà le tuteur école"):
        services.tutor_name(dossier=dossier, tutor=teacher, by=head)
    assert len(mail.outbox) == 1
    assert Event.objects.filter(dossier=dossier, verb="grading.tutor.name").count() == 1


def test_role_3_head_of_another_department_403_nothing_changed(dossier, teacher, login):
    """A head of another department: 403 on the page and on POST; the
    service refuses too; nothing stored, no mail, no event."""
    stranger = other_head()
    with pytest.raises(PermissionDenied):
        services.tutor_name(dossier=dossier, tutor=teacher, by=stranger)
    # They do not see the dossier at all: 404 (ROLE-9), which is also a refusal.
    client = login(stranger)
    response = client.post(reverse("grading:tutor-name", args=[dossier.pk]), {"tutor": teacher.pk})
    assert response.status_code in (403, 404)
    dossier.refresh_from_db()
    assert dossier.tuteur_ecole is None and not mail.outbox
    assert not Event.objects.filter(verb="grading.tutor.name").exists()


def test_role_3_head_who_sees_the_dossier_as_tutor_still_403(dossier, teacher, login):
    """A head of another department who tutors the dossier sees it, but may not rename its tutor: 403."""
    stranger = other_head()
    Dossier.objects.filter(pk=dossier.pk).update(tuteur_ecole=stranger)
    response = login(stranger).post(reverse("grading:tutor-name", args=[dossier.pk]), {"tutor": teacher.pk})
    assert response.status_code == 403
    dossier.refresh_from_db()
    assert dossier.tuteur_ecole == stranger


def test_role_3_only_teachers_may_be_named(dossier, head, office):
    """An account outside the teachers group is refused."""
    with pytest.raises(ValidationError, match="Choisissez un enseignant"):
        services.tutor_name(dossier=dossier, tutor=office, by=head)


def test_role_3_department_teachers_first(dossier, head, teacher):
    """The department's own teachers (its head, those tutoring its students) come first."""
    zed = factories.UserFactory(username="prof-zed", last_name="Zed", groups=["Enseignants"])
    aaron = factories.UserFactory(username="prof-aaron", last_name="Aaron", groups=["Enseignants"])
    other = factories.DossierFactory()
    Dossier.objects.filter(pk=other.pk).update(tuteur_ecole=zed)
    order = list(services.tutor_candidates(dossier.student.department))
    own = [u for u in order if u.own]
    assert {head, zed} == set(own) and order.index(zed) < order.index(aaron)
    assert teacher in order and not next(u for u in order if u == teacher).own


def test_role_3_pfe_tutor_is_the_tuteur_ecole(dossier, head, teacher):
    """By default (a rule, not a field) the tuteur école follows the PFE."""
    services.tutor_name(dossier=dossier, tutor=teacher, by=head)
    assert services.pfe_tutor(dossier) == teacher


def test_role_3_queue_unnamed_first_and_dossier_page_stops_saying_a_nommer(dossier, head, teacher, login):
    """The queue lists dossiers without a tutor first; after naming, the
    dossier page no longer says « à nommer par le responsable »."""
    named = factories.DossierFactory(student__user__last_name="Aubert")
    Dossier.objects.filter(pk=named.pk).update(tuteur_ecole=teacher)
    client = login(head)
    page = client.get(reverse("grading:tutor-queue")).content.decode()
    assert page.index("FABRE") < page.index("AUBERT")
    detail = reverse("conventions:dossier-detail", args=[dossier.pk])
    assert "à nommer par le responsable" in client.get(detail).content.decode()
    response = client.post(reverse("grading:tutor-name", args=[dossier.pk]), {"tutor": teacher.pk})
    assert response.status_code == 302
    assert "à nommer par le responsable" not in client.get(detail).content.decode()


def test_role_3_queue_queries_do_not_grow(head, django_assert_num_queries, login):
    """The queue reads a fixed number of queries with 2 dossiers and with 20."""
    client = login(head)
    factories.DossierFactory.create_batch(2)
    client.get(reverse("grading:tutor-queue"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("grading:tutor-queue"))
    factories.DossierFactory.create_batch(18)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("grading:tutor-queue"))
    assert len(many) == len(few)


# --- ROLE-4: the tuteur école's page and forms ------------------------------------------

def test_role_4_tutees_page_shows_what_awaits_with_dates_and_parts(dossier, teacher, login):
    """The tutor's page shows the report to grade before the Christmas date,
    the appraisal awaited, and the provisional S9 grade naming what is missing."""
    Dossier.objects.filter(pk=dossier.pk).update(tuteur_ecole=teacher)
    page = login(teacher).get(reverse("grading:s9-tutees")).content.decode()
    assert "FABRE" in page and "Rapport à noter" in page and "Évaluation du tuteur entreprise attendue" in page
    assert "avant le 18 décembre 2026" in page  # the last working day before 19 December 2026
    assert "provisoire" in page and "Il manque la note du rapport, la note du tuteur entreprise." in page
    # EVAL-1: no figure until the three parts exist (a weighted part would read as a failing grade).
    assert "Note du S9 : à venir" in page and "Note du S9 : 2" not in page


def test_role_4_tutees_page_queries_do_not_grow(teacher, login):
    """2 tutees or 20 (with grades): the same number of queries (page, count,
    steps, scores, barème, thresholds, the session's own)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def tutees(n):
        for d in factories.DossierFactory.create_batch(n, tuteur_ecole=teacher):
            steps.steps_sync(d)
            services.report_grade_set(dossier=d, grade=Decimal("12"), by=teacher)

    client = login(teacher)
    tutees(2)
    client.get(reverse("grading:s9-tutees"))
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("grading:s9-tutees")).status_code == 200
    tutees(18)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("grading:s9-tutees"))
    assert len(many) == len(few)


def test_role_4_report_form_keeps_input_on_error(dossier, teacher, login):
    """A grade of 21 or with three decimals is refused in French; the comment typed stays."""
    Dossier.objects.filter(pk=dossier.pk).update(tuteur_ecole=teacher)
    client = login(teacher)
    url = reverse("grading:s9-report", args=[dossier.pk])
    page = client.post(url, {"grade": "21", "comment": "Très bon rapport, à peine long."}).content.decode()
    assert "Une note va de 0 à 20." in page and "Très bon rapport, à peine long." in page
    page = client.post(url, {"grade": "12,345", "comment": "x"}).content.decode()
    assert "Une note a au plus deux décimales" in page
    assert not S9Evaluation.objects.exists()
    assert client.post(url, {"grade": "13,5", "comment": "Bien."}).status_code == 302
    assert S9Evaluation.objects.get().report_grade == Decimal("13.50")


def test_role_4_transmitted_form_asks_reason(dossier, teacher, login):
    """After transmission, the form without a reason comes back refused, grade unchanged."""
    Dossier.objects.filter(pk=dossier.pk).update(tuteur_ecole=teacher)
    dossier.refresh_from_db()
    services.report_grade_set(dossier=dossier, grade=Decimal("14"), by=teacher)
    services.appraisal_from_paper(dossier=dossier, grade=Decimal("15"), by=teacher)
    services.s9_transmit(dossier=dossier, by=teacher)
    client = login(teacher)
    url = reverse("grading:s9-report", args=[dossier.pk])
    page = client.post(url, {"grade": "16", "comment": ""}).content.decode()
    assert "indiquez par écrit pourquoi elle change" in page
    assert S9Evaluation.objects.get().report_grade == Decimal("14.00")


def test_role_4_evaluation_panel_on_dossier_page(dossier, teacher, office, login):
    """The dossier page shows the « Évaluation du S9 » panel with the paper mark."""
    Dossier.objects.filter(pk=dossier.pk).update(tuteur_ecole=teacher)
    dossier.refresh_from_db()
    services.appraisal_from_paper(dossier=dossier, grade=Decimal("15"), by=office)
    page = login(teacher).get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert "Évaluation du S9 Projet Entreprise" in page and "saisie depuis la fiche papier" in page
    assert "15,00/20" in page


def test_role_4_evaluation_panel_reads_two_queries(dossier, head, teacher, django_assert_num_queries):
    """The panel's context reads two queries (the evaluation with the year's
    threshold; the barème with the points), the steps being the page's own,
    whatever the grades and the steps."""
    from django.test import RequestFactory

    from grading.s9.views import panel_context

    from grading.scoring import bareme_for

    bareme_for(dossier.year)  # the year's barème exists once the office has scored anyone (SCORE-2)
    Dossier.objects.filter(pk=dossier.pk).update(tuteur_ecole=teacher)
    services.report_grade_set(dossier=Dossier.objects.get(pk=dossier.pk), grade=Decimal("12"), by=teacher)
    page_dossier = Dossier.objects.for_detail().prefetch_related("steps").get(pk=dossier.pk)
    request = RequestFactory().get("/")
    request.user = head
    from contratpro import roles

    roles.roles_of(head)
    with django_assert_num_queries(2):
        context = panel_context(request, page_dossier)
    assert context["grade"].report == Decimal("12.00")
