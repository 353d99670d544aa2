"""The demo's fiches contact (DOC-1): everyone's phone and the HR contact by
name, and a visa of June on a fiche made precise in November."""

import datetime
import io

import pytest
from django.core.management import call_command

from conventions.fiche import visa as visas
from conventions.models import Dossier, StepState
from conventions.todo import sources


@pytest.fixture(scope="module", autouse=True)
def demo_loaded(django_db_setup, django_db_blocker):
    """The demo, built once for the module; emptied at the end (post_migrate
    reloads the shipped data)."""
    with django_db_blocker.unblock():
        call_command("demo", stdout=io.StringIO())
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def dossier_of(username):
    return Dossier.objects.select_related("fiche_contact", "company", "hr_contact", "signataire", "student__user").get(
        student__user__username=username
    )


@pytest.mark.django_db
def test_doc_1_demo_visa_of_june_on_an_earlier_version_asks_a_new_one():
    """DOC-1, step 3: eleve26's head signed his fiche off on 19 June 2026; he
    made his activities precise on 12 November: the visa is on an earlier
    version, what changed is shown, step 3 waits in the head's « À faire »."""
    dossier = dossier_of("eleve26")
    state = visas.visa_state(dossier, dossier.fiche_contact)
    assert (state.stale, len(state.visas)) == (True, 1)
    assert state.latest.at.date() == datetime.date(2026, 6, 19)
    assert state.latest.event.actor == dossier.student.department.head
    [(label, before, after)] = state.changes
    assert label == "Activités et projets pendant les périodes en entreprise"
    assert "contrôle tridimensionnel" in after and "contrôle tridimensionnel" not in before
    assert dossier.steps.get(code="3").state == StepState.SUBMITTED
    assert dossier in [row.dossier for row in sources.head_fiches(dossier.student.department.head)]


@pytest.mark.django_db
def test_doc_1_demo_fiche_gives_every_phone_and_the_hr_contact_by_name():
    """DOC-1: Léa's fiche gives her postal address and phone, the company's
    switchboard, the signatory's phone and the HR contact by name and function."""
    dossier = dossier_of("eleve")
    student = dossier.student
    assert (student.address, student.postal_code, student.user.phone) == ("14 rue d'Avéjan", "30100", "06 71 42 18 35")
    assert dossier.fiche_contact.company_phone == "04 66 52 18 00"
    assert dossier.signataire.phone == "04 66 52 18 02"
    hr = dossier.hr_contact
    assert (hr.full_name, hr.job_title, hr.phone) == ("Julie Fabre", "Responsable des ressources humaines", "04 66 52 18 05")
