"""The head's visa on the fiche contact bound to the version it signed
(DOC-1, STEP-1 step 3, STEP-6)."""

import datetime
import hashlib
import io
import json
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from conventions.documents.jobs import pdf_request
from conventions.documents.models import DocumentKind
from conventions.dossier import steps
from conventions.dossier.services import dossier_approve_contract
from conventions.fiche import services as fiche
from conventions.fiche import visa as visas
from conventions.models import FicheContact, StepState
from conventions.todo import sources
from tests import factories

pytestmark = pytest.mark.django_db

IDENTITY = {"name": "Acme Ingénierie", "siret": "73282932000074", "address": "3 rue des Mines",
            "postal_code": "30100", "city": "Alès"}
STUDENT_PART = {"company_activities": "Refonte de l'outil de planification.", "pfe_project": "Optimisation des tournées."}
COMPANY_PART = {
    "company_presentation": "Bureau d'études de 40 personnes, service logiciel.", "company_phone": "04 66 78 50 00",
    "tutor_first_name": "Paul", "tutor_last_name": "Durand", "tutor_job": "Chef de projet",
    "tutor_email": "paul.durand@acme.example", "tutor_phone": "04 66 78 50 88", "tutor_experience_years": 6,
    "signatory_first_name": "Anne", "signatory_last_name": "Roux", "signatory_job": "Directrice générale",
    "signatory_email": "anne.roux@acme.example", "signatory_phone": "04 66 78 50 01",
    "hr_first_name": "Inès", "hr_last_name": "Morel", "hr_job": "Chargée de recrutement",
    "hr_email": "rh@acme.example", "hr_phone": "+33 4 66 78 50 02",
}
CHANGED = "Refonte de l'outil de planification et reprise de la paie."


@pytest.fixture
def dossier(year, head):
    student = factories.StudentFactory(user__first_name="Léa", user__last_name="Martin", birth_date=datetime.date(2004, 3, 10))
    dossier = factories.DossierFactory(student=student)
    steps.steps_sync(dossier)
    return dossier


def typed(dossier, activities=STUDENT_PART["company_activities"]):
    user = dossier.student.user
    fiche.fiche_save_student_part(
        dossier=dossier, data={**STUDENT_PART, "company_activities": activities}, company_data=IDENTITY, by=user
    )
    dossier.refresh_from_db()


def complete(dossier):
    typed(dossier)
    fiche.fiche_save_company_part(dossier=dossier, data=COMPANY_PART, by=dossier.student.user)
    dossier.refresh_from_db()


def signed_off(dossier, head):
    """Step 3 handed in by the student and validated by the head (the visa)."""
    if dossier.head_approval_at is None:
        dossier_approve_contract(dossier=dossier, by=head)
    step = dossier.steps.get(code="3")
    if step.state != StepState.SUBMITTED:
        steps.step_transition(step=step, action=steps.SUBMIT, by=dossier.student.user)
    steps.step_transition(step=dossier.steps.get(code="3"), action=steps.VALIDATE, by=head)
    dossier.refresh_from_db()


def state_of(dossier):
    dossier = type(dossier).objects.get(pk=dossier.pk)
    return visas.visa_state(dossier, FicheContact.objects.get(dossier=dossier))


def pdf_html(dossier):
    template, context = fiche.fiche_pdf(type(dossier).objects.get(pk=dossier.pk))
    return " ".join(render_to_string(template, context).split())


def page_text(client, url):
    return " ".join(client.get(url).content.decode().split())


# --- The visa bound to the version ------------------------------------------

def test_doc_1_visa_bound_to_version_it_signed(dossier, head):
    """DOC-1, step 3: the head's visa is bound to the version of the fiche in
    force when they signed: its content kept whole (both parts and the
    employer) and the SHA-256 of its canonical JSON."""
    complete(dossier)
    signed_off(dossier, head)
    state = state_of(dossier)
    visa = state.latest
    assert (visa.by_name, state.in_force, state.stale) == ("Hélène Garnier", True, False)
    content = visa.version.content
    assert content["company_activities"] == STUDENT_PART["company_activities"]
    assert (content["hr_last_name"], content["signatory_phone"], content["employer_siret"]) == (
        "Morel", "04 66 78 50 01", "73282932000074"
    )
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert visa.version.fingerprint == hashlib.sha256(canonical.encode()).hexdigest()
    sheet = FicheContact.objects.get(dossier=dossier)
    assert sheet.content_fingerprint == visa.version.fingerprint


def test_doc_1_visa_bound_to_version_not_to_a_later_save_of_the_same_text(dossier, head):
    """DOC-1: saving the fiche again with the same content records no new
    version: the visa stays in force."""
    complete(dossier)
    signed_off(dossier, head)
    fiche.fiche_save_company_part(dossier=dossier, data=COMPANY_PART, by=dossier.student.user)
    state = state_of(dossier)
    assert state.in_force
    assert FicheContact.objects.get(dossier=dossier).versions.count() == 2  # the student part, then both parts
    assert dossier.steps.get(code="3").state == StepState.VALIDATED


def test_doc_1_change_after_visa_asks_a_new_one(dossier, head):
    """DOC-1, step 3: text typed after the visa makes it stale: step 3 goes
    back to the head (handed in, in their « À faire »), the change is an
    event, and the earlier visa stays in the history."""
    complete(dossier)
    signed_off(dossier, head)
    typed(dossier, activities=CHANGED)
    step = dossier.steps.get(code="3")
    assert step.state == StepState.SUBMITTED
    assert dossier in [row.dossier for row in sources.head_fiches(head)]
    event = dossier.events.filter(step="3").latest("pk")
    assert (event.from_state, event.to_state, event.actor) == ("valide", "soumis", dossier.student.user)
    assert "a changé après le visa du" in event.summary
    state = state_of(dossier)
    assert (state.stale, state.in_force) == (True, False)
    assert state.changes == [
        ("Activités et projets pendant les périodes en entreprise", STUDENT_PART["company_activities"], CHANGED)
    ]
    signed_off(dossier, head)
    state = state_of(dossier)
    assert (len(state.visas), state.in_force) == (2, True)
    first, second = state.visas
    assert first.version.content["company_activities"] == STUDENT_PART["company_activities"]
    assert second.version.content["company_activities"] == CHANGED


def test_doc_1_change_after_visa_both_shown(login, dossier, head, office):
    """DOC-1: once stale, the fiche's page, the dossier panel and the PDF say
    « Visa du … sur une version antérieure — nouveau visa demandé », and the
    page and the PDF show the signed text beside the current one."""
    complete(dossier)
    signed_off(dossier, head)
    typed(dossier, activities=CHANGED)
    day = timezone.localdate()
    stale = f"Visa du {day.day if day.day > 1 else '1er'} "
    read = page_text(login(head), reverse("conventions:fiche-edit", args=[dossier.pk]))
    assert stale in read and "sur une version antérieure — nouveau visa demandé" in read
    assert "Refonte de l&#x27;outil de planification.</del>" in read
    assert f"<ins>{CHANGED}</ins>".replace("'", "&#x27;") in read
    form = page_text(login(dossier.student.user), reverse("conventions:fiche-edit", args=[dossier.pk]))
    assert "sur une version antérieure — nouveau visa demandé" in form
    detail = page_text(login(office), reverse("conventions:dossier-detail", args=[dossier.pk]))
    panel = detail[detail.index('id="fiche"'):]
    assert "sur une version antérieure — nouveau visa demandé" in panel
    html = pdf_html(dossier)
    assert "sur une version antérieure — nouveau visa demandé" in html
    assert "Activités validées dans le portail" not in html
    assert re.search(r'<td class="before">Refonte de l&#x27;outil de planification\.</td><td>' + re.escape(CHANGED.replace("'", "&#x27;")), html)


def test_doc_1_change_after_visa_in_the_real_pdf(dossier, head, django_capture_on_commit_callbacks):
    """DOC-1: the printed PDF of a stale visa carries the notice and what changed."""
    complete(dossier)
    signed_off(dossier, head)
    typed(dossier, activities=CHANGED)
    with django_capture_on_commit_callbacks(execute=True):
        job = pdf_request(dossier=dossier, kind=DocumentKind.FICHE_CONTACT, by=dossier.student.user)
    job.refresh_from_db()
    with job.document.file.open("rb") as handle:
        text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages).split())
    assert "sur une version antérieure — nouveau visa demandé" in text
    assert "reprise de la paie" in text


def test_doc_1_back_to_the_signed_text_the_visa_covers_it_again(login, dossier, head, office):
    """DOC-1: typed back to the very text the head signed, the visa covers the
    fiche again (the panel, which reads no version, says so too)."""
    complete(dossier)
    signed_off(dossier, head)
    typed(dossier, activities=CHANGED)
    typed(dossier)
    assert state_of(dossier).stale is False
    detail = page_text(login(office), reverse("conventions:dossier-detail", args=[dossier.pk]))
    assert "sur une version antérieure" not in detail[detail.index('id="fiche"'):]


def test_doc_1_doc_2_the_pfe_details_after_the_visa_keep_it(dossier, head):
    """DOC-1, DOC-2: the PFE made precise at the end of S9 is not what step 3
    signed (the seed lets it come later): the visa stays in force."""
    complete(dossier)
    signed_off(dossier, head)
    fiche.fiche_save_pfe(dossier=dossier, by=dossier.student.user, data={
        "pfe_title": "Planification des tournées", "pfe_context": "c", "pfe_purpose": "f",
        "pfe_objectives": "o", "pfe_schedule": "d",
    })
    assert state_of(dossier).in_force
    assert "n'est pas couvert par ce visa" in pdf_html(dossier).replace("&#x27;", "'")


@pytest.mark.parametrize("visa_count", [0, 3])
def test_doc_1_the_panel_reads_the_visas_without_a_query(
    login, dossier, head, office, visa_count, django_assert_num_queries
):
    """DOC-1, STYLE §6: the dossier page costs the same with no visa and with
    three visas, the latest stale: the panel reads the visas from the
    timeline the page already read, and the fiche's own fingerprint."""
    complete(dossier)
    for n in range(visa_count):
        signed_off(dossier, head)
        typed(dossier, activities=f"{CHANGED} ({n})")
    client = login(office)
    url = reverse("conventions:dossier-detail", args=[dossier.pk])
    client.get(url)
    with django_assert_num_queries(PAGE_QUERIES):
        content = client.get(url).content.decode()
    assert ("sur une version antérieure" in content) is bool(visa_count)


# The office's dossier page for this dossier (no CERFA, no convention), as
# measured; what matters is that it is the same with and without visas.
PAGE_QUERIES = 20  # 19, and the « Dépôt du contrat à l'OPCO » panel (NOTIF-3)


def test_doc_1_fiches_typed_before_the_versions_get_their_content_as_first_version(dossier, head):
    """DOC-1: the migration gives a fiche typed before versions were kept its
    content as a first version, fingerprinted as the service does; a visa
    given before counts as signing it, and a later change is shown against it."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("conventions.migrations.0010_fiche_complete")
    assert migration.CONTENT_FIELDS == visas.CONTENT_FIELDS
    complete(dossier)
    signed_off(dossier, head)
    sheet = FicheContact.objects.get(dossier=dossier)
    sheet.versions.all().delete()
    FicheContact.objects.filter(pk=sheet.pk).update(content_fingerprint="", content_event=None)
    migration.first_versions(apps, None)
    sheet.refresh_from_db()
    [version] = sheet.versions.all()
    assert version.fingerprint == sheet.content_fingerprint == visas.content_fingerprint(
        visas.fiche_content(sheet, sheet.dossier.company)
    )
    assert state_of(dossier).latest.version == version
    typed(dossier, activities=CHANGED)
    assert [change[2] for change in state_of(dossier).changes] == [CHANGED]


def test_doc_1_change_after_visa_of_the_employer_from_the_cerfa_asks_a_new_one(dossier, head):
    """DOC-1: another employer (another SIRET) given on the CERFA after the
    visa makes it stale too: step 3 goes back to the head, the SIRET shown
    before → after."""
    complete(dossier)
    signed_off(dossier, head)
    other = factories.CompanyFactory()
    values = {name: getattr(other, name) for name in fiche.IDENTITY_FIELDS}
    fiche.attach_company(dossier=dossier, values=values, by=dossier.student.user)  # as cerfa_save does
    assert dossier.steps.get(code="3").state == StepState.SUBMITTED
    assert state_of(dossier).changes == [("SIRET de l'employeur", IDENTITY["siret"], other.siret)]


def test_doc_1_change_after_visa_of_the_employers_siret_corrected_in_place_asks_a_new_one(dossier, head, login):
    """DOC-1: the dossier's own company given a corrected SIRET on the CERFA
    (the same row, corrected in place) makes the visa stale and hands step 3
    back to the head, who can sign the version shown."""
    complete(dossier)
    signed_off(dossier, head)
    values = {name: getattr(dossier.company, name) for name in fiche.IDENTITY_FIELDS}
    values["siret"] = factories.valid_siret(9876)
    company = fiche.attach_company(dossier=dossier, values=values, by=dossier.student.user)  # as cerfa_save does
    assert company.pk == dossier.company_id
    assert dossier.steps.get(code="3").state == StepState.SUBMITTED
    assert state_of(dossier).changes == [("SIRET de l'employeur", IDENTITY["siret"], values["siret"])]
    client = login(head)
    _content, fingerprint = read_form(client, dossier)
    client.post(reverse("conventions:fiche-visa", args=[dossier.pk]), {"empreinte": fingerprint})
    assert dossier.steps.get(code="3").state == StepState.VALIDATED
    assert not state_of(dossier).stale


def handed_in(dossier, head):
    dossier_approve_contract(dossier=dossier, by=head)
    steps.step_transition(step=dossier.steps.get(code="3"), action=steps.SUBMIT, by=dossier.student.user)


def read_form(client, dossier):
    """The head's read-only fiche and the fingerprint its « Viser » form carries."""
    content = client.get(reverse("conventions:fiche-edit", args=[dossier.pk])).content.decode()
    return content, re.search(r'name="empreinte" value="([0-9a-f]{64})"', content).group(1)


def test_doc_1_visa_bound_to_version_the_head_read_on_the_fiche(login, dossier, head):
    """DOC-1, step 3: the head signs off from the fiche's page the version it
    shows: step 3 is validated, the visa bound to that very version."""
    complete(dossier)
    handed_in(dossier, head)
    client = login(head)
    content, fingerprint = read_form(client, dossier)
    assert "Viser cette version" in content
    # The form sits in the page once, never in its <title> (token, fingerprint).
    title = content.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and fingerprint not in title and content.count('id="viser"') == 1
    response = client.post(reverse("conventions:fiche-visa", args=[dossier.pk]), {"empreinte": fingerprint})
    assert response.status_code == 302
    assert dossier.steps.get(code="3").state == StepState.VALIDATED
    assert state_of(dossier).latest.version.fingerprint == fingerprint


def test_doc_1_change_after_visa_page_opened_asks_the_head_to_read_again(login, dossier, head):
    """DOC-1: text typed while the head reads the fiche is not signed unseen:
    their visa of the version they read is refused, step 3 stays handed in."""
    complete(dossier)
    handed_in(dossier, head)
    client = login(head)
    _content, fingerprint = read_form(client, dossier)
    typed(dossier, activities=CHANGED)
    response = client.post(reverse("conventions:fiche-visa", args=[dossier.pk]), {"empreinte": fingerprint}, follow=True)
    assert "La fiche a changé depuis que vous l&#x27;avez ouverte" in response.content.decode()
    assert dossier.steps.get(code="3").state == StepState.SUBMITTED
    assert not dossier.events.filter(step="3", verb=visas.VISA_VERB).exists()


def test_doc_1_only_the_head_signs_the_fiche_off(login, dossier, head, office):
    """DOC-1, ROLE-3: the office, which sees the dossier, may not sign the
    fiche off (403); nothing moves."""
    complete(dossier)
    handed_in(dossier, head)
    _content, fingerprint = read_form(login(head), dossier)
    response = login(office).post(reverse("conventions:fiche-visa", args=[dossier.pk]), {"empreinte": fingerprint})
    assert response.status_code == 403
    assert dossier.steps.get(code="3").state == StepState.SUBMITTED
