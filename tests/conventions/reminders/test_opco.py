"""The contract's deposit with the OPCO (NOTIF-3, DOMAIN.md §3): the
employer sends it within 5 calendar days of the contract's start; the
office records the day, which makes the obligation done for the reminders,
the « À faire », the digests and the calendar feeds (the deadlines
registry)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from conventions.dossier import deadlines, steps
from conventions.models import Dossier
from conventions.reminders import opco
from conventions.reminders.models import OpcoDeposit
from students.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def dossier(year):
    dossier = factories.DossierFactory(student__year=year)
    steps.steps_sync(dossier)
    return dossier


def opco_obligation(dossier):
    found = [o for o in deadlines.obligations_for(Dossier.objects.filter(pk=dossier.pk), include_done=True)
             if o.key == opco.OPCO_KEY]
    assert len(found) == 1
    return found[0]


def test_notif_3_the_5_days_are_in_the_deadlines_registry_done_once_recorded(dossier, office):
    """NOTIF-3: the registry holds the employer's 5 days (start on Tuesday
    1 September 2026, due Sunday the 6th), for the company, leading to the
    deposit's page; done once the office records the deposit."""
    obligation = opco_obligation(dossier)
    assert (obligation.due, obligation.done, obligation.actors) == (D(2026, 9, 6), False, {opco.Actor.COMPANY})
    assert obligation.url == reverse("conventions:opco-deposit", args=[dossier.pk])
    opco.opco_deposit_record(dossier=dossier, deposited_on=D(2026, 9, 4), by=office)
    assert opco_obligation(dossier).done is True
    assert opco.OPCO_KEY not in {o.key for o in deadlines.obligations_for(Dossier.objects.filter(pk=dossier.pk))}


def test_notif_3_the_deposit_and_its_correction_are_on_the_timeline(dossier, office):
    """NOTIF-3, DATA-4: recording the deposit is an event with its day; a
    correction says the former day; a deposit after the 5 days says so;
    recording the same day again changes nothing."""
    opco.opco_deposit_record(dossier=dossier, deposited_on=D(2026, 9, 4), by=office)
    opco.opco_deposit_record(dossier=dossier, deposited_on=D(2026, 9, 4), by=office)
    opco.opco_deposit_record(dossier=dossier, deposited_on=D(2026, 9, 9), by=office)
    events = list(Event.objects.filter(dossier=dossier, verb="conventions.opco_deposit.record").order_by("pk"))
    assert [e.summary for e in events] == [
        "Contrat déposé à l'OPCO le 4 septembre 2026.",
        "Date du dépôt du contrat à l'OPCO corrigée : le 9 septembre 2026 (au lieu du 4 septembre 2026). "
        "Après le délai de 5 jours (6 septembre 2026).",
    ]
    assert events[1].changes == {"deposited_on": ["2026-09-04", "2026-09-09"]} and events[1].actor == office
    assert OpcoDeposit.objects.get(dossier=dossier).deposited_on == D(2026, 9, 9)


def test_notif_3_only_the_office_records_a_past_deposit_of_a_contract(dossier, office, head):
    """NOTIF-3: a head may not record the deposit; a day to come is refused,
    and so is a dossier without a contract start; nothing is stored."""
    with pytest.raises(PermissionDenied):
        opco.opco_deposit_record(dossier=dossier, deposited_on=D(2026, 9, 4), by=head)
    with pytest.raises(ValidationError) as refused:
        opco.opco_deposit_record(dossier=dossier, deposited_on=datetime.date.today() + datetime.timedelta(days=1),
                                 by=office)
    assert refused.value.message_dict == {"deposited_on": ["Le dépôt ne peut pas être daté d'un jour à venir."]}
    Dossier.objects.filter(pk=dossier.pk).update(start_date=None)
    with pytest.raises(ValidationError):
        opco.opco_deposit_record(dossier=dossier, deposited_on=D(2026, 9, 4), by=office)
    assert not OpcoDeposit.objects.exists()


def test_notif_3_the_office_records_the_deposit_from_its_page(dossier, office, login):
    """NOTIF-3: the office's page says when the deposit is due and that it
    is late; a day to come is refused on the form, what was typed kept; a
    right day is recorded and the dossier page's panel says « Déposé »."""
    client = login(office)
    url = reverse("conventions:opco-deposit", args=[dossier.pk])
    page = client.get(url).content.decode()
    assert "au plus tard le 6 septembre 2026" in page and "En retard" in page
    future = (datetime.date.today() + datetime.timedelta(days=3)).isoformat()
    refused = client.post(url, {"deposited_on": future})
    assert refused.status_code == 200
    assert "Le dépôt ne peut pas être daté d&#x27;un jour à venir." in refused.content.decode()
    assert f'value="{future}"' in refused.content.decode()
    response = client.post(url, {"deposited_on": "2026-09-03"})
    assert response.status_code == 302 and response["Location"].endswith(f"/dossiers/{dossier.pk}/#opco")
    detail = client.get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert "Contrat déposé à l&#x27;OPCO le 3 septembre 2026." in detail


def test_notif_3_the_student_neither_sees_the_panel_nor_opens_the_page(dossier, login):
    """NOTIF-3, ROLE-9: the deposit is the office's record: the student's
    dossier page has no such panel, its page answers 403."""
    client = login(dossier.student.user)
    assert "Dépôt du contrat" not in client.get(reverse("conventions:dossier-detail", args=[dossier.pk])).content.decode()
    assert client.get(reverse("conventions:opco-deposit", args=[dossier.pk])).status_code == 403


@pytest.mark.parametrize("recorded", [False, True])
def test_notif_3_the_deposit_s_page_reads_a_fixed_number_of_queries(dossier, office, login, recorded,
                                                                     django_assert_num_queries):
    """NOTIF-3: the page reads the same queries with or without a deposit:
    session, user, groups (2), the dossier, the deposit with who recorded it."""
    if recorded:
        opco.opco_deposit_record(dossier=dossier, deposited_on=D(2026, 9, 3), by=office)
    client = login(office)
    client.get(reverse("conventions:opco-deposit", args=[dossier.pk]))
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(reverse("conventions:opco-deposit", args=[dossier.pk])).status_code == 200


PAGE_QUERIES = 5
