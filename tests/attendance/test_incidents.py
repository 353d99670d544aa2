"""Incidents (ABS-3, step E): the rupture, its steps and its 30 days (NOTIF-3)."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from attendance.absences import services
from conventions.dossier import services as conventions_services
from conventions.dossier import steps
from conventions.dossier.deadlines import obligations_for
from conventions.dossier.models import Dossier, DossierStep, Incident, StepState
from contratpro.roles import Actor
from grading.scoring import dossier_scoresheet
from students.models import Event

pytestmark = pytest.mark.django_db

RUPTURE_DAY = datetime.date(2026, 11, 16)


@pytest.fixture
def dossier(students, clock):
    clock(datetime.date(2026, 11, 20))
    dossier = students[0].dossiers.get()
    steps.steps_sync(dossier)
    # Steps 1 and 2 done before the rupture; 4 handed in, not validated.
    DossierStep.objects.filter(dossier=dossier, code__in=("1", "2")).update(state=StepState.VALIDATED)
    DossierStep.objects.filter(dossier=dossier, code="4").update(state=StepState.SUBMITTED)
    return dossier


def rupture(dossier, by=None, day=RUPTURE_DAY):
    return services.incident_declare(dossier=dossier, kind=Incident.Kind.RUPTURE, start=day,
                                     description="Fin de la période d'essai.", by=by or dossier.student.user)


def test_abs_3_rupture_ends_the_remaining_steps_and_records_its_date(dossier, office):
    """ABS-3, STEP-5: after a rupture the office confirmed, only the
    validated steps and E remain; the rest (handed in or not) no longer
    apply; its date is recorded. The student's report alone closes nothing."""
    incident = rupture(dossier)
    assert incident.start == RUPTURE_DAY and incident.awaits_confirmation
    assert {"3", "4", "4p", "5"} <= set(dossier.steps.values_list("code", flat=True))
    conventions_services.rupture_confirm(incident=incident, by=office)
    assert set(dossier.steps.values_list("code", flat=True)) == {"1", "2", "E"}
    event = Event.objects.filter(verb="conventions.incident.rupture_confirm").order_by("pk").last()
    assert "Étapes closes, sans objet après la rupture : 3, 4, 4', 5" in event.summary
    # A later sync (a calendar change, a fact) keeps them closed.
    steps.steps_sync(dossier)
    assert set(dossier.steps.values_list("code", flat=True)) == {"1", "2", "E"}


def test_abs_3_steps_ended_by_a_rupture_count_in_no_score(dossier, office):
    """ABS-3, SCORE-3: the steps a rupture closed count neither in the points nor in the maxima."""
    rupture(dossier, by=office)
    sheet = dossier_scoresheet(Dossier.objects.get(pk=dossier.pk))
    assert {row["code"] for row in sheet["rows"]} <= {"1", "2", "E"}
    assert sheet["maximum"] == sum(row["maximum"] for row in sheet["rows"]) <= 4


def test_abs_3_one_rupture_per_dossier_and_not_to_come(dossier, office):
    """ABS-3: a rupture is recorded once, and once it happened."""
    with pytest.raises(ValidationError, match="une fois survenu"):
        rupture(dossier, day=datetime.date(2026, 11, 23))
    rupture(dossier)
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        rupture(dossier, by=office)


def test_abs_3_rupture_30_day_deadline_in_the_registry(dossier, office):
    """NOTIF-3: « Déclarer la rupture à l'OPCO », for the company, due the
    rupture's date + 30 calendar days; done once the office recorded it."""
    incident = rupture(dossier)
    mine = [o for o in obligations_for(Dossier.objects.filter(pk=dossier.pk), include_done=True)
            if o.key.startswith("rupture:")]
    assert len(mine) == 1
    obligation = mine[0]
    assert obligation.label == "Déclarer la rupture à l'OPCO"
    assert obligation.actors == frozenset({Actor.COMPANY})
    assert obligation.due == datetime.date(2026, 12, 16) and not obligation.done
    services.rupture_declaration_record(incident=incident, by=office)
    assert not [o for o in obligations_for(Dossier.objects.filter(pk=dossier.pk)) if o.key.startswith("rupture:")]
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        services.rupture_declaration_record(incident=incident, by=office)


@pytest.mark.parametrize(("day", "due"), [
    (datetime.date(2026, 11, 16), datetime.date(2026, 12, 16)),
    (datetime.date(2026, 10, 31), datetime.date(2026, 11, 30)),  # a month of 30 days
    (datetime.date(2026, 11, 1), datetime.date(2026, 12, 1)),  # from a public holiday: calendar days
])
def test_abs_3_rupture_due_counts_calendar_days(dossier, day, due):
    """NOTIF-3, DOMAIN.md §3: 30 calendar days, weekends and holidays included."""
    assert services.rupture_due(rupture(dossier, day=day)) == due


def test_abs_3_only_the_office_records_the_declaration(dossier, login):
    """NOTIF-3: the student cannot mark the employer's declaration done (403)."""
    incident = rupture(dossier)
    with pytest.raises(PermissionDenied):
        services.rupture_declaration_record(incident=incident, by=dossier.student.user)
    assert login(dossier.student.user).post(f"/incidents/{incident.pk}/declaration-opco/").status_code == 403


def test_abs_3_office_notified_once_after_commit(dossier, django_capture_on_commit_callbacks):
    """ABS-3: the office's mailbox hears of the incident once, after the commit."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        rupture(dossier)
        assert mail.outbox == []
    assert len(callbacks) == 1 and len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["contrats-pro@mines-ales.fr"]
    assert "Rupture du contrat" in message.subject and "dans les 30 jours" in message.body


def test_abs_3_student_reports_an_accident_from_the_page(dossier, login, django_capture_on_commit_callbacks):
    """ABS-3: the student's page reports an accident; step E then applies and the office hears of it."""
    client = login(dossier.student.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/dossiers/{dossier.pk}/incidents/", {
            "kind": "accident", "start": "2026-11-18", "description": "Chute sur le chantier."})
    assert response.status_code == 302
    assert Incident.objects.get().kind == Incident.Kind.ACCIDENT
    assert dossier.steps.filter(code="E").exists() and len(mail.outbox) == 1
    assert "Chute sur le chantier." in client.get(f"/dossiers/{dossier.pk}/incidents/").content.decode()


def test_abs_3_arret_goes_through_its_own_form(dossier):
    """ABS-1, ABS-3: an arrêt is not reported without its file."""
    with pytest.raises(ValidationError, match="avec l'arrêt lui-même"):
        services.incident_declare(dossier=dossier, kind=Incident.Kind.SICK_LEAVE, start=RUPTURE_DAY,
                                  by=dossier.student.user)
    assert not Incident.objects.exists()


def test_abs_3_office_records_the_declaration_from_the_page(dossier, login, office):
    """NOTIF-3: the office's button records the employer's declaration; the page says so."""
    incident = rupture(dossier)
    client = login(office)
    assert "au plus tard le 16 décembre 2026" in client.get(f"/dossiers/{dossier.pk}/incidents/").content.decode()
    assert client.post(f"/incidents/{incident.pk}/declaration-opco/").status_code == 302
    assert "Déclarée à l'OPCO" in client.get(f"/dossiers/{dossier.pk}/incidents/").content.decode()


def test_abs_3_rupture_obligations_read_in_one_query(students, office, clock, django_assert_num_queries):
    """NOTIF-1, NOTIF-3: the source is set-based: one query whatever the ruptures."""
    clock(datetime.date(2026, 11, 20))
    for student in students:
        dossier = student.dossiers.get()
        rupture(dossier, by=office)
    with django_assert_num_queries(1):  # the ruptures with whether each is declared
        found = list(services.rupture_obligations(Dossier.objects.all()))
    assert len(found) == 3 and {o.dossier_id for o in found} == {s.dossiers.get().pk for s in students}


def test_abs_3_a_students_rupture_waits_for_the_office_which_may_set_it_aside(dossier, office):
    """ABS-3: a rupture the student reports closes nothing until the office
    confirms it; the office may set it aside with a written reason (kept in
    the history), and the steps are as they were."""
    before = set(dossier.steps.values_list("code", flat=True))
    incident = rupture(dossier)
    with pytest.raises(PermissionDenied):
        conventions_services.rupture_confirm(incident=incident, by=dossier.student.user)
    with pytest.raises(ValidationError, match="pourquoi"):
        conventions_services.rupture_dismiss(incident=incident, reason="  ", by=office)
    conventions_services.rupture_dismiss(incident=incident, reason="Erreur de saisie : c'est un arrêt.", by=office)
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert before <= set(dossier.steps.values_list("code", flat=True))
    event = Event.objects.filter(verb="conventions.incident.rupture_dismiss").get()
    assert "Erreur de saisie" in event.summary


def test_abs_3_a_confirmed_rupture_is_not_set_aside_and_reopens_nothing(dossier, office):
    """ABS-3: once confirmed, a rupture stays, and a step it left validated
    is not reopened (the next sync would lose it)."""
    incident = rupture(dossier, by=office)
    assert not incident.awaits_confirmation
    with pytest.raises(ValidationError, match="ne s'écarte plus"):
        conventions_services.rupture_dismiss(incident=incident, reason="Erreur.", by=office)
    step_1 = dossier.steps.get(code="1")
    with pytest.raises(ValidationError, match="contrat est rompu"):
        steps.step_transition(step=step_1, action=steps.REOPEN, by=office, comment="À revoir.")
    assert dossier.steps.get(code="1").state == StepState.VALIDATED


@pytest.mark.parametrize("day", [datetime.date(2020, 1, 6), datetime.date(1, 1, 1), datetime.date(9999, 12, 31)])
def test_abs_3_an_incident_lies_within_the_contract(dossier, day):
    """ABS-3: an incident's date is past and within the contract: one years
    before, or to come, is refused in French and records nothing."""
    with pytest.raises(ValidationError):
        conventions_services.incident_report(dossier=dossier, kind=Incident.Kind.ACCIDENT, start=day,
                                             by=dossier.student.user)
    assert not dossier.incidents.exists()


def test_abs_3_the_office_confirms_a_students_rupture_from_the_incidents_page(dossier, login, office):
    """ABS-3: the incidents page shows a student's rupture as awaiting the
    office, whose button confirms it and closes the remaining steps; the
    student has no such button."""
    incident = rupture(dossier)
    student_page = login(dossier.student.user).get(f"/dossiers/{dossier.pk}/incidents/").content.decode()
    assert "doit confirmer cette rupture" in student_page and "Confirmer la rupture" not in student_page
    client = login(office)
    assert "Confirmer la rupture" in client.get(f"/dossiers/{dossier.pk}/incidents/").content.decode()
    assert login(dossier.student.user).post(f"/incidents/{incident.pk}/confirmer/").status_code == 403
    response = client.post(f"/incidents/{incident.pk}/confirmer/", follow=True)
    assert "Rupture confirmée" in response.content.decode()
    assert set(dossier.steps.values_list("code", flat=True)) == {"1", "2", "E"}


def test_abs_3_setting_aside_without_a_reason_keeps_the_report(dossier, login, office):
    """ABS-3: « Écarter » needs a reason; without one the report stays and the page says why."""
    incident = rupture(dossier)
    response = login(office).post(f"/incidents/{incident.pk}/ecarter/", {"reason": ""}, follow=True)
    assert "Écrivez pourquoi" in response.content.decode()
    assert Incident.objects.filter(pk=incident.pk).exists()
