"""Expired and revoked personal links refused by the services themselves,
whatever the view in front of them checks (ROLE-5, DOC-4, DOC-1)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from conventions.convention import services as convention
from conventions.documents.models import DocumentKind
from conventions.documents.pdf import document_attach
from conventions.dossier import steps
from conventions.fiche import services as fiche
from conventions.links import services as links
from conventions.models import CompanyContact, ExternalLink, FicheContact, Signature
from students.models import Event
from tests import factories
from tests.conventions.test_external_acts import COMPANY_PART, TINY_PDF

pytestmark = pytest.mark.django_db
Party, Method = Signature.Party, Signature.Method
CANNOT_SIGN = "Vous ne pouvez pas signer la convention au nom de : Entreprise."


@pytest.fixture
def office(db):
    return factories.UserFactory(groups=["Service Contrats Pro"])


@pytest.fixture
def dossier(year):
    signatory = factories.CompanyContactFactory(role=CompanyContact.Role.SIGNATORY, first_name="Anne", last_name="Salles")
    dossier = factories.DossierFactory(student=factories.StudentFactory(year=year), company=signatory.company, signataire=signatory)
    steps.steps_sync(dossier)
    return dossier


@pytest.fixture
def document(dossier, office):
    """The convention in force, a tiny valid PDF (what is signed is its SHA-256)."""
    return document_attach(
        dossier=dossier, kind=DocumentKind.CONVENTION, content=TINY_PDF, name="convention.pdf", generated=True, by=office
    )


def link_for(dossier, office, purpose):
    return links.link_create(dossier=dossier, contact=dossier.signataire, purpose=purpose, by=office)


def expire(link, ago=datetime.timedelta(minutes=1)):
    ExternalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - ago)
    link.refresh_from_db()
    return link


def sign_through(document, link):
    return convention.convention_sign(
        document=document, party=Party.COMPANY, method=Method.LINK, signer_name="Anne Salles", link=link
    )


def sign_events(dossier):
    return Event.objects.filter(dossier=dossier, verb="conventions.convention.sign").count()


# DOC-4, ROLE-5: the convention is signed through a link only while it is active.


def test_role_5_signing_through_an_expired_link_is_refused_by_the_service(dossier, office, document):
    """ROLE-5, DOC-4: ``convention_sign`` itself refuses a company signature
    through a link that expired a minute ago, in French, and records no
    signature and no event."""
    link = expire(link_for(dossier, office, ExternalLink.Purpose.SIGN_CONVENTION))
    with pytest.raises(PermissionDenied) as refusal:
        sign_through(document, link)
    assert str(refusal.value) == CANNOT_SIGN
    assert not Signature.objects.filter(document=document).exists()
    assert sign_events(dossier) == 0


def test_role_5_signing_through_a_revoked_link_is_refused_by_the_service(dossier, office, document):
    """ROLE-5, DOC-4: once the office revoked the link, ``convention_sign``
    refuses the company's signature through it, in French, and records no
    signature and no event."""
    link = link_for(dossier, office, ExternalLink.Purpose.SIGN_CONVENTION)
    links.link_revoke(link=link, by=office)
    with pytest.raises(PermissionDenied) as refusal:
        sign_through(document, link)
    assert str(refusal.value) == CANNOT_SIGN
    assert not Signature.objects.filter(document=document).exists()
    assert sign_events(dossier) == 0


@pytest.mark.parametrize(
    ("offset", "signs"),
    [
        pytest.param(datetime.timedelta(seconds=-1), True, id="second-before-expiry"),
        pytest.param(datetime.timedelta(0), False, id="instant-of-expiry"),
        pytest.param(datetime.timedelta(seconds=1), False, id="second-after-expiry"),
    ],
)
def test_role_5_a_link_signs_until_its_expiry_instant_and_not_from_it(dossier, office, document, monkeypatch, offset, signs):
    """ROLE-5, DOC-4: a signing link works up to the second before its
    expiry; at the expiry instant and after, the service refuses it and
    records no signature."""
    link = link_for(dossier, office, ExternalLink.Purpose.SIGN_CONVENTION)
    monkeypatch.setattr(timezone, "now", lambda: link.expires_at + offset)
    if signs:
        assert sign_through(document, link).via_link == link
    else:
        with pytest.raises(PermissionDenied, match=CANNOT_SIGN):
            sign_through(document, link)
        assert not Signature.objects.filter(document=document).exists()


# DOC-1, ROLE-5: the fiche's company part is typed through a link only while it is active.


def fiche_written(dossier):
    """What a company part would write: the fiche, its event, the company's contacts."""
    return (
        FicheContact.objects.filter(dossier=dossier).exists(),
        Event.objects.filter(dossier=dossier, verb="conventions.fiche.company_part").count(),
        sorted(dossier.company.contacts.values_list("email", flat=True)),
    )


def test_role_5_the_fiche_company_part_through_an_expired_link_is_refused_by_the_service(dossier, office):
    """ROLE-5, DOC-1: ``fiche_save_company_part`` itself refuses the
    company's part sent through a fiche link that expired, and writes nothing."""
    link = expire(link_for(dossier, office, ExternalLink.Purpose.FICHE_CONTACT))
    before = fiche_written(dossier)
    with pytest.raises(PermissionDenied):
        fiche.fiche_save_company_part(dossier=dossier, data=COMPANY_PART, link=link)
    assert fiche_written(dossier) == before == (False, 0, [dossier.signataire.email])


def test_role_5_the_fiche_company_part_through_a_revoked_link_is_refused_by_the_service(dossier, office):
    """ROLE-5, DOC-1: ``fiche_save_company_part`` itself refuses the
    company's part sent through a fiche link the office revoked, and writes nothing."""
    link = link_for(dossier, office, ExternalLink.Purpose.FICHE_CONTACT)
    links.link_revoke(link=link, by=office)
    before = fiche_written(dossier)
    with pytest.raises(PermissionDenied):
        fiche.fiche_save_company_part(dossier=dossier, data=COMPANY_PART, link=link)
    assert fiche_written(dossier) == before == (False, 0, [dossier.signataire.email])
