"""The convention de formation (DOC-3…5, DOC-8; steps 5 to 7).

The PDF's content (the builder registered for ``DocumentKind.CONVENTION``,
run by the ``build_pdf`` task), its signatures in the order of DOC-4, the
receipt of the originals (DOC-5) and the copies sent by e-mail to the
company (step 6') and to the service social (step 7).
"""

import datetime
import hashlib
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.school.services import school_for_year, school_missing
from conventions.billing.services import billing_schedule
from conventions.documents.jobs import pdf_request
from conventions.documents.models import Document, DocumentKind, Signature
from conventions.documents.pdf import next_version
from conventions.dossier import steps
from conventions.dossier.models import Dossier, DossierStep, StepState
from students import programme
from students.history import event_record
from students.models import Module

# ROLE-8, step 7: the service social's mailbox when the school's identity
# (DOC-11, ``contratpro.school``) gives none.
SERVICE_SOCIAL_EMAIL = "service-social@mines-ales.fr"
TO_COMPLETE = gettext_lazy("à compléter par le service")

Party = Signature.Party
Method = Signature.Method
FIRST_SIGNERS = (Party.STUDENT, Party.COMPANY)  # DOC-4: either may sign first
TO_COMPANY, TO_SOCIAL = "entreprise", "social"
SEND_STEP = {TO_COMPANY: "6p", TO_SOCIAL: "7"}
NBSP = "\u00a0"


def convention_reference(dossier):
    return f"CP-{dossier.year.start_year}-{dossier.pk:04d}"


def euros(amount):
    """``Decimal("8000")`` → « 8 000,00 € », French grouping, non-breaking spaces."""
    units, cents = f"{abs(Decimal(amount).quantize(Decimal('0.01'))):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    return ("-" if Decimal(amount) < 0 else "") + NBSP.join(groups) + "," + cents + NBSP + "€"


def convention_missing(dossier):
    """What the dossier still lacks for a convention (DOC-3), in French."""
    missing = []
    if not dossier.company_id:
        missing.append(_("l'entreprise"))
    if not (dossier.start_date and dossier.end_date):
        missing.append(_("les dates du contrat"))
    if not dossier.signataire_id:
        missing.append(_("le signataire de l'entreprise"))
    return missing


def school_identity(dossier):
    """DOC-11: the school's identity that applies to the dossier's year."""
    return school_for_year(dossier.year.start_year)


def school_party(identity):
    """The school as a party of the convention (DOC-3, DOMAIN §1), from its record."""
    return {
        "name": identity.name,
        "legal_name": identity.legal_name,
        "address": identity.address_lines(),
        "siret": identity.siret,
        "nda": identity.nda,  # numéro de déclaration d'activité (CT L6352-12)
        "nda_region": identity.nda_region,
        "signatory": identity.signatory_name,
        "signatory_capacity": identity.signatory_capacity,
        "place": identity.place,
    }


def convention_school_missing(dossier):
    """DOC-11: the school's required parts still empty for the dossier's year, in French."""
    return school_missing(school_identity(dossier))


def _check_ready(dossier):
    school = convention_school_missing(dossier)
    if school:
        raise ValidationError(
            _("La convention ne peut pas partir en signature : l'identité de l'école est incomplète, il manque %(missing)s. Le service Contrats pro la complète dans « Identité de l'école ».")
            % {"missing": ", ".join(school)}
        )
    missing = convention_missing(dossier)
    if missing:
        raise ValidationError(
            _("La convention ne peut pas encore être produite : il manque %(missing)s. Complétez le dossier, puis recommencez.")
            % {"missing": ", ".join(missing)}
        )


def convention_request(*, dossier, by):
    """DOC-3, NOTIF-2: the office asks for a new version of the convention;
    it is built in the background (the page shows the job until ready)."""
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro produit la convention."))
    _check_ready(dossier)
    return pdf_request(dossier=dossier, kind=DocumentKind.CONVENTION, by=by)


def convention_build(dossier):
    """DOC-3: the convention's template and context, with every mention of
    DOMAIN.md §1 (parties, object, programme, 480 h, dates, price and VAT
    exemption, billing, OPCO, rupture and disputes, three originals)."""
    dossier = Dossier.objects.for_detail().get(pk=dossier.pk)
    _check_ready(dossier)
    student, year = dossier.student, dossier.year
    track = programme.track_for(student.department)
    first, balance = billing_schedule(year.training_cost, s9_hours=track.s9_hours, s10_hours=track.s10_hours)
    return "pdf/convention.html", {
        "dossier": dossier,
        "student": student,
        "year": year,
        "company": dossier.company,
        "signatory": dossier.signataire,
        "school": school_party(school_identity(dossier)),
        "to_complete": TO_COMPLETE,
        "office": settings.CONTRATPRO_CONTACT,
        "reference": convention_reference(dossier),
        "version": next_version(dossier, DocumentKind.CONVENTION),
        "issued": timezone.localdate(),
        "programme": programme,
        "track": track,
        "modules": _halves(list(Module.objects.for_student(student).values_list("name", flat=True))),
        "periods": _halves(list(year.periods_for(student.department))),
        "s10_end": year.pfe_start - datetime.timedelta(days=1),
        "cost": euros(year.training_cost),
        "first_amount": euros(first),
        "balance_amount": euros(balance),
    }


def _halves(items):
    """Two columns of a list, printed as a one-row table (faster than CSS columns)."""
    middle = (len(items) + 1) // 2
    return [items[:middle], items[middle:]] if items else []


def convention_latest(dossier):
    """The version in force: the latest generated convention (AMEND-1)."""
    return Document.objects.filter(dossier=dossier, kind=DocumentKind.CONVENTION).order_by("-version").first()


def _file_sha256(document):
    digest = hashlib.sha256()
    with document.file.open("rb") as handle:
        for chunk in handle.chunks():
            digest.update(chunk)
    return digest.hexdigest()


def _check_signer(dossier, party, method, by, link):
    """Who may sign for whom, and how (DOC-4, DOC-5, ROLE-5, ROLE-7): ``roles.can_sign``."""
    if roles.can_sign(by, dossier, party=party, method=method, link=link):
        return
    if method == Method.PAPER:
        raise PermissionDenied(_("Seul le service Contrats pro enregistre une signature reçue sur papier."))
    raise PermissionDenied(
        _("Vous ne pouvez pas signer la convention au nom de : %(party)s.") % {"party": Party(party).label}
    )


_WHO = {Party.STUDENT: gettext_lazy("l'élève salarié"), Party.COMPANY: gettext_lazy("l'entreprise")}


def _try_step(dossier, code, action, by):
    """Move a step as a consequence, when ``by`` may and what the step
    attests is there (STEP-6); otherwise leave it."""
    row = DossierStep.objects.filter(dossier=dossier, code=code).first()
    if by is not None and row is not None and action in steps.allowed_actions(row, roles.actors_of(by, dossier)):
        try:
            steps.step_transition(step=row, action=action, by=by)
        except ValidationError:
            pass  # not yet: the step row says why


@transaction.atomic
def convention_sign(*, document, party, method, signer_name, by=None, link=None):
    """DOC-4: one party signs the latest version of the convention — the
    student in the portal, the company through its personal link, the office
    recording a signature received on paper (DOC-5), the direction (or the
    office on its behalf, ROLE-7) last, once student and company have signed.
    Stores who, when, how and the SHA-256 of the exact file signed; then
    submits step 5 or validates step 6 when ``by`` may."""
    document = Document.objects.select_for_update().select_related("dossier__year").get(pk=document.pk)
    dossier = Dossier.objects.for_detail().get(pk=document.dossier_id)
    if document.kind != DocumentKind.CONVENTION:
        raise ValidationError(_("Seule la convention de formation se signe ici."))
    _check_signer(dossier, party, method, by, link)
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise ValidationError({"signer_name": _("Indiquez le nom de la personne qui signe.")})
    latest = Document.objects.filter(dossier=dossier, kind=DocumentKind.CONVENTION).aggregate(v=Max("version"))["v"]
    if document.version != latest:
        raise ValidationError(
            _("La version %(version)s de la convention est périmée : la version %(latest)s la remplace. Signez la dernière version.")
            % {"version": document.version, "latest": latest}
        )
    signed = set(document.signatures.values_list("party", flat=True))
    if party in signed:
        raise ValidationError(_("%(party)s a déjà signé cette version de la convention.") % {"party": Party(party).label})
    if party == Party.SCHOOL and not set(FIRST_SIGNERS) <= signed:
        waiting = [str(_WHO[p]) for p in FIRST_SIGNERS if p not in signed]
        raise ValidationError(
            _("L'école signe en dernier : la convention attend encore la signature de %(who)s.")
            % {"who": _(" et de ").join(waiting)}
        )
    if _file_sha256(document) != document.sha256:
        raise ValidationError(_("Le fichier de la convention ne correspond plus à son empreinte : produisez une nouvelle version."))
    on_paper_or_for_direction = method == Method.PAPER or (
        party == Party.SCHOOL and roles.Actor.DIRECTION not in roles.actors_of(by, dossier)
    )
    signature = Signature.objects.create(
        document=document, party=party, signer_name=signer_name[:200], method=method,
        signed_by=None if on_paper_or_for_direction else by, recorded_by=by if on_paper_or_for_direction else None,
        via_link=link, sha256=document.sha256,
    )
    event_record(
        dossier=dossier, actor=None if link is not None else by, link=link, verb="conventions.convention.sign", step="6" if party == Party.SCHOOL else "5",
        summary=_("Convention (version %(v)s) signée pour %(party)s par %(name)s – %(method)s.")
        % {"v": document.version, "party": Party(party).label, "name": signature.signer_name,
           "method": signature.get_method_display()},
    )
    signed.add(party)
    if party != Party.SCHOOL and set(FIRST_SIGNERS) <= signed:
        _try_step(dossier, "5", steps.SUBMIT, by)
    if party == Party.SCHOOL:
        _try_step(dossier, "6", steps.VALIDATE, by)
    return signature


@transaction.atomic
def convention_originals_received(*, document, by):
    """DOC-5: the office records the signed originals received by post;
    validates step 5' when it was handed in."""
    dossier = document.dossier
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro enregistre la réception des originaux."))
    event = event_record(
        dossier=dossier, actor=by, verb="conventions.convention.originals", step="5p",
        summary=_("Originaux signés de la convention (version %(v)s) reçus par courrier.") % {"v": document.version},
    )
    _try_step(dossier, "5p", steps.VALIDATE, by)
    return event


def _latest(dossier, kind):
    return Document.objects.filter(dossier=dossier, kind=kind).order_by("-version").first()


def copies_for(dossier, target):
    """DOC-8: (recipients, documents) of a copy, or a French ValidationError
    saying what is missing. The company gets the fully signed convention
    (step 6'); the service social the signed CERFA and the fully signed
    convention (7)."""
    convention = convention_latest(dossier)
    if convention is None:
        raise ValidationError(_("Aucune convention n'a encore été produite."))
    signed = set(convention.signatures.values_list("party", flat=True))
    needed = set(Party.values)  # STEP-6: both copies are of the fully signed convention
    if not needed <= signed:
        waiting = ", ".join(str(Party(p).label) for p in Party.values if p in needed - signed)
        raise ValidationError(
            _("La convention (version %(v)s) n'est pas encore signée : il manque la signature de %(who)s.")
            % {"v": convention.version, "who": waiting}
        )
    documents = [convention]
    scan = _latest(dossier, DocumentKind.CONVENTION_SIGNEE)
    if scan is not None:
        documents.append(scan)
    if target == TO_COMPANY:
        recipients = [c.email for c in (dossier.signataire, dossier.hr_contact) if c is not None and c.email]
        if not recipients:
            raise ValidationError(_("Ni signataire ni contact RH n'a d'adresse e-mail : complétez les contacts de l'entreprise."))
    else:
        cerfa = _latest(dossier, DocumentKind.CERFA_SIGNE)
        if cerfa is None:
            raise ValidationError(
                _("Le CERFA 12434 signé manque (étape 4') : déposez-le avant d'envoyer les copies au service social.")
            )
        documents.insert(0, cerfa)
        recipients = [school_identity(dossier).social_email or SERVICE_SOCIAL_EMAIL]
    return list(dict.fromkeys(recipients)), documents


def _attachment_name(document, reference):
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}[document.content_type]
    stem = {DocumentKind.CERFA_SIGNE: "cerfa-12434-signe", DocumentKind.CONVENTION_SIGNEE: "convention-signee-scan"}
    return f"{stem.get(document.kind, 'convention')}-{reference}-v{document.version}.{extension}"


def convention_copies_send(*, dossier_id, target, by_id):
    """Body of the DOC-8 task: idempotent — the step row is locked and an
    already validated step means the copy went out; returns the recipients."""
    with transaction.atomic():
        dossier = Dossier.objects.for_detail().get(pk=dossier_id)
        by = get_user_model().objects.get(pk=by_id)
        step = DossierStep.objects.select_for_update().filter(dossier=dossier, code=SEND_STEP[target]).first()
        if step is not None and step.state == StepState.VALIDATED:
            return []
        recipients, documents = copies_for(dossier, target)
        reference = convention_reference(dossier)
        context = {
            "dossier": dossier, "reference": reference, "documents": documents,
            "signatures": list(convention_latest(dossier).signatures.all()), "office": settings.CONTRATPRO_CONTACT,
        }
        template = "emails/convention_company.txt" if target == TO_COMPANY else "emails/convention_social.txt"
        subject = (
            _("Convention de formation %(ref)s signée – %(name)s")
            if target == TO_COMPANY else _("Contrat de professionnalisation de %(name)s : CERFA et convention (%(ref)s)")
        ) % {"ref": reference, "name": dossier.student.full_name}
        message = EmailMessage(
            subject=subject, body=render_to_string(template, context), to=recipients,
            cc=[settings.CONTRATPRO_CONTACT["email"]],
        )
        for document in documents:
            with document.file.open("rb") as handle:
                message.attach(_attachment_name(document, reference), handle.read(), document.content_type)
        message.send()
        event_record(
            dossier=dossier, actor=by, verb=f"conventions.convention.sent_{target}", step=SEND_STEP[target],
            summary=_("Copies envoyées par e-mail à %(to)s : %(docs)s.")
            % {"to": ", ".join(recipients), "docs": ", ".join(str(d) for d in documents)},
        )
        if step is not None:
            _try_step(dossier, step.code, steps.VALIDATE, by)
        return recipients
