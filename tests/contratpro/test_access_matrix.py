"""ROLE-9's access matrix: every URL pattern of the project, for every
viewer, against an explicit table of what each may read and change.

The world (``access_world``) is built once per module: student B's dossier
is the target, with its documents, personal links, contacts, convention
and a change proposal about B's company. No viewer owns B but those whose
role reaches every dossier (the office, the superuser, read-only the
direction, service social and scolarité) and the head of department Z who
tutors B (ROLE-4: B's dossier yes, B's eligibility file never). Rows about
"my own" (my-dossier, my-eligibility, acknowledge, open-dossier) act on the
viewer's own records. The personal-link rows (ROLE-5) take, for the
external person, their own token (a link for dossier C, never B's); for
everyone else a revoked link of B: a session opens nothing on those pages.

For each row, a GET and a POST per viewer (the test client: CSRF is not
enforced), each inside a savepoint rolled back after the request, so that
no request, allowed or not, changes what the next one sees. Allowed POSTs
are made too (with plausible data) and rolled back: they show the table
does not refuse what a role may do. After every request expected to be
refused, every row of the portal's tables (events, dossiers and their
steps, documents, signatures, links, contacts, proposals, scores, students
and their records, accounts; link uses only when accepted) must equal what
they were before it.

Outcomes: ``o`` ok (2xx, a 400 for a form refused for what it carries, or
a 3xx that is not to a login page), ``S`` ok
and B's name on the page, ``h`` ok and B's name absent (when it answers
200), ``E`` ok with B's name and B's eligibility facts (B's nationality, the
end of B's residence permit),
``T`` ok with B's name but not B's eligibility facts (ROLE-4, ROLE-7,
ROLE-8: the tutor's, the direction's, social's and scolarité's view of the
dossier page), ``l`` a redirect to the login page that is no refusal
(after logging out), ``L`` redirect to a login page (the portal's or the admin's), ``D``
refused (403, 404, or 410 for a link; never 200, never 500), ``M`` 405.
A 500 (or an exception) never matches.

The CAS row is as the tests run, with no CAS configured (404 for all);
the second factor's rows as in the demo (not required).

A URL pattern without its row fails ``test_role_9_every_url_pattern_has_a_row``;
a row whose pattern is gone fails ``test_role_9_every_row_has_its_url_pattern``.
The admin is one row, on its index.
"""

import logging

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core import signals
from django.db import close_old_connections, connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from tests import factories
from tests.conftest import private_storage
from tests.contratpro.access_world import FILE_MARKERS, MARKER, VIEWER_NAMES, VIEWERS, build_world

COLUMNS = " ".join(short for _, short in VIEWERS)
ALLOWED, REFUSED = "oShETl", "LDM"

ADMIN = "admin:index"


class Row:
    """One URL name: its kwargs from the world (and the viewer), the POST
    data, and the expected outcome of GET and POST for each viewer."""

    def __init__(self, name, get, post, kwargs=None, data=None, still=False):
        self.name = name
        self.still = still  # nothing may change, whatever the outcome (a refused token, a page that only reads)
        self.kwargs = kwargs or (lambda w, viewer: {})
        self.data = data or (lambda w: {})
        self.expect = {"GET": self._cells(get), "POST": self._cells(post)}

    def _cells(self, line):
        cells = line.split()
        assert len(cells) == len(VIEWERS), f"{self.name}: {len(cells)} cells for {len(VIEWERS)} viewers"
        assert set(cells) <= set(ALLOWED + REFUSED), f"{self.name}: unknown outcome in {line!r}"
        return dict(zip(VIEWER_NAMES, cells))


def b_pk(w, viewer):
    return {"pk": w.b.pk}


def b_student(w, viewer):
    return {"pk": w.b_student.pk}


def b_session(w, viewer):
    return {"pk": w.b_session.pk}


def b_signed_session(w, viewer):
    return {"pk": w.b_signed_session.pk}


def token(w, viewer):
    """ROLE-5: the external person's own token (dossier C); anyone else, a revoked link of B."""
    return {"token": w.external_token if viewer == "external" else w.b_revoked_token}


def mail_key(w, viewer):
    """The reminder's mail text (issue 15): registered by the reminders."""
    return {"key": "reminders.deadline"}


def failed_reminder(w):
    """NOTIF-1: a reminder of B's that failed to send (the office's « Relancer »)."""
    from conventions.reminders.models import ReminderClaim

    return ReminderClaim.objects.create(
        dossier=w.b, key="step:5p", offset=1, recipient="office", actor="bureau", label="Étape 5'",
        due=w.b.year.rentree, day=w.b.year.rentree, sweep="matrix", state=ReminderClaim.State.FAILED,
        attempts=5, error="refusé",
    )


def b_notification(w):
    """Issue 15: a notification in B's inbox (B is no viewer: it opens for nobody)."""
    from conventions.notifications.models import Notification

    return Notification.objects.create(recipient=w.b_user, dossier=w.b, kind="step_validated", title="Étape 1 validée",
                                       url=reverse("conventions:dossier-detail", args=[w.b.pk]), mail="none")


def upload_data(w):
    return {"kind": "rapport_pe", "step": "A",
            "file": SimpleUploadedFile("rapport.pdf", factories.tiny_pdf(), content_type="application/pdf")}


ALL_L = "L L o o o o o o o o o o"  # any account, not without one
SEES_B = "L L D o o D D o D o o o"  # whoever sees B's dossier (office, superuser, B's tutor, the read-only roles)
OFFICE = "L L D o o D D D D D D D"  # the office only (and the superuser)
METHOD = "M M M M M M M M M M M M"

# fmt: off
TABLE = [
    #   name                                         GET: an ex A  of su hX tu hT te di so sc   POST: an ex A  of su hX tu hT te di so sc
    Row("home",                                      ALL_L,                                    ALL_L),
    Row("no-role",                                   ALL_L,                                    ALL_L),
    Row("login",                                     "o o o o o o o o o o o o",                "o o o o o o o o o o o o"),
    # Logging out lands on the login page, for everyone, a session or not.
    Row("logout",                                    METHOD,                                   "l l l l l l l l l l l l"),
    # Password reset (AUTH-1): anyone asks; B's link, without B's token, changes nothing.
    Row("password_reset",                            "o o o o o o o o o o o o",                "o o o o o o o o o o o o",
        data=lambda w: {"email": w.b_user.email}),
    Row("password_reset_done",                       "o o o o o o o o o o o o",                METHOD),
    Row("password_reset_confirm",                    "h h h h h h h h h h h h",                "h h h h h h h h h h h h",
        lambda w, v: {"uidb64": urlsafe_base64_encode(force_bytes(w.b_user.pk)), "token": "cbv2zz-0123456789abcdef"},
        lambda w: {"new_password1": "Un-mot-de-passe-2026", "new_password2": "Un-mot-de-passe-2026"}, still=True),
    Row("password_reset_complete",                   "o o o o o o o o o o o o",                METHOD),
    Row(ADMIN,                                       "L L L L o L L L L L L L",                "L L L L o L L L L L L L"),

    # Accounts (AUTH-1): the office manages people; B's replaced invitation opens nothing.
    Row("accounts:people",                           "L L D S S D D D D D D D",                OFFICE),
    Row("accounts:person-create",                    OFFICE,                                   OFFICE),
    Row("accounts:person-detail",                    "L L D S S D D D D D D D",                OFFICE,
        lambda w, v: {"pk": w.b_user.pk}),
    Row("accounts:person-invite",                    "L L M M M M M M M M M M",                OFFICE,
        lambda w, v: {"pk": w.b_user.pk}),
    Row("accounts:person-deactivate",                "L L M M M M M M M M M M",                OFFICE,
        lambda w, v: {"pk": w.b_user.pk}),
    Row("accounts:person-reactivate",                "L L M M M M M M M M M M",                OFFICE,
        lambda w, v: {"pk": w.b_user.pk}),
    Row("accounts:invitation",                       "D D D D D D D D D D D D",                "D D D D D D D D D D D D",
        lambda w, v: {"token": w.b_replaced_invitation},
        lambda w: {"new_password1": "Un-mot-de-passe-2026", "new_password2": "Un-mot-de-passe-2026"}),
    Row("accounts:my-account",                       "L L h h h h h h h h h h",                ALL_L),

    # Signing in (AUTH-2): the second factor, the CAS (404 while no CAS is configured), the locks.
    Row("signin:otp-verify",                         ALL_L,                                    ALL_L),
    Row("signin:otp-enrol",                          ALL_L,                                    ALL_L),
    Row("signin:cas-login",                          "D D D D D D D D D D D D",                "D D D D D D D D D D D D"),
    Row("signin:lockouts",                           OFFICE,                                   "L L M M M M M M M M M M"),
    # The school's identity (DOC-11): the office edits it.
    Row("school:edit",                               OFFICE,                                   OFFICE),
    Row("signin:unlock",                             "L L M M M M M M M M M M",                OFFICE,
        data=lambda w: {"username": w.b_user.username}),

    # Dossiers: lists, page, approval, steps (ROLE-1…4, ELIG-9, STEP-3).
    Row("conventions:dossier-list",                  "L L h S S h h S h S S S",                ALL_L),
    Row("conventions:dossier-detail",                "L L D E E D D T D T T T",                SEES_B, b_pk),
    Row("conventions:dossier-approve",               METHOD,                                   "L L D D D D D D D D D D", b_pk),
    Row("conventions:step-action",                   METHOD,                                   "L L D D D D D o D D D D",
        lambda w, v: {"pk": w.b.pk, "code": "A"}, lambda w: {"action": "validate"}),
    Row("conventions:tutee-list",                    "L L h h h h h S h h h h",                ALL_L),
    Row("conventions:my-dossier",                    "L L h h h h h h h h h h",                ALL_L),
    Row("conventions:open-dossier",                  METHOD,                                   "L L o D D D D D D D D D"),
    Row("conventions:todo",                          "L L h o o h h o h o o o",                ALL_L),

    # Shared company records (DOC-12, ROLE-5).
    Row("conventions:company-review",                "L L D S S D D D D D D D",                OFFICE),
    Row("conventions:proposal-decide",               METHOD,                                   OFFICE,
        lambda w, v: {"proposal_pk": w.proposal.pk}, lambda w: {"decision": "reject", "comment": "Non."}),
    Row("conventions:contact-confirm-email",         METHOD,                                   OFFICE,
        lambda w, v: {"pk": w.b.pk, "contact_pk": w.b_unconfirmed.pk}),

    # Files (DOC-6).
    Row("conventions:document-upload",               METHOD,                                   OFFICE, b_pk, upload_data),
    Row("conventions:document-download",             SEES_B,                                   METHOD,
        lambda w, v: {"doc_pk": w.b_report.pk}),

    # Personal links (ROLE-5).
    Row("conventions:link-create",                   METHOD,                                   OFFICE, b_pk,
        lambda w: {"contact": w.b.tuteur_entreprise_id, "purpose": "fiche_contact", "validity_days": 10}),
    Row("conventions:link-revoke",                   METHOD,                                   OFFICE,
        lambda w, v: {"link_pk": w.b_active_link.pk}),
    Row("conventions:link-open",                     "D h D D D D D D D D D D",                METHOD, token),

    # Reminders (NOTIF-1): the office's list, « Relancer » a failed one.
    Row("conventions:reminder-list",                 OFFICE,                                   METHOD),
    Row("conventions:reminder-retry",                METHOD,                                   OFFICE,
        lambda w, v: {"pk": w.b_failed_reminder.pk}),

    # « Mon agenda » (NOTIF-1): every role with deadlines makes, renews, disables its own feed's address;
    # the feed needs no session, and a token never issued is a 404 for everyone.
    Row("conventions:feed-page",                     "L L h o o h h o D o D D",                METHOD),
    Row("conventions:feed-create",                   METHOD,                                   "L L o o o o o o D o D D"),
    Row("conventions:feed-revoke",                   METHOD,                                   "L L o o o o o o D o D D"),
    Row("conventions:feed-ics",                      "D D D D D D D D D D D D",                METHOD,
        lambda w, v: {"token": "jamais-emis-" + "x" * 40}, still=True),

    # The mails' texts (issue 15): the office's list, a text's page (« Aperçu » posted), its HTML preview, restore.
    Row("conventions:mailtext-list",                 OFFICE,                                   METHOD),
    Row("conventions:mailtext-edit",                 OFFICE,                                   OFFICE, mail_key,
        lambda w: {"subject": "Rappel : {{ echeance }}", "body": "Bonjour {{ nom }},", "action": "apercu"}),
    Row("conventions:mailtext-preview-html",         OFFICE,                                   METHOD, mail_key),
    Row("conventions:mailtext-restore",              METHOD,                                   OFFICE, mail_key),
    # NOTIF-1: the weekly digest's page, the office's (every department) and each head's (theirs).
    Row("conventions:digest",                        "L L D o o h D o D D D D",                METHOD),

    # The inbox (issue 15): every account its own; B's notification opens for nobody (404), « Tout marquer comme lu » for each.
    Row("conventions:notification-list",             ALL_L,                                    METHOD),
    Row("conventions:notification-open",             METHOD,                                   "L L D D D D D D D D D D",
        lambda w, v: {"pk": w.b_notification.pk}),
    Row("conventions:notification-read-all",         METHOD,                                   ALL_L),

    # The convention (DOC-3…5, DOC-8, ROLE-7).
    Row("conventions:convention-panel",              SEES_B,                                   SEES_B, b_pk),
    Row("conventions:convention-generate",           METHOD,                                   OFFICE, b_pk),
    Row("conventions:convention-download",           SEES_B,                                   SEES_B,
        lambda w, v: {"pk": w.b.pk, "version": w.b_convention.version}),
    Row("conventions:convention-sign",               METHOD,                                   "L L D o o D D D D o D D", b_pk,
        lambda w: {"document": w.b_convention.pk, "party": "ecole", "signer_name": "La direction", "read": "1"}),
    Row("conventions:convention-sign-paper",         METHOD,                                   OFFICE, b_pk,
        lambda w: {"document": w.b_convention.pk, "party": "ecole", "signer_name": "La direction"}),
    Row("conventions:convention-originals",          METHOD,                                   OFFICE, b_pk,
        lambda w: {"document": w.b_convention.pk}),
    Row("conventions:convention-send",               METHOD,                                   OFFICE,
        lambda w, v: {"pk": w.b.pk, "target": "entreprise"}),
    Row("conventions:convention-sign-link",          "D h D D D D D D D D D D",                "D h D D D D D D D D D D", token,
        lambda w: {"document": w.tutee_convention.pk, "signer_name": "Anne Salles", "read": "1"}),
    Row("conventions:convention-link-download",      "D o D D D D D D D D D D",                METHOD, token),

    # Fiche contact, fiche PFE, CERFA (DOC-1, DOC-2, DOC-7, STEP-6).
    Row("conventions:fiche-edit",                    "L L D S S D D o D D D D",                OFFICE, b_pk),
    Row("conventions:fiche-company-edit",            OFFICE,                                   OFFICE, b_pk),
    Row("conventions:fiche-pfe",                     OFFICE,                                   OFFICE, b_pk),
    # DOC-1: only B's head signs B's fiche off (none of the viewers); B's fiche is not even typed.
    Row("conventions:fiche-visa",                    METHOD,                                   "L L D D D D D D D D D D", b_pk),
    Row("conventions:fiche-pdf",                     METHOD,                                   OFFICE, b_pk,
        lambda w: {"kind": "fiche_contact"}),
    Row("conventions:fiche-jobs",                    SEES_B,                                   SEES_B, b_pk),
    Row("conventions:fiche-company",                 "D D D D D D D D D D D D",                "D D D D D D D D D D D D", token),
    Row("conventions:cerfa-edit",                    OFFICE,                                   OFFICE, b_pk),
    Row("conventions:cerfa-pdf",                     METHOD,                                   OFFICE, b_pk),
    Row("conventions:cerfa-model",                   OFFICE,                                   OFFICE),

    # Certificats de réalisation (CERT-1) and their public verification (CERT-2: B's initials only).
    Row("attendance:certificate-list",               "L L D S S D D D D D D D",                METHOD),
    Row("attendance:certificate-issue",              METHOD,                                   OFFICE,
        data=lambda w: {"year": w.year.pk, "kind": "fin"}),
    Row("attendance:certificate-batch",              "L L D S S D D D D D D D",                METHOD,
        lambda w, v: {"pk": w.b_batch.pk}),
    Row("attendance:certificate-batch-retry",        METHOD,                                   OFFICE,
        lambda w, v: {"pk": w.b_batch.pk}),
    Row("attendance:dossier-certificates",           "L L D S S D D S D S S S",                METHOD, b_pk),
    Row("attendance:dossier-certificate-issue",      METHOD,                                   OFFICE, b_pk,
        lambda w: {"kind": "s9"}),
    Row("attendance:certificate-verify-form",        "h h h h h h h h h h h h",                METHOD),
    Row("attendance:certificate-verify",             "h h h h h h h h h h h h",                METHOD,
        lambda w, v: {"code": w.b_certificate.code}),

    # Billing (BILL-1…6): the office only; whoever else sees B's dossier is refused (403).
    Row("conventions:billing-list",                  "L L D S S D D D D D D D",                METHOD),
    Row("conventions:billing-export",                OFFICE,                                   METHOD),
    Row("conventions:billing-batch-create",          METHOD,                                   OFFICE,
        data=lambda w: {"year": w.year.pk, "period": "solde"}),
    Row("conventions:billing-batch",                 "L L D S S D D D D D D D",                METHOD,
        lambda w, v: {"pk": w.b_invoice_batch.pk}),
    Row("conventions:invoice-detail",                "L L D S S D D D D D D D",                METHOD,
        lambda w, v: {"pk": w.b_invoice.pk}),
    Row("conventions:invoice-issue",                 METHOD,                                   OFFICE,
        lambda w, v: {"pk": w.b_draft.pk}),
    Row("conventions:invoice-payment",               METHOD,                                   OFFICE,
        lambda w, v: {"pk": w.b_invoice.pk}, lambda w: {"received_on": str(w.b_invoice.issue_date), "amount": "10.00"}),
    Row("conventions:invoice-credit",                METHOD,                                   OFFICE,
        lambda w, v: {"pk": w.b_invoice.pk}, lambda w: {"amount": "10.00", "reason": "Correction"}),
    # No file in the world (WeasyPrint spared): the download answers 404 to all; the office asks for it again.
    Row("conventions:invoice-download",              "L L D D D D D D D D D D",                OFFICE,
        lambda w, v: {"pk": w.b_invoice.pk}),
    Row("conventions:dossier-billing",               "L L D S S D D D D D D D",                OFFICE, b_pk,
        lambda w: {"funded": "on", "opco_name": "Atlas"}),
    Row("conventions:dossier-billing-prepare",       METHOD,                                   OFFICE, b_pk,
        lambda w: {"period": "solde"}),
    # NOTIF-3: the contract's deposit with the OPCO, recorded by the office.
    Row("conventions:opco-deposit",                  "L L D S S D D D D D D D",                OFFICE, b_pk,
        lambda w: {"deposited_on": str(w.b.year.rentree)}),

    # Eligibility (ELIG-1…10, ROLE-4: a tutor never reads the file).
    Row("students:my-eligibility",                   "L L o D D D D D D D D D",                "L L o D D D D D D D D D"),
    Row("students:acknowledge",                      METHOD,                                   "L L o D D D D D D D D D",
        lambda w, v: {"rule": "ELIG-2"}),
    # The direction, service social and scolarité do not read eligibility
    # files: the dossier page hides them these facts (its viewpoints, ROLE-7,
    # ROLE-8); the students' list and file must not serve them either. These
    # six cells fail today (a hole, reported to the lead; see the report of
    # issue 11): roles.eligibility_files_for gives them every student.
    Row("students:student-list",                     "L L D S S h D h D D D D",                "L L D o o o D o D D D D"),
    Row("students:import",                           OFFICE,                                   OFFICE),
    Row("students:staff-import",                     OFFICE,                                   OFFICE),
    Row("students:import-template",                  OFFICE,                                   "L L M M M M M M M M M M"),
    Row("students:student-detail",                   "L L D E E D D D D D D D",                "L L D o o D D D D D D D", b_student),
    Row("students:student-facts",                    OFFICE,                                   OFFICE, b_student),
    Row("students:override",                         METHOD,                                   OFFICE,
        lambda w, v: {"pk": w.b_student.pk, "rule": "ELIG-1"}, lambda w: {"elig-1-reason": "Réunion rattrapée."}),

    # Barème (SCORE-1…4).
    # GET: the points proposed for step C from the carnet (SCORE-1), for the office.
    Row("grading:score-set",                         OFFICE,                                   OFFICE,
        lambda w, v: {"pk": w.b.pk, "code": "C"}, lambda w: {"points": "1"}),
    Row("grading:dossier-workbook",                  SEES_B,                                   SEES_B, b_pk),
    Row("grading:class-workbook",                    "L L D o o o D o D o o o",                "L L D o o o D o D o o o"),
    # Tutors and the S9 (ROLE-3, ROLE-4, EVAL-1): nobody among the viewers heads B's department (Y);
    # the head of Z tutors B: they grade B's report, type B's paper appraisal and transmit.
    Row("grading:tutor-queue",                       "L L D S S h D h D D D D",                METHOD),
    Row("grading:tutor-name",                        "L L D S S D D D D D D D",                OFFICE, b_pk,
        lambda w: {"tutor": str(w.people["teacher"].pk)}),
    Row("grading:s9-tutees",                         "L L h h h h h S h h h h",                METHOD),
    Row("grading:s9-report",                         "L L D D D D D S D D D D",                "L L D D D D D o D D D D", b_pk,
        lambda w: {"grade": "14", "comment": "Clair."}),
    Row("grading:s9-appraisal",                      "L L D S S D D S D D D D",                "L L D o o D D o D D D D", b_pk,
        lambda w: {"grade": "15"}),
    Row("grading:s9-transmit",                       METHOD,                                   "L L D D D D D o D D D D", b_pk),
    # EVAL-2, step A: only B hands B's report in (none of the viewers): 404 for other students, 403 for the rest.
    Row("grading:s9-report-hand-in",                 "L L D D D D D D D D D D",                "L L D D D D D D D D D D", b_pk),
    # The company tutor's appraisal (EVAL-1, ROLE-5): the external token is for another purpose, B's
    # revoked link opens nothing; the filled fiche is read by B's tutor, the office and the heads.
    Row("grading:appraisal-link",                    "D D D D D D D D D D D D",                "D D D D D D D D D D D D", token,
        lambda w: {"grade": "15", "overall_comment": "Bien."}),
    Row("grading:appraisal-link-blank",              "D D D D D D D D D D D D",                METHOD, token),
    Row("grading:appraisal-detail",                  "L L D S S D D S D D D D",                METHOD, b_pk),
    Row("grading:appraisal-blank",                   "L L D o o D D o D D D D",                METHOD, b_pk),
    # The PFE (DOC-2, PFE-1…3): whoever sees B's dossier reads B's PFE page; B's tutor (hT) reviews
    # the fiche PFE (B's is empty: a 400); nobody heads Y, so nobody schedules; B has no defence yet.
    Row("grading:pfe-dossier",                       "L L D S S D D S D S S S",                METHOD, b_pk),
    Row("grading:fiche-pfe-review",                  METHOD,                                   "L L D D D D D o D D D D", b_pk,
        lambda w: {"verdict": "valide"}),
    Row("grading:defence-schedule",                  METHOD,                                   "L L D D D D D D D D D D", b_pk),
    Row("grading:defence-report-deadline",           METHOD,                                   "L L D D D D D D D D D D", b_pk,
        lambda w: {"due": "2027-08-02"}),
    Row("grading:pfe-report-upload",                 METHOD,                                   "L L D D D D D D D D D D", b_pk),
    Row("grading:pfe-report-download",               "L L D D D D D D D D D D",                METHOD,
        lambda w, v: {"pk": w.b.pk, "version": 1}),
    Row("grading:defence-grade",                     METHOD,                                   "L L D D D D D D D D D D", b_pk,
        lambda w: {"grade": "15"}),
    # The grades sent to the scolarité (ROLE-8): the scolarité reads, the office sends (the whole
    # year here; a head sends their department, and their page opens on it: B's is nobody's here).
    Row("grading:transmission-list",                 "L L D S S h D h D D D S",                METHOD),
    Row("grading:transmission-send",                 METHOD,                                   OFFICE,
        data=lambda w: {"annee": str(w.year.pk)}),
    Row("grading:transmission-preview",              "L L D o o o D o D D D D",                METHOD),
    Row("grading:transmission-download",             "L L D o o D D D D D D o",                METHOD,
        lambda w, v: {"pk": w.transmission.pk}),

    # Sessions and carnets (ATT-1, ATT-2, ROLE-6): the teacher viewer teaches B's two sessions.
    Row("attendance:session-list",                   OFFICE,                                   METHOD),
    Row("attendance:session-create",                 OFFICE,                                   OFFICE),
    Row("attendance:session-import",                 OFFICE,                                   OFFICE),
    Row("attendance:session-detail",                 "L L D S S D D D S D D D",                METHOD, b_session),
    Row("attendance:session-edit",                   OFFICE,                                   OFFICE, b_session),
    Row("attendance:session-sign",                   METHOD,                                   "L L D D D D D D o D D D", b_session,
        lambda w: {"present": [str(w.b_student.pk)]}),
    Row("attendance:session-correct",                METHOD,                                   OFFICE, b_signed_session,
        lambda w: {"present": [str(w.b_student.pk)], "reason": "Présente, oubliée sur la feuille."}),
    Row("attendance:my-sessions",                    "L L h h h h h h h h h h",                METHOD),
    Row("attendance:my-carnet",                      "L L h D D D D D D D D D",                METHOD),
    Row("attendance:carnet-list",                    "L L D S S D D D D D D D",                METHOD),
    Row("attendance:carnet-detail",                  "L L D S S D D S D S S S",                METHOD, b_student),
    Row("attendance:carnet-document",                "L L D o o D D o D o o o",                METHOD, b_student),
    Row("attendance:carnet-produce",                 METHOD,                                   OFFICE, b_student),
    Row("attendance:dossier-panel",                  SEES_B,                                   METHOD, b_pk),

    # Absences and incidents (ABS-1…3, NOTIF-3, ROLE-3): nobody among the viewers heads B's department.
    Row("attendance:absence-list",                   "L L D S S D D D D D D D",                METHOD),
    Row("attendance:absence-queue",                  "L L D S S h D h D D D D",                METHOD),
    Row("attendance:absence-detail",                 "L L D S S D D S D S S S",                "L L D D D D D D D D D D",
        lambda w, v: {"pk": w.b_absence.pk}, lambda w: {"decision": "accept"}),
    Row("attendance:absence-makeup",                 METHOD,                                   OFFICE,
        lambda w, v: {"pk": w.b_absence.pk}, lambda w: {"what": "TD rattrapé", "planned_on": "2026-11-10"}),
    Row("attendance:sick-leave-file",                OFFICE,                                   METHOD,
        lambda w, v: {"pk": w.b_sick_leave.pk}),
    Row("attendance:my-absences",                    "L L h D D D D D D D D D",                METHOD),
    Row("attendance:sick-leave-declare",             OFFICE,                                   OFFICE, b_pk,
        lambda w: {"start": "2026-10-12", "end": "2026-10-13", "employer_told_at": "2026-10-12T09:00",
                   "file": SimpleUploadedFile("arret.pdf", factories.tiny_pdf(), content_type="application/pdf")}),
    Row("attendance:absence-request",                OFFICE,                                   OFFICE, b_pk,
        lambda w: {"day": "2026-11-04", "reason": "Audit du client."}),
    Row("attendance:incident-report",                SEES_B,                                   OFFICE, b_pk,
        lambda w: {"kind": "accident", "start": "2026-10-12", "description": "Chute sur le chantier."}),
    Row("attendance:rupture-declared",               METHOD,                                   "L L D o o D D D D D D D",
        lambda w, v: {"pk": w.rupture.pk}),
    Row("attendance:rupture-confirm",                METHOD,                                   "L L D o o D D D D D D D",
        lambda w, v: {"pk": w.rupture.pk}),
    Row("attendance:rupture-dismiss",                METHOD,                                   "L L D o o D D D D D D D",
        lambda w, v: {"pk": w.rupture.pk}, lambda w: {"reason": "Erreur de saisie."}),
]
# fmt: on

ROWS = {row.name: row for row in TABLE}


# --- The URL patterns ---------------------------------------------------------

def url_names(resolver=None, namespace=None):
    """Every URL pattern's name, with its namespaces, recursively; the
    admin's patterns count as its index; an unnamed pattern by its route."""
    names = []
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            if inner and inner.split(":")[0] == "admin":
                names.append(ADMIN)
                continue
            names.extend(url_names(pattern, inner))
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            names.append(f"{namespace}:{name}" if namespace else name)
    return list(dict.fromkeys(names))


def matrix_size():
    """(patterns, viewers, cells, requests): one GET and one POST per cell."""
    patterns = len(TABLE)
    cells = patterns * len(VIEWERS)
    return patterns, len(VIEWERS), cells, 2 * cells


def test_role_9_every_url_pattern_has_a_row():
    """ROLE-9: a URL pattern without its row in the matrix fails, named."""
    missing = [name for name in url_names() if name not in ROWS]
    assert not missing, f"URL patterns without a row in the access matrix (tests/contratpro/test_access_matrix.py): {missing}"


def test_role_9_every_row_has_its_url_pattern():
    """ROLE-9: a row whose URL pattern no longer exists fails, named."""
    names = set(url_names())
    stale = [name for name in ROWS if name not in names]
    assert not stale, f"Rows of the access matrix whose URL pattern is gone: {stale}"
    assert len(ROWS) == len(TABLE), "a URL name has two rows"


def test_role_9_matrix_size_and_both_sides_of_each_viewer():
    """ROLE-9: the matrix states its size (also on top of ``make test``'s
    output, tests/conftest.py); each viewer is allowed somewhere and refused
    somewhere, on both methods (a column of one outcome checks nothing)."""
    patterns, viewers, cells, requests = matrix_size()
    size = f"access matrix: {patterns} URL patterns × {viewers} viewers = {cells} cells, {requests} requests"
    assert cells == sum(len(row.expect["GET"]) for row in TABLE) and requests == 2 * cells, size
    for viewer in VIEWER_NAMES:
        seen = {row.expect[method][viewer] for row in TABLE for method in ("GET", "POST")}
        assert seen & set(ALLOWED) and seen & set(REFUSED), f"{size}; {viewer} has only {sorted(seen)}"


# --- The world and the requests ----------------------------------------------

@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module, inside a transaction rolled back at its end
    (each test's own transaction nests in it); its files in a folder of its own."""
    with django_db_blocker.unblock(), private_storage(tmp_path_factory.mktemp("matrix-private")):
        with transaction.atomic():
            built = build_world()
            from conventions.convention import services as convention

            built.tutee_convention = convention.convention_latest(built.tutee)
            from tests.contratpro.access_world import add_certificates

            add_certificates(built)
            from tests.contratpro.access_world import add_transmission

            add_transmission(built)
            from tests.contratpro.access_world import add_billing

            add_billing(built)
            built.b_failed_reminder = failed_reminder(built)
            built.b_notification = b_notification(built)
            yield built
            transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def private_storage_in_tmp(world):
    """The world's files stay where it stored them (the suite's own
    fixture of that name points each test at a fresh folder)."""
    yield


_LOGIN_PATHS = ()


def login_paths():
    return (reverse("login"), reverse("admin:login"))


# The portal's rooms, the accounts' groups, the sign-in locks, the second
# factor's devices; not the sessions (an idle time may touch them).
WATCHED_APPS = {"contratpro", "students", "conventions", "grading", "attendance", "auth", "axes", "otp_totp"}


def _tables():
    """(label, SQL) reading every row of the portal's tables, by primary key."""
    from conventions.links.models import LinkUse

    quote = connection.ops.quote_name
    reads = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in WATCHED_APPS:
            continue
        where = f" WHERE {quote('accepted')}" if model is LinkUse else ""
        reads.append((model._meta.label, f"SELECT * FROM {quote(model._meta.db_table)}{where}"))
    return reads


def snapshot():
    """Every row of the watched tables (link uses: the accepted ones), read
    with plain SQL: some 40 tables after each refused request."""
    state = {}
    with connection.cursor() as cursor:
        for label, sql in _tables():
            cursor.execute(sql)
            state[label] = frozenset(cursor.fetchall())
    return state


def difference(label, before, after):
    """What differs in ``label``: rows gone, rows new (a changed row is both)."""
    gone, new = before - after, after - before
    return f"{label} ({len(gone)} rows gone or changed, {len(new)} new or changed: {sorted(map(str, new))[:2]})"


def outcome(response):
    """The response as one of the matrix's outcomes (``5`` for a server error)."""
    status = response.status_code
    if status >= 500:
        return "5"
    if status == 405:
        return "M"
    if status in (403, 404, 410):
        return "D"
    if 300 <= status < 400:
        return "L" if response["Location"].split("?")[0] in login_paths() else "o"
    if 200 <= status < 300 or status == 400:
        return "o"
    return str(status)


def mismatch(expected, response, got):
    """Why the response is not the expected outcome, or "" when it is."""
    if expected == "l":
        return "" if got == "L" else f"got {got}"
    if expected in REFUSED or got != "o":
        return "" if got == expected else f"got {got}"
    if response.status_code != 200 or getattr(response, "streaming", False):
        return f"got {response.status_code}, not a page" if expected in "SET" else ""
    content = response.content.decode(errors="replace").casefold()
    shown = MARKER.casefold() in content
    facts = any(marker.casefold() in content for marker in FILE_MARKERS)
    if expected in "SET" and not shown:
        return "B's name absent"
    if expected == "h" and shown:
        return "B's name on the page"
    if expected == "E" and not facts:
        return "B's eligibility facts absent"
    if expected == "T" and facts:
        return "B's eligibility facts on the page"
    return ""


def client_for(world, viewer):
    client = Client()
    user = world.people.get(viewer)
    if user is not None:
        client.force_login(user)
    return client, user


def walk(world, viewer):
    """Every row, GET then POST, for ``viewer``; the mismatches, and the
    number of requests made."""
    client, user = client_for(world, viewer)
    # Some 80 refusals a viewer: their 403/404 warnings would bury a failure's message.
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        return _walk(world, viewer, client, user)
    finally:
        quiet.setLevel(level)


def _close_quietly(response):
    """Close a response (a file download's handle) without the end of request
    closing the database connection: inside the walk's transaction,
    ``close_old_connections`` would close PostgreSQL's (the test client
    disconnects it for the same reason)."""
    signals.request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        signals.request_finished.connect(close_old_connections)


def _walk(world, viewer, client, user):
    before = snapshot()
    problems, requests = [], 0
    for row in TABLE:
        url = reverse(row.name, kwargs=row.kwargs(world, viewer))
        for method in ("GET", "POST"):
            expected = row.expect[method][viewer]
            with transaction.atomic():
                try:
                    if method == "GET":
                        response = client.get(url)
                    else:
                        response = client.post(url, row.data(world))
                    got = outcome(response)
                    wrong = mismatch(expected, response, got)
                    changed = []
                    if expected in REFUSED or row.still:
                        after = snapshot()
                        changed = [difference(label, before[label], after.get(label, []))
                                   for label in before if before[label] != after.get(label)]
                    if hasattr(response, "close"):
                        _close_quietly(response)
                except Exception as error:  # a 500: the client re-raises the view's exception
                    got, changed = "5", []
                    wrong = f"got 500 ({type(error).__name__}: {error})"
                requests += 1
                transaction.set_rollback(True)
            if wrong:
                problems.append(f"{method} {row.name} {url}: expected {expected}, {wrong}")
            if changed and not wrong:  # refused as expected, and yet something changed
                problems.append(f"{method} {row.name} {url}: {expected} as expected, yet changed {changed}")
        if user is not None and row.name == "logout":
            client.force_login(user)  # the POST ended the session (rolled back in the database, not the cookie)
            before = snapshot()  # the new login's time
    return problems, requests


def assert_column(world, viewer):
    problems, requests = walk(world, viewer)
    assert requests == 2 * len(TABLE)
    assert not problems, f"{viewer}: {len(problems)} of {requests} cells differ from the access matrix:\n" + "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "viewer", [v for v in VIEWER_NAMES if v not in ("external", "head_tutor")]
)
def test_role_9_access_matrix(world, viewer):
    """ROLE-9: ``viewer`` reads and changes, on every URL pattern, exactly
    what the matrix allows, on objects of other people (B's dossier, files,
    links, contacts, proposal, eligibility file); a refused request changes
    nothing."""
    assert_column(world, viewer)


@pytest.mark.django_db
def test_role_9_role_5_external_link_for_another_dossier(world):
    """ROLE-9, ROLE-5: a company person holding a link for dossier C, with no
    session: their link opens C's pages only as far as its purpose allows
    (never B's data), every portal page asks to log in, a refused use
    changes nothing."""
    assert_column(world, "external")


@pytest.mark.django_db
def test_role_9_role_4_head_who_tutors_sees_the_tutees_dossier_not_their_file(world):
    """ROLE-9, ROLE-4: the head of department Z who tutors B follows B's
    dossier (page, files, convention, fiche read-only, step A to validate)
    but never B's eligibility file (student-detail, student-facts, override
    answer 404) nor lists B among the department's students."""
    assert_column(world, "head_tutor")
