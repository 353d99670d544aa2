"""The people and objects of ROLE-9's access matrix (``test_access_matrix``).

One target, student B's dossier, belongs to none of the viewers but the
ones whose role reaches every dossier, and to the head who tutors B
(ROLE-4). Each viewer has objects of their own elsewhere (student A's
dossier, the tutor's tutee C, the head's department X), so a leak shows as
B's marker on a page that should not carry it, or as a change in a table.
"""

import datetime
from types import SimpleNamespace
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from contratpro.accounts import services as accounts
from contratpro.roles import Group_
from conventions.companies.models import ChangeProposal, CompanyContact
from conventions.documents.models import DocumentKind
from conventions.dossier import steps
from conventions.dossier.models import DossierStep, StepState
from conventions.links import services as links
from conventions.links.models import ExternalLink
from tests import factories

# The viewers, in the matrix's column order, with the short head of each column.
VIEWERS = (
    ("anonymous", "an"),   # no session
    ("external", "ex"),    # no session, a personal link for dossier C (ROLE-5)
    ("student", "A"),      # student A, department X, with their own dossier
    ("office", "of"),      # Service Contrats Pro (ROLE-2)
    ("superuser", "su"),   # staff superuser: the office's rights and the admin
    ("head", "hX"),        # head of department X (ROLE-3)
    ("tutor", "tu"),       # tuteur école of dossier C (ROLE-4)
    ("head_tutor", "hT"),  # head of department Z and tuteur école of B (ROLE-3, ROLE-4)
    ("teacher", "te"),     # a teacher who tutors nobody (ROLE-6)
    ("direction", "di"),   # ROLE-7
    ("social", "so"),      # service social (ROLE-8)
    ("scolarite", "sc"),   # scolarité (ROLE-8)
)
VIEWER_NAMES = tuple(name for name, _ in VIEWERS)

# Student B's last name: on a page, it means B's data is there.
MARKER = "Quaresmini"
# Facts of B's eligibility file (ELIG-6): B's nationality (the dossier
# page's facts) and the end of B's residence permit, before the contract's
# (a warning on the dossier page and on the file): on a page, either means
# the file is there.
PERMIT_EXPIRY = datetime.date(2027, 2, 13)
FILE_MARKERS = ("ruritanienne", "13 février 2027")


def _user(username, *groups, **fields):
    return factories.UserFactory(username=f"matrix-{username}", groups=list(groups), **fields)


def build_world():
    """Every viewer and every target, through the factories and the services."""
    year = factories.AcademicYearFactory()
    dept_x, dept_y, dept_z = (factories.department(code) for code in ("2IA", "PRISM", "GCBD"))
    teachers = Group_.TEACHERS.value

    office = _user("bureau", Group_.OFFICE.value)
    people = {
        "office": office,
        "superuser": _user("admin", is_staff=True, is_superuser=True),
        "head": _user("resp-x", teachers),
        "tutor": _user("tuteur", teachers),
        "head_tutor": _user("resp-z", teachers),
        "teacher": _user("enseignant", teachers),
        "direction": _user("direction", Group_.DIRECTION.value),
        "social": _user("social", Group_.SOCIAL.value),
        "scolarite": _user("scolarite", Group_.SCOLARITE.value),
    }
    dept_x.head = people["head"]
    dept_x.save()
    dept_z.head = people["head_tutor"]
    dept_z.save()

    # Student A (department X): their own dossier; SIO not validated, a risk
    # awaiting their acknowledgement (ELIG-2), for the "my own" rows.
    own = factories.DossierFactory(
        student__year=year, student__department=dept_x, student__sio_validated=False,
        student__user__username="matrix-eleve-a",
    )
    steps.steps_sync(own)
    people["student"] = own.student.user

    # Dossier C: the tutor's tutee, and the external person's dossier.
    tutee = factories.DossierFactory(student__year=year, student__department=dept_x, tuteur_ecole=people["tutor"])
    steps.steps_sync(tutee)
    c_signatory = factories.CompanyContactFactory(company=tutee.company, role=CompanyContact.Role.SIGNATORY)
    tutee.signataire = c_signatory
    tutee.save()
    factories.convention_produced(tutee)
    external_link = links.link_create(
        dossier=tutee, contact=c_signatory, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office
    )

    # The target: student B (department Y), tutored by the head of Z.
    target = factories.DossierFactory(
        student__year=year, student__department=dept_y, student__option=dept_y.options.first(),
        student__user__username="matrix-eleve-b", student__user__first_name="Bérénice",
        student__user__last_name=MARKER, student__nationality=FILE_MARKERS[0], student__foreign_national=True,
        student__permit_work_authorised=True, student__permit_expiry=PERMIT_EXPIRY, tuteur_ecole=people["head_tutor"],
    )
    company_tutor = factories.CompanyContactFactory(company=target.company, role=CompanyContact.Role.TUTOR)
    signatory = factories.CompanyContactFactory(company=target.company, role=CompanyContact.Role.SIGNATORY)
    unconfirmed = factories.CompanyContactFactory(
        company=target.company, role=CompanyContact.Role.HR, email_confirmed_at=None
    )
    target.tuteur_entreprise, target.signataire = company_tutor, signatory
    target.save()
    steps.steps_sync(target)
    report = factories.upload(target, DocumentKind.RAPPORT_PE, by=target.student.user, step="A")
    DossierStep.objects.filter(dossier=target, code="A").update(state=StepState.SUBMITTED)
    convention = factories.convention_signed(target, office=office, parties=("eleve", "entreprise"))
    active_link = links.link_create(
        dossier=target, contact=signatory, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office
    )
    revoked_link = links.link_create(
        dossier=target, contact=company_tutor, purpose=ExternalLink.Purpose.FICHE_CONTACT, by=office
    )
    links.link_revoke(link=revoked_link, by=office)
    proposal = ChangeProposal.objects.create(
        company=target.company, dossier=target, changes={"city": [target.company.city, "Nîmes"]},
        proposed_by=target.student.user,
    )
    # B's account: an invitation replaced by a newer one (AUTH-1), its token refused.
    # An invitation is for who has not chosen a password yet (AUTH-1).
    target.student.user.set_unusable_password()
    target.student.user.save(update_fields=["password"])
    _, replaced_invitation = accounts.invitation_send(user=target.student.user, by=office)
    accounts.invitation_send(user=target.student.user, by=office)
    target.refresh_from_db()
    b_session, b_signed_session = _attendance(target, people["teacher"], office)
    b_sick_leave, b_absence, rupture = _absences(target, office, year, dept_y)
    return SimpleNamespace(
        b_user=target.student.user, b_replaced_invitation=replaced_invitation,
        year=year, people=people, own=own, tutee=tutee, b=target, b_student=target.student,
        b_report=report, b_convention=convention, b_active_link=active_link, b_unconfirmed=unconfirmed,
        b_revoked_token=links.make_token(revoked_link), external_token=links.make_token(external_link),
        b_session=b_session, b_signed_session=b_signed_session,
        b_sick_leave=b_sick_leave, b_absence=b_absence, rupture=rupture,
        proposal=proposal, today=timezone.localdate(), tomorrow=timezone.localdate() + datetime.timedelta(days=1),
    )


def add_certificates(w):
    """CERT-1, CERT-2: B's S9 certificate (its code for the public page) and
    a batch asking B's again, not built yet; the school's identity complete
    first (DOC-11), as tests/conftest.py gives it."""
    import importlib

    from attendance.certificates import services as certificates
    from contratpro.school.demo import DEMO
    from contratpro.school.models import SchoolIdentity

    seed = importlib.import_module("contratpro.migrations.0004_school_identity").SEED
    SchoolIdentity.objects.update_or_create(valid_from_year=seed["valid_from_year"], defaults={**seed, **DEMO})
    office = w.people["office"]
    # An S9 certificate is issued once the S9 is over (CERT-1): in January.
    after_s9 = timezone.make_aware(datetime.datetime(w.year.s9_end.year + 1, 1, 4, 12))
    with mock.patch("django.utils.timezone.now", return_value=after_s9):
        w.b_certificate = certificates.certificate_issue(dossier=w.b, kind="s9", by=office)
        w.b_batch = certificates.certificate_batch_create(year=w.year, kind="s9", by=office, dossier=w.b)
    return w


def _attendance(target, teacher, office):
    """ATT-1: two sessions of B's option taught by the teacher viewer, one
    to sign, one signed with B absent (the office's correction marks B present)."""
    from attendance import services as attendance
    from students.models import Module

    module = Module.objects.filter(department=target.student.department_id).first()
    sessions = [
        attendance.session_save(values={"module": module, "kind": "cours", "date": datetime.date(2026, 10, day),
                                        "start": datetime.time(9), "end": datetime.time(12), "room": "B101",
                                        "teacher": teacher}, options=[target.student.option], by=office)
        for day in (5, 6)
    ]
    attendance.session_sign(session=sessions[1], present=[], by=teacher)
    return sessions


def _absences(target, office, year, department):
    """ABS-1…3: B's arrêt (declared by the office), B's accepted exceptional
    absence awaiting its make-up, and a rupture in another dossier of B's
    department (a rupture in B's would close B's steps)."""
    from attendance.absences import services as absences
    from attendance.absences.models import AbsenceState, ExceptionalAbsence
    from conventions.dossier.models import Incident
    from conventions.dossier.services import incident_report

    start = datetime.date(2026, 10, 5)
    leave = absences.sick_leave_declare(
        dossier=target, start=start, end=start, by=office,
        employer_told_at=timezone.make_aware(datetime.datetime.combine(start, datetime.time(9))),
        uploaded_file=SimpleUploadedFile("arret.pdf", factories.tiny_pdf(), content_type="application/pdf"),
    )
    # Decided and accepted as ABS-2 tells (the day's own checks are in test_absences).
    absence = ExceptionalAbsence.objects.create(
        dossier=target, day=datetime.date(2026, 11, 3), reason="Audit du client.", requested_by=target.student.user,
        state=AbsenceState.ACCEPTED, decided_at=timezone.now(), decision_comment="Accord.",
    )
    other = factories.DossierFactory(student__year=year, student__department=department)
    steps.steps_sync(other)
    rupture = incident_report(dossier=other, kind=Incident.Kind.RUPTURE, start=start, by=office)
    return leave, absence, rupture


def add_transmission(w):
    """ROLE-8: the office sent the whole year's grades to the scolarité once
    (B's among them): the workbook the download rows ask for."""
    from grading.transmission import services as transmission

    w.transmission = transmission.transmission_send(year=w.year, department=None, by=w.people["office"])
    return w


def add_billing(w):
    """BILL-1…6: B's S9 invoice issued (its file not built: WeasyPrint
    spared), B's balance as a draft and a batch asking for B's balance."""
    from conventions.billing import batches, services
    from conventions.models import Dossier

    office = w.people["office"]
    (invoice,) = services.invoice_prepare(dossier=w.b, period="s9", by=office)
    w.b_invoice = services.invoice_issue(invoice=invoice, by=office, today=datetime.date(2027, 1, 4))  # BILL-2: from 1 January
    (w.b_draft,) = services.invoice_prepare(dossier=w.b, period="solde", by=office)
    w.b_invoice_batch = batches.invoice_batch_create(
        year=w.year, period="solde", dossiers=Dossier.objects.filter(pk=w.b.pk), by=office, send=False,
        today=datetime.date(2027, 8, 31))
    return w
