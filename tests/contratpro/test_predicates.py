"""The write predicates of the chokepoint (ROLE-9): each one decides for
views, services and templates alike, so each is tested here once, for the
people who may and for those who may not."""

import datetime

import pytest
from django.utils import timezone

from contratpro import roles
from conventions.dossier import steps
from conventions.links import services as links
from conventions.models import CompanyContact, ExternalLink, Signature
from tests import factories

pytestmark = pytest.mark.django_db
Party, Method = Signature.Party, Signature.Method


@pytest.fixture
def people(year):
    head = factories.UserFactory(username="resp2ia")
    department = factories.department("2IA")
    department.head = head
    department.save()
    other_head = factories.UserFactory(username="respgcbd")
    gcbd = factories.department("GCBD")
    gcbd.head = other_head
    gcbd.save()
    return {
        "office": factories.UserFactory(username="bureau", groups=["Service Contrats Pro"]),
        "direction": factories.UserFactory(username="direction", groups=["Direction"]),
        "head": head,
        "other_head": other_head,
        "tutor": factories.UserFactory(username="tuteur"),
        "stranger": factories.UserFactory(username="autre-eleve"),
    }


@pytest.fixture
def dossier(people):
    dossier = factories.DossierFactory(tuteur_ecole=people["tutor"])
    dossier.signataire = factories.CompanyContactFactory(company=dossier.company, role=CompanyContact.Role.SIGNATORY)
    dossier.save()
    steps.steps_sync(dossier)
    return dossier


def test_role_7_school_signature_by_the_direction_or_the_office_only(people, dossier):
    """ROLE-7, DOC-4: the school signs through the direction, or the office on its behalf."""
    for who, expected in (("direction", True), ("office", True), ("head", False), ("tutor", False)):
        assert roles.can_sign(people[who], dossier, party=Party.SCHOOL, method=Method.PORTAL) is expected, who
    assert not roles.can_sign(dossier.student.user, dossier, party=Party.SCHOOL, method=Method.PORTAL)


def test_doc_4_the_student_signs_only_for_themself_in_the_portal(people, dossier):
    """DOC-4, ROLE-1: the student signs as the student, never for the company."""
    student = dossier.student.user
    assert roles.can_sign(student, dossier, party=Party.STUDENT, method=Method.PORTAL)
    assert not roles.can_sign(student, dossier, party=Party.COMPANY, method=Method.PORTAL)
    assert not roles.can_sign(people["stranger"], dossier, party=Party.STUDENT, method=Method.PORTAL)


def test_doc_5_only_the_office_records_a_paper_signature(people, dossier):
    """DOC-5: a signature received on paper is recorded by the office, for any party."""
    assert roles.can_sign(people["office"], dossier, party=Party.COMPANY, method=Method.PAPER)
    assert not roles.can_sign(dossier.student.user, dossier, party=Party.STUDENT, method=Method.PAPER)


def test_role_5_the_company_signs_only_through_a_valid_signing_link(people, dossier):
    """ROLE-5: a signing link of this dossier, active, signs for the company;
    a fiche link, an expired, a revoked or another dossier's link does not."""
    office = people["office"]
    sign = links.link_create(dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office)
    fiche = links.link_create(dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office)
    assert roles.can_sign(None, dossier, party=Party.COMPANY, method=Method.LINK, link=sign)
    assert not roles.can_sign(None, dossier, party=Party.COMPANY, method=Method.LINK, link=fiche)
    assert not roles.can_sign(None, dossier, party=Party.COMPANY, method=Method.LINK, link=None)
    other = factories.DossierFactory(company=dossier.company, signataire=dossier.signataire)
    assert not roles.can_sign(None, other, party=Party.COMPANY, method=Method.LINK, link=sign)
    sign.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    assert not roles.can_sign(None, dossier, party=Party.COMPANY, method=Method.LINK, link=sign)


def test_role_5_link_problem_names_each_cause(people, dossier):
    """ROLE-5: purpose, scope (dossier, company), revoked, expired, or None."""
    link = links.link_create(dossier=dossier, contact=dossier.signataire, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=people["office"])
    purpose = ExternalLink.Purpose.SIGN_CONVENTION
    assert roles.link_problem(link, purpose=purpose, dossier=dossier) is None
    assert roles.link_problem(link, purpose=ExternalLink.Purpose.FICHE_CONTACT) == "purpose"
    assert roles.link_problem(link, purpose=purpose, dossier=factories.DossierFactory()) == "scope"
    later = link.expires_at
    assert roles.link_problem(link, purpose=purpose, now=later) == "expired"
    assert roles.link_problem(link, purpose=purpose, now=later - datetime.timedelta(seconds=1)) is None
    links.link_revoke(link=link, by=people["office"])
    assert roles.link_problem(link, purpose=purpose) == "revoked"
    link.dossier.company = factories.CompanyFactory()
    assert roles.link_problem(link, purpose=purpose) == "scope"


def test_elig_9_only_the_head_of_the_student_s_department_approves(people, dossier):
    """ELIG-9, ROLE-3: the 2IA head approves a 2IA student's contract; the GCBD head does not."""
    assert roles.can_approve_contract(people["head"], dossier)
    assert not roles.can_approve_contract(people["other_head"], dossier)
    assert not roles.can_approve_contract(people["office"], dossier)


def test_step_3_rights_follow_the_catalogue(people, dossier):
    """STEP-1, STEP-3: the student hands step 3 in, the head validates it,
    the office only reopens it; the tutor validates step A."""
    three, report = steps.BY_CODE["3"], steps.BY_CODE["A"]
    assert roles.step_rights(roles.actors_of(dossier.student.user, dossier), three) == {"submit"}
    assert roles.step_rights(roles.actors_of(people["head"], dossier), three) == {"validate", "refuse"}
    assert roles.step_rights(roles.actors_of(people["office"], dossier), three) == {"reopen"}
    assert roles.can_validate_step(people["tutor"], dossier, report)
    assert not roles.can_validate_step(people["other_head"], dossier, three)


def test_doc_1_papers_and_uploads_are_the_student_s_and_the_office_s(people, dossier):
    """DOC-1, DOC-6: the fiche, the CERFA and the files are typed or filed by
    the dossier's student and the office; a head, a tutor or another student cannot."""
    for check in (roles.can_edit_dossier_papers, roles.can_upload, roles.can_report_incident):
        assert check(dossier.student.user, dossier) and check(people["office"], dossier)
        assert not any(check(people[who], dossier) for who in ("head", "tutor", "stranger", "direction"))


def test_step_6_the_fiche_is_read_by_its_writers_the_head_and_the_tutor(people, dossier):
    """STEP-6, DOC-1: the dossier's head (owner) and tuteur école read the
    fiche; a colleague heading another department and an outsider do not,
    nor the direction, who only signs the convention."""
    can = lambda who: roles.can_read_fiche(who, dossier)  # noqa: E731
    assert can(dossier.student.user) and can(people["office"]) and can(people["head"]) and can(people["tutor"])
    assert not can(people["other_head"]) and not can(people["stranger"]) and not can(people["direction"])
