"""DOC-11, CONTACT-1: the school's identity is data the office edits, per
year where it changes; the convention and the CERFA read it, and nothing
goes out for signature while a required part is missing."""

import html

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from contratpro.school import services as school
from contratpro.school.models import SchoolIdentity
from conventions.cerfa import services as cerfa
from conventions.convention import services as convention
from conventions.dossier import steps
from conventions.links import services as links
from conventions.links.tasks import send_link_email
from conventions.models import CompanyContact, ExternalLink
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(year):
    company = factories.CompanyFactory(name="Cévennes Ingénierie SAS", siret="73282932000074")
    signatory = factories.CompanyContactFactory(company=company, role=CompanyContact.Role.SIGNATORY)
    dossier = factories.DossierFactory(student=factories.StudentFactory(), company=company, signataire=signatory, year=year)
    steps.steps_sync(dossier)
    return factories.convention_ready(dossier)


def convention_text(dossier):
    template, context = convention.convention_build(dossier)
    return html.unescape(render_to_string(template, context))


def test_doc_11_convention_reads_siret_nda_and_signatory_from_the_record(dossier, school_identity_complete):
    """DOC-11: SIRET, NDA, its region and the signatory with her capacity as written come from the record."""
    identity = school_identity_complete
    identity.siret, identity.nda, identity.nda_region = "19300005800019", "76 30 01234 30", "Occitanie"
    identity.signatory_name, identity.signatory_capacity = "Claire Dupont", "Directrice générale"
    identity.save()
    text = convention_text(dossier)
    for mention in ("19300005800019", "76 30 01234 30", "Occitanie", "Claire Dupont", "directrice générale", "Directrice générale"):
        assert mention in text, mention
    assert "à compléter par le service]" not in text.split("né(e) le")[0]
    assert "SIRET <span" not in text


def test_doc_11_cerfa_reads_the_record(dossier, school_identity_complete):
    """DOC-11: the CERFA's organisme de formation is the record, not a setting."""
    organisation = cerfa.school(dossier.year.start_year)
    assert organisation["siret"] == school_identity_complete.siret
    assert organisation["nda"] == school_identity_complete.nda
    assert "6 avenue de Clavières" in organisation["address"]


def test_doc_11_latest_record_at_most_the_dossiers_year_applies(dossier, school_identity_complete):
    """DOC-11: a record from a later year does not reach an earlier dossier; from its year on it applies."""
    start = dossier.year.start_year
    SchoolIdentity.objects.create(
        **{**{f.name: getattr(school_identity_complete, f.name) for f in SchoolIdentity._meta.concrete_fields
              if f.name not in ("id", "updated_at")}, "valid_from_year": start + 1, "signatory_name": "Nouveau Directeur"}
    )
    assert school.school_for_year(start).signatory_name == school_identity_complete.signatory_name
    assert school.school_for_year(start + 1).signatory_name == "Nouveau Directeur"
    assert school.school_for_year(start + 5).signatory_name == "Nouveau Directeur"
    assert "Nouveau Directeur" not in convention_text(dossier)


def test_doc_11_nothing_goes_out_for_signature_while_a_required_part_is_missing(dossier, office, school_identity_complete):
    """DOC-11: the service refuses the convention, naming what is missing."""
    school_identity_complete.siret = ""
    school_identity_complete.signatory_capacity = ""
    school_identity_complete.save()
    with pytest.raises(ValidationError) as refused:
        convention.convention_request(dossier=dossier, by=office)
    message = " ".join(refused.value.messages)
    assert "le SIRET de l'école" in message and "la qualité du signataire de l'école" in message
    assert "NDA" not in message and "DOC-11" not in message
    with pytest.raises(ValidationError):
        convention.convention_build(dossier)


def test_doc_11_panel_disables_the_button_and_links_to_the_edit_page(dossier, office, login, school_identity_complete):
    """DOC-11: the panel says what is missing, the button is disabled, the office gets the link."""
    school_identity_complete.nda = ""
    school_identity_complete.save()
    response = login(office).get(reverse("conventions:convention-panel", args=[dossier.pk]), HTTP_HX_REQUEST="true")
    page = html.unescape(response.content.decode())
    assert "le numéro de déclaration d'activité" in page
    assert 'disabled aria-describedby="convention-missing"' in page and 'id="convention-school-missing"' in page
    assert reverse("school:edit") in page
    school_identity_complete.nda = "76 30 01234 30"
    school_identity_complete.save()
    page = login(office).get(reverse("conventions:convention-panel", args=[dossier.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "convention-school-missing" not in page


def test_doc_11_only_the_office_edits_the_identity(login, office, school_identity_complete):
    """DOC-11: others get a 403; the office saves, a bad SIRET keeps the input with a French error, a new year adds a record."""
    student = factories.StudentFactory().user
    assert login(student).get(reverse("school:edit")).status_code == 403
    assert login(student).post(reverse("school:edit"), {"name": "X"}).status_code == 403
    client = login(office)
    page = client.get(reverse("school:edit"))
    assert page.status_code == 200 and "Identité de l'école" in html.unescape(page.content.decode())
    data = {f: getattr(school_identity_complete, f) for f in (
        "valid_from_year", "name", "legal_name", "siret", "nda", "nda_region", "address", "place", "signatory_name",
        "signatory_capacity", "social_name", "social_email", "social_address", "office_email", "office_phone", "mailbox")}
    refused = client.post(reverse("school:edit"), {**data, "siret": "12345678901234", "signatory_name": "Claire Dupont"})
    text = html.unescape(refused.content.decode())
    assert refused.status_code == 200 and "Ce SIRET n'est pas valide" in text and "Claire Dupont" in text
    assert client.post(reverse("school:edit"), {**data, "signatory_name": "Claire Dupont"}).status_code == 302
    assert SchoolIdentity.objects.get(valid_from_year=data["valid_from_year"]).signatory_name == "Claire Dupont"
    assert client.post(reverse("school:edit"), {**data, "valid_from_year": 2030, "signatory_name": "Autre"}).status_code == 302
    assert SchoolIdentity.objects.get(valid_from_year=data["valid_from_year"]).signatory_name == "Claire Dupont"
    assert SchoolIdentity.objects.get(valid_from_year=2030).signatory_name == "Autre"


# CONTACT-1: the office's contact on pages, link pages and mails comes from
# the school's identity, not from the settings.


@pytest.fixture
def moved_office(school_identity_complete):
    identity = school_identity_complete
    identity.mailbox, identity.office_email = "alternance@ecole.example", ""
    identity.address = "12 rue des Mineurs\n30100 Alès"
    identity.save()
    return identity


def test_contact_1_footer_prints_the_mailbox_and_address_of_the_record(client, moved_office):
    """CONTACT-1, DOC-11: the footer of every page (here the login page)
    prints the record's mailbox and address."""
    content = html.unescape(client.get(reverse("login")).content.decode())
    assert 'href="mailto:alternance@ecole.example"' in content
    assert "12 rue des Mineurs · 30100 Alès" in content
    assert "contrats-pro@mines-ales.fr" not in content


def test_contact_1_link_page_and_link_mail_give_the_records_mailbox(
    dossier, office, moved_office, mailoutbox
):
    """CONTACT-1: the mail carrying a personal link answers to the record's
    mailbox, and the link's page tells the company person to write there."""

    tutor = factories.CompanyContactFactory(company=dossier.company, role=CompanyContact.Role.TUTOR,
                                            email="paul.roux@entreprise.example")
    link = links.link_create(dossier=dossier, contact=tutor, purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office)
    assert send_link_email(link.pk, "http://testserver" + links.link_url(link))
    message = mailoutbox[-1]
    assert message.reply_to == ["alternance@ecole.example"]
    assert "alternance@ecole.example" in message.body
    page = html.unescape(Client().get(links.link_url(link), follow=True).content.decode())
    assert 'href="mailto:alternance@ecole.example"' in page


def test_contact_1_an_empty_mailbox_falls_back_to_the_office_email_then_the_settings(moved_office, settings):
    """CONTACT-1: the mailbox first, then the office's e-mail, then the
    settings' address only while the record leaves both empty."""
    year = moved_office.valid_from_year
    assert school.office_contact(year)["email"] == "alternance@ecole.example"
    moved_office.mailbox, moved_office.office_email = "", "bureau@ecole.example"
    moved_office.save()
    assert school.office_contact(year)["email"] == "bureau@ecole.example"
    moved_office.office_email = ""
    moved_office.save()
    assert school.office_contact(year)["email"] == settings.CONTRATPRO_CONTACT["email"]


@pytest.mark.parametrize("number", ["FR02193000056", "FR02 193 000 056", "fr02193000056"])
def test_doc_11_a_valid_vat_number_is_accepted(number):
    """DOC-11: FR, two key digits and a SIREN whose key holds."""
    from contratpro.school.models import validate_vat_number, vat_compact

    assert validate_vat_number(number) is None
    assert vat_compact(number) == "FR02193000056"


@pytest.mark.parametrize("number, message", [
    ("FR03193000056", "n'est pas valide"),  # the key does not match the SIREN
    ("FR02193000058", "n'est pas valide"),  # the SIREN's own key is wrong
    ("DE123456789", "s'écrit FR"),
    ("FR0219300005", "s'écrit FR"),
    ("FRAB193000056", "s'écrit FR"),
])
def test_doc_11_a_wrong_vat_number_is_refused(number, message):
    """DOC-11: another country, a length, letters as key, a wrong key: refused in French."""
    from contratpro.school.models import validate_vat_number

    with pytest.raises(ValidationError, match=message):
        validate_vat_number(number)


def test_doc_11_the_vat_number_matches_the_siret_on_the_edit_page(login, office, school_identity_complete):
    """DOC-11: the office enters the VAT number on the school's page; one
    whose SIREN is not the SIRET's is refused there, the right one saved."""
    from django.forms.models import model_to_dict

    client = login(office)
    data = {k: v for k, v in model_to_dict(school_identity_complete).items() if k not in ("id", "updated_at")}
    data["siret"] = "19300005600013"
    refused = client.post(reverse("school:edit"), {**data, "vat_number": "FR40303265045"})
    assert refused.status_code == 200 and "ne correspond pas au SIREN de l&#x27;école (193000056" in refused.content.decode()
    assert client.post(reverse("school:edit"), {**data, "vat_number": "FR02 193 000 056"}).status_code == 302
    school_identity_complete.refresh_from_db()
    assert school_identity_complete.vat_id == "FR02193000056"
