"""The eligibility pages: "Mon éligibilité", the students list, a student's
checks with the office's overrides, and the facts form (ELIG, ROLE, STEP-1)."""

import datetime
import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from conventions.models import Dossier
from students import eligibility
from students.models import Acknowledgement, Event, InfoMeeting, Override, Student
from tests import factories

pytestmark = pytest.mark.django_db

MINE = reverse("students:my-eligibility")
OPEN = reverse("conventions:open-dossier")
LIST = reverse("students:student-list")


def text(response):
    """The page as a reader sees it: HTML entities decoded."""
    return html.unescape(response.content.decode())


def detail(student):
    return reverse("students:student-detail", args=[student.pk])


def facts_url(student):
    return reverse("students:student-facts", args=[student.pk])


def override_url(student, rule):
    return reverse("students:override", args=[student.pk, rule])


def acknowledge_url(rule):
    return reverse("students:acknowledge", args=[rule])


@pytest.fixture
def meeting(year):
    return InfoMeeting.objects.create(year=year, date=datetime.date(2026, 3, 12))


def student_with(meeting=None, **facts):
    """A 2IA student with SIO and TOEIC validated unless ``facts`` say
    otherwise, present at ``meeting`` when given."""
    facts = {"sio_validated": True, "toeic_validated": True, **facts}
    student = factories.StudentFactory(**facts)
    if meeting is not None:
        meeting.attendees.add(student)
    return student


# "Mon éligibilité" (ROLE-1)


def test_elig_1_student_sees_every_check_state_and_what_to_do(login, year):
    """ELIG-1: the student's page lists every check with its state; without
    the information meeting it says it blocks, what to do, and offers no step 1."""
    student = student_with()
    response = login(student.user).get(MINE)
    assert response.status_code == 200
    content = text(response)
    for title in ("Réunion d'information", "Séjour à l'international obligatoire (SIO)", "TOEIC",
                  "Rattrapages", "Mobilité internationale", "Titre de séjour", "Double diplôme", "Bourse"):
        assert title in content
    assert "bloquant" in content
    assert "Vous ne pouvez pas encore engager la démarche : une condition bloque." in content
    assert "Inscrivez-vous à la prochaine réunion d'information" in content
    assert OPEN not in content


def test_elig_2_student_acknowledges_risk_text_author_and_time_are_stored(login, year, meeting):
    """ELIG-2: the student reads the SIO risk and confirms; the exact text
    shown, who and when are stored, and the risk stays flagged."""
    student = student_with(meeting, sio_validated=False)
    client = login(student.user)
    shown = eligibility.evaluate(student).get("ELIG-2").message
    page = text(client.get(MINE))
    assert "J'ai lu et j'accepte ce risque" in page
    assert acknowledge_url("ELIG-2") in page
    before = timezone.now()
    response = client.post(acknowledge_url("ELIG-2"))
    assert response.status_code == 302
    assert response.url == f"{MINE}#elig-2"
    ack = Acknowledgement.objects.get(student=student, rule="ELIG-2")
    assert ack.text == shown
    assert ack.by == student.user
    assert ack.at >= before
    page = text(client.get(MINE))
    assert "Accepté le" in page
    assert "risque accepté" in page
    assert "Le risque reste signalé sur votre dossier" in page


def test_elig_3_acknowledging_twice_is_refused_with_a_message(login, year, meeting):
    """ELIG-3: a risk already accepted cannot be accepted again; the page says why."""
    student = student_with(meeting, toeic_validated=False)
    client = login(student.user)
    client.post(acknowledge_url("ELIG-3"))
    response = client.post(acknowledge_url("ELIG-3"), follow=True)
    assert Acknowledgement.objects.filter(student=student).count() == 1
    assert "Il n'y a pas de risque à accepter pour « TOEIC »." in text(response)


def test_elig_8_step_1_waits_for_the_scholarship_risk_to_be_accepted(login, year, meeting, head):
    """ELIG-8: a scholarship holder is asked to accept the risk before step 1
    is offered; once accepted, the step-1 button appears."""
    student = student_with(meeting, scholarship_holder=True)
    client = login(student.user)
    content = text(client.get(MINE))
    assert "Une dernière chose avant l'étape 1" in content
    assert OPEN not in content
    client.post(acknowledge_url("ELIG-8"))
    content = text(client.get(MINE))
    assert OPEN in content
    assert "Informer le service Contrats pro et mon responsable (étape 1)" in content


def test_step_1_student_informs_office_and_head_once_nothing_blocks(
    login, year, meeting, head, django_capture_on_commit_callbacks
):
    """STEP-1, ELIG-1…8: with nothing blocking, step 1 opens the dossier,
    mails the office and the department head and says so."""
    student = student_with(meeting)
    client = login(student.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(OPEN)
    dossier = Dossier.objects.get(student=student)
    assert response.status_code == 302
    assert response.url == reverse("conventions:dossier-detail", args=[dossier.pk])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["contrats-pro@mines-ales.fr", "resp2ia@mines-ales.fr"]
    page = text(client.get(response.url))
    assert "Étape 1 faite : le service Contrats pro et votre responsable de département ont été informés" in page
    assert "Votre démarche est engagée" in text(client.get(MINE))


def test_step_1_is_refused_while_a_check_blocks(login, year, head, django_capture_on_commit_callbacks):
    """STEP-1, ELIG-1: a blocked student cannot take step 1: no dossier, no
    mail, and the page says what blocks."""
    student = student_with()
    client = login(student.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(OPEN, follow=True)
    assert not Dossier.objects.filter(student=student).exists()
    assert mail.outbox == []
    assert "Étape 1 impossible : Réunion d'information bloque encore." in text(response)


def test_role_9_my_eligibility_is_404_for_who_is_not_a_student(login, office, year):
    """ROLE-9: "Mon éligibilité" belongs to students; the office gets 404."""
    assert login(office).get(MINE).status_code == 404
    assert login(office).post(OPEN).status_code == 404


def test_role_9_student_gets_404_on_another_students_page(login, year, meeting):
    """ROLE-1, ROLE-9: a student cannot open another student's page nor act
    on it; the students list is refused."""
    mine = student_with(meeting)
    other = student_with(meeting, sio_validated=False)
    client = login(mine.user)
    assert client.get(detail(other)).status_code == 404
    assert client.get(facts_url(other)).status_code == 404
    assert client.post(override_url(other, "ELIG-2"), {"elig-2-reason": "x"}).status_code == 404
    assert client.get(LIST).status_code == 403
    assert not Override.objects.exists()


# The office's and heads' pages (ROLE-2, ROLE-3)


def test_role_2_list_shows_who_is_blocked_and_why(login, office, year, meeting):
    """ROLE-2, ELIG-4: the office's list shows each student's state and the
    short titles of what blocks or awaits acceptance, and filters by state."""
    blocked = student_with(meeting, resit_s6=True)
    risky = student_with(meeting, toeic_validated=False)
    clear = student_with(meeting)
    client = login(office)
    response = client.get(LIST)
    content = text(response)
    assert "Bloquant :</span> Rattrapages" in content
    assert "À accepter :</span> TOEIC" in content
    assert reverse("students:import") in content
    assert "Importer le fichier de la scolarité" in content

    def shown(**params):
        return {row["student"] for row in client.get(LIST, params).context["page"].object_list}

    assert shown() == {blocked, risky, clear}
    assert shown(state="bloques") == {blocked}
    assert shown(state="risques") == {risky}
    assert shown(state="conformes") == {clear}
    assert shown(q=blocked.user.last_name) == {blocked}


def test_role_3_head_sees_their_department_and_404_on_another(login, year, head):
    """ROLE-3, ROLE-9: a department head lists and opens their department's
    students; another department's student answers 404 and is not listed."""
    mine = student_with()
    gcbd = factories.department("GCBD")
    other = student_with(department=gcbd, option=gcbd.options.first())
    client = login(head)
    rows = client.get(LIST).context["page"].object_list
    assert [row["student"] for row in rows] == [mine]
    assert client.get(detail(mine)).status_code == 200
    assert client.get(detail(other)).status_code == 404
    assert list(client.get(LIST).context["form"].fields["department"].queryset) == [factories.department("2IA")]


def test_role_9_tutor_without_headship_gets_403_on_the_list(login, year):
    """ROLE-4, ROLE-9: a tuteur école has no students list, nor their tutee's page."""
    tutor = factories.UserFactory(groups=["Enseignants"])
    dossier = factories.DossierFactory(tuteur_ecole=tutor)
    client = login(tutor)
    assert client.get(LIST).status_code == 403
    assert client.get(detail(dossier.student)).status_code == 404


def test_elig_4_student_page_explains_checks_and_links_facts_for_the_office(login, office, year, meeting):
    """ELIG-4: the student's page shows each check's state and explanation,
    and offers the office the facts form and an override per non-ok check."""
    student = student_with(meeting, resit_s5=True)
    content = text(login(office).get(detail(student)))
    assert "n'est pas accessible avec des rattrapages du tronc commun" in content
    assert "bloquant" in content
    assert facts_url(student) in content
    assert override_url(student, "ELIG-4") in content
    assert override_url(student, "ELIG-1") not in content


def test_elig_10_office_overrides_with_reason_shown_in_history(login, office, year, meeting):
    """ELIG-10: the office lifts a check with a reason; the override is
    stored, the check shows as lifted and the history records it."""
    student = student_with(meeting, international_mobility=True)
    client = login(office)
    reason = "Mobilité annulée par la DAI, attestation reçue le 3 mars."
    response = client.post(override_url(student, "ELIG-5"), {"elig-5-reason": reason})
    assert response.status_code == 302
    override = Override.objects.get(student=student, rule="ELIG-5")
    assert override.reason == reason
    assert override.by == office
    assert override.status_before == "blocking"
    content = text(client.get(detail(student)))
    assert "levé par dérogation" in content
    assert f"Dérogation accordée (Mobilité internationale) : {reason}" in content


def test_elig_10_empty_reason_is_refused_in_french_and_nothing_is_stored(login, office, year, meeting):
    """ELIG-10: an override without a reason is refused with a French
    message on the form; nothing is stored."""
    student = student_with(meeting, international_mobility=True)
    response = login(office).post(override_url(student, "ELIG-5"), {"elig-5-reason": "   "})
    assert response.status_code == 200
    assert "Indiquez le motif de la dérogation : il est conservé dans l'historique." in text(response)
    assert not Override.objects.exists()
    assert not Event.objects.exists()


def test_elig_10_department_head_may_not_override(login, year, meeting, head):
    """ELIG-10, ROLE-9: only the office overrides; the department head gets 403."""
    student = student_with(meeting, international_mobility=True)
    response = login(head).post(override_url(student, "ELIG-5"), {"elig-5-reason": "Accord oral"})
    assert response.status_code == 403
    assert not Override.objects.exists()


def test_elig_10_override_lapses_when_the_facts_change(login, office, year, meeting):
    """ELIG-10: once the facts an override saw change, the page says it lapsed."""
    student = student_with(meeting, resit_s7=True)
    client = login(office)
    client.post(override_url(student, "ELIG-4"), {"elig-4-reason": "Jury du 2 juillet : passage accordé."})
    client.post(facts_url(student), {**fact_data(student), "resit_s6": "on", "resit_s7": "on"})
    content = text(client.get(detail(student)))
    assert "Dérogation devenue caduque : les faits ont changé" in content
    assert "bloquant" in content


# The facts form (ROLE-2)


def fact_data(student, **changes):
    """The facts form as the browser posts it, with ``changes`` applied."""
    from students.services import FACT_FIELDS

    data = {}
    for name in FACT_FIELDS:
        value = getattr(student, name)
        if value is True:
            data[name] = "on"
        elif value not in (False, None):
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = value
    data["attended_meetings"] = [m.pk for m in student.info_meetings.all()]
    return data


def test_elig_1_office_records_meeting_attendance_and_facts(login, office, year, meeting):
    """ELIG-1, ELIG-3: the office ticks the meeting and the TOEIC; they are
    saved, recorded in the history and the message says what changed."""
    student = student_with(toeic_validated=False)
    client = login(office)
    page = text(client.get(facts_url(student)))
    for legend in ("Réunion d'information", "SIO et TOEIC", "Rattrapages",
                   "Mobilité internationale", "Titre de séjour", "Double diplôme",
                   "Bourse"):
        assert legend in page
    data = {**fact_data(student, toeic_validated="on"), "attended_meetings": [meeting.pk]}
    response = client.post(facts_url(student), data, follow=True)
    student.refresh_from_db()
    assert student.toeic_validated
    assert list(student.info_meetings.all()) == [meeting]
    assert "Situation mise à jour : TOEIC validé, réunion d'information." in text(response)
    assert Event.objects.filter(student=student, verb="students.facts.update").count() == 1


def test_elig_7_facts_form_error_keeps_what_was_typed(login, office, year):
    """ELIG-7: a double-diploma student without home institution is refused
    with the field's message; what was typed stays and nothing is saved."""
    student = student_with()
    data = fact_data(student, double_diploma_incoming="on", nationality="italienne", home_approval_date="2026-06-01")
    response = login(office).post(facts_url(student), data)
    assert response.status_code == 200
    content = text(response)
    assert "Indiquez l'établissement d'origine d'un élève en double diplôme." in content
    assert 'value="italienne"' in content
    assert 'value="2026-06-01"' in content
    student.refresh_from_db()
    assert not student.double_diploma_incoming
    assert student.nationality == "française"


def test_role_2_facts_form_is_403_for_a_department_head(login, year, head):
    """ROLE-2, ROLE-9: only the office edits the facts; the head sees the
    student but gets 403 on the form."""
    student = student_with()
    client = login(head)
    assert client.get(detail(student)).status_code == 200
    assert client.get(facts_url(student)).status_code == 403
    assert client.post(facts_url(student), fact_data(student, sio_validated=False)).status_code == 403
    assert Student.objects.get(pk=student.pk).sio_validated
