"""The portal's other mails moved onto the registry (issue 15): each is a
registered text the office may edit, with an HTML part made from it."""

import datetime

import pytest
from django.core import mail

from attendance.absences import mail as absence_mail
from attendance.absences import services as absences
from conventions.convention import mail as convention_mail
from conventions.convention import sending
from conventions.convention import services as convention_services
from conventions.convention import texts as convention_texts
from conventions.dossier import mail as dossier_mail
from conventions.dossier import steps
from conventions.dossier import services as dossier_services
from conventions.dossier.tasks import notify_dossier_opened
from conventions.links import mail as link_mail
from conventions.links import services as links
from conventions.links import tasks as link_tasks
from conventions.links.models import ExternalLink
from conventions.mailtexts import registry, services
from conventions.models import CompanyContact
from grading.s9 import mail as s9_mail
from grading.s9 import services as s9
from students.models import InfoMeeting, Student
from tests import factories


@pytest.fixture
def registered():
    """The texts as ``ConventionsConfig.ready`` registers them (idempotent)."""
    registry.register(link_mail.TEXT)
    registry.register(dossier_mail.TEXT)


def test_role_5_the_personal_link_mail_is_the_office_s_text_with_an_html_part(registered, year, office):
    """ROLE-5, issue 15: the personal link's mail reads as shipped (the
    contact greeted, what the link is for, until when), has an HTML part
    with the button to the link, and once the office saves its own text
    the next link's mail uses it."""
    dossier = factories.DossierFactory(student__year=year)
    contact = factories.CompanyContactFactory(company=dossier.company, role=CompanyContact.Role.TUTOR, email="tuteur@entreprise.example")
    link = links.link_create(dossier=dossier, contact=contact, purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office)
    url = "https://contrats-pro.example" + links.link_url(link)
    assert link_tasks.send_link_email(link.pk, url) is True
    message = mail.outbox[-1]
    assert message.subject == f"IMT Mines Alès – votre lien personnel : Compléter la partie entreprise de la fiche contact ({dossier.student.full_name})"
    assert message.body.startswith(f"Bonjour {contact.full_name},\n\n")
    assert "Ce lien vous permet de compléter la partie entreprise de la fiche contact" in message.body and url in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and f'<a href="{url}" style=' in html and ">Ouvrir mon lien personnel</a>" in html
    services.mailtext_save(key=link_mail.KEY, subject="Votre lien pour {{ eleve }}", body="Madame, Monsieur,\n{{ url }}", by=office)
    assert link_tasks.send_link_email(link.pk, url) is True
    assert mail.outbox[-1].subject == f"Votre lien pour {dossier.student.full_name}"
    assert mail.outbox[-1].body == f"Madame, Monsieur,\n{url}\n"


def test_role_5_the_personal_link_preview_holds_plain_values(registered, year, office):
    """Issue 15: the link mail's sample on a real dossier (its latest link)
    is plain values, every variable of the text given."""
    dossier = factories.DossierFactory(student__year=year)
    contact = factories.CompanyContactFactory(company=dossier.company, role=CompanyContact.Role.TUTOR)
    links.link_create(dossier=dossier, contact=contact, purpose=ExternalLink.Purpose.APPRAISAL, by=office)
    context = link_mail.TEXT.sample(dossier)
    assert context is not None and set(link_mail.TEXT.variables) <= set(context)
    assert all(isinstance(value, str) for value in context.values())


def test_step_1_the_dossier_opened_mail_is_the_office_s_text_with_an_html_part(
    registered, year, head, office, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """STEP-1, NOTIF-2, issue 15: the mail « démarche engagée » reads as
    shipped (the student, the department, step 1, the next steps), with an
    HTML part whose button opens the dossier; the office's saved text is
    what the next one says."""
    settings.CONTRATPRO_PUBLIC_URL = "https://contrats-pro.example"
    student = factories.StudentFactory()
    InfoMeeting.objects.create(year=year, date=datetime.date(2026, 3, 12)).attendees.add(student)
    student = Student.objects.get(pk=student.pk)
    services.mailtext_save(key=dossier_mail.KEY, subject="Étape 1 : {{ eleve }}", body="{{ eleve }} ({{ annee }})", by=office)
    services.mailtext_restore(key=dossier_mail.KEY, by=office)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = dossier_services.dossier_open(student=student, by=student.user)
    (message,) = [m for m in mailoutbox if "engage sa démarche" in m.subject]
    assert set(message.to) == {"contrats-pro@mines-ales.fr", "resp2ia@mines-ales.fr"}
    assert message.subject == f"Contrat pro : {student.full_name} (2IA) engage sa démarche"
    assert f"{student.full_name} (2IA) vient d'engager sa démarche de contrat de professionnalisation pour {year.label} (étape 1)" in message.body
    url = f"https://contrats-pro.example/dossiers/{dossier.pk}/"
    html, _mimetype = message.alternatives[0]
    assert f'<a href="{url}" style=' in html and ">Ouvrir le dossier</a>" in html
    services.mailtext_save(key=dossier_mail.KEY, subject="Étape 1 : {{ eleve }}", body="{{ eleve }} ({{ annee }})", by=office)
    notify_dossier_opened(dossier.pk)
    assert mailoutbox[-1].subject == f"Étape 1 : {student.full_name}"
    assert mailoutbox[-1].body == f"{student.full_name} ({year.label})\n"


def test_abs_3_the_incident_mail_is_a_registered_text_with_an_html_part(year, office, django_capture_on_commit_callbacks):
    """ABS-3, issue 15: the incident's mail to the office reads as shipped
    (what, when, who reported it, the employer's 30 days for a rupture),
    with an HTML part whose button opens the dossier; the office's saved
    text is what the next one says. Both absences' texts are registered."""
    keys = {text.key for text in registry.registered()}
    assert {absence_mail.INCIDENT, absence_mail.REQUEST} <= keys
    dossier = factories.DossierFactory(student__year=year)
    with django_capture_on_commit_callbacks(execute=True):
        absences.incident_declare(dossier=dossier, kind="rupture", start=datetime.date(2026, 11, 18), description="Fin d'activité.", by=office)
    message = mail.outbox[-1]
    assert message.subject == f"Contrat pro : Rupture du contrat signalé pour {dossier.student.full_name} ({dossier.student.department.code})"
    assert "le 18 novembre 2026, signalé par Nadia Bureau." in message.body and "Fin d'activité." in message.body
    assert "dans les 30 jours" in message.body
    html, _mimetype = message.alternatives[0]
    assert ">Ouvrir le dossier</a>" in html and "Fin d&#x27;activité." in html


def test_role_3_the_tutor_named_mail_is_a_registered_text_with_an_html_part(head, office, settings, django_capture_on_commit_callbacks):
    """ROLE-3, issue 15: the teacher named tuteur école reads the shipped
    text (the student, the department, the year, what awaits them before
    Christmas) with a button to « Évaluations du S9 »; the office's saved
    text is what the next naming says."""
    settings.CONTRATPRO_PUBLIC_URL = "https://contrats-pro.example"
    assert s9_mail.KEY in {text.key for text in registry.registered()}
    teacher = factories.UserFactory(first_name="Anne", last_name="Durand", email="durand@mines-ales.fr", groups=["Enseignants"])
    dossier = factories.DossierFactory()
    steps.steps_sync(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        s9.tutor_name(dossier=dossier, tutor=teacher, by=head)
    message = mail.outbox[-1]
    student = dossier.student
    assert message.to == ["durand@mines-ales.fr"]
    assert message.subject == f"Contrat pro : vous êtes le tuteur école de {student.full_name}"
    assert message.body.startswith(
        f"Bonjour Anne Durand,\n\nVous êtes nommé tuteur école de {student.full_name} (2IA, {dossier.year.label})"
    )
    html, _mimetype = message.alternatives[0]
    assert '<a href="https://contrats-pro.example/s9/" style=' in html
    services.mailtext_save(key=s9_mail.KEY, subject="Tutorat : {{ eleve }}", body="Bonjour {{ nom }}", by=office)
    other = factories.UserFactory(first_name="Marc", last_name="Petit", email="petit@mines-ales.fr", groups=["Enseignants"])
    with django_capture_on_commit_callbacks(execute=True):
        s9.tutor_name(dossier=dossier, tutor=other, by=head)
    assert (mail.outbox[-1].subject, mail.outbox[-1].body) == (f"Tutorat : {student.full_name}", "Bonjour Marc Petit\n")


def test_doc_8_the_copies_texts_check_and_render_their_lists():
    """DOC-8, issue 15: the copies' texts loop over the signatures and the
    attached documents (lists of dicts of plain values); both pass the
    checks of an edited text and render a list as the recipient reads it."""
    for text in convention_texts.TEXTS:
        subject, body = registry.default_source(text.key)
        registry.check_source(subject, text.variables)
        registry.check_source(body, text.variables)
    context = {
        "eleve": "Léa Martin", "entreprise": "Cévennes SA", "reference": "CP-2026-0001", "ecole": "IMT Mines Alès",
        "email_service": "contrats-pro@mines-ales.fr",
        "signatures": [{"partie": "Élève", "signataire": "Léa Martin", "le": "2 juin 2026 à 9 h 15", "moyen": "sur le portail"}],
        "pieces": [{"nom": "Convention de formation v1", "sha256": "ab12"}],
    }
    rendered = registry.render_texts(*registry.default_source(convention_mail.COMPANY), context)
    assert rendered.subject == "Convention de formation CP-2026-0001 signée – Léa Martin"
    assert "- Élève : Léa Martin, 2 juin 2026 à 9 h 15 (sur le portail)\n" in rendered.text
    assert "- Convention de formation v1 – SHA-256 ab12\n" in rendered.text


def test_doc_8_the_company_copy_is_the_registered_text_with_its_attachment(
    year, office, school_identity_complete, django_capture_on_commit_callbacks
):
    """DOC-8, issue 15: the company's copy of the signed convention reads
    as shipped (the reference, each signature, each attachment), keeps the
    office in copy and its attachment, and gains an HTML part."""
    company = factories.CompanyFactory(name="Garrigues Bâtiment SA")
    signatory = factories.CompanyContactFactory(company=company, role=CompanyContact.Role.SIGNATORY, email="m.roux@garrigues.example")
    dossier = factories.DossierFactory(student__year=year, company=company, signataire=signatory, year=year,
                                       start_date=year.rentree, end_date=year.contract_end)
    steps.steps_sync(dossier)
    factories.cerfa_entered(dossier)
    factories.convention_signed(dossier, office=office, parties=("eleve", "entreprise", "ecole"))
    with django_capture_on_commit_callbacks(execute=True):
        sending.convention_send(dossier=dossier, target=convention_services.TO_COMPANY, by=office)
    (message,) = [m for m in mail.outbox if m.subject.startswith("Convention de formation")]
    reference = convention_services.convention_reference(dossier)
    assert message.subject == f"Convention de formation {reference} signée – {dossier.student.full_name}"
    assert message.to == ["m.roux@garrigues.example"] and message.cc == [school_identity_complete.mailbox or school_identity_complete.office_email]
    assert f"la convention de formation {reference} conclue entre Garrigues Bâtiment SA et " in message.body
    assert "Signatures enregistrées :\n- " in message.body and " – SHA-256 " in message.body
    assert len(message.attachments) == 1 and message.alternatives[0][1] == "text/html"
