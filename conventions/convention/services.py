"""The convention de formation (DOC-3…5, DOC-8; steps 5 to 7).

The PDF's content (the builder registered for ``DocumentKind.CONVENTION``,
run by the ``build_pdf`` task), its signatures in the order of DOC-4, the
receipt of the originals (DOC-5) and the copies sent by e-mail to the
company (step 6') and to the service social (step 7).
"""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import roles
from contratpro.school.services import office_contact, school_for_year, school_missing
from conventions.billing.services import PAYMENT_DAYS, RECOVERY_INDEMNITY, billing_dates, billing_schedule
from conventions.cerfa import services as cerfa_services
from conventions.cerfa.models import CerfaData
from conventions.documents.jobs import pdf_request
from conventions.documents.models import Document, DocumentKind, Signature
from conventions.documents.pdf import next_version
from conventions.dossier import steps
from conventions.dossier.models import Dossier, DossierStep, StepState
from conventions.mailtexts.registry import mail_message
from students import programme
from students.calendar import training_dates
from students.history import event_record
from students.models import Module

from . import mail

# ROLE-8, step 7: the service social's mailbox when the school's identity
# (DOC-11, ``contratpro.school``) gives none.
SERVICE_SOCIAL_EMAIL = "service-social@mines-ales.fr"

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


# Where each blocker is filled (the panel links there).
SCHOOL, DOSSIER, CERFA, STUDENT = "ecole", "dossier", "cerfa", "eleve"
_READ = object()  # "read it from the database"


@dataclass(frozen=True)
class Blocker:
    """One thing the convention waits for (DOC-3, DOC-9, DOC-11): what is
    missing (« les données du CERFA (étape 4) »), why when it needs saying,
    and where it is filled (``SCHOOL``, ``DOSSIER``, ``CERFA``, ``STUDENT``)."""

    what: str
    place: str
    why: str = ""


def training_blockers(dossier, cerfa):
    """DOC-9 (DOMAIN §4, L6325-13 and -14): the 480 h are at least 150 h and
    15 % of the contract's duration, at the CERFA's weekly hours; above 25 %
    only when the branch agreement allows it, its reference given."""
    if cerfa is None:
        return [Blocker(
            _("les données du CERFA (étape 4)"), CERFA,
            _("Elles disent la durée hebdomadaire du contrat, donc la part des heures de formation dans sa durée, "
              "et l'accord de branche qui autorise plus de 25 % de formation."),
        )]
    share = cerfa_services.training_share(dossier, cerfa.weekly_hours)
    values = {"hours": share.hours, "percent": str(share.percent).replace(".", ",")}
    blockers = []
    if share.hours < cerfa_services.TRAINING_MIN_HOURS:
        blockers.append(Blocker(_("au moins 150 h de formation"), CERFA, _("La formation compte %(hours)s h.") % values))
    if share.percent < cerfa_services.TRAINING_MIN_SHARE:
        blockers.append(Blocker(
            _("une formation d'au moins 15 % de la durée du contrat"), CERFA,
            _("La formation représente %(percent)s %% du contrat.") % values,
        ))
    if share.percent > cerfa_services.TRAINING_MAX_SHARE:
        if not cerfa.branch_allows_over_25:
            blockers.append(Blocker(
                _("l'accord de branche autorisant plus de 25 % de formation"), CERFA,
                str(cerfa_services.training_warning(share)),
            ))
        elif not cerfa.branch_agreement_reference.strip():
            blockers.append(Blocker(_("la référence de l'accord de branche"), CERFA))
    return blockers


def convention_blockers(dossier, *, cerfa=_READ, identity=None):
    """Everything that keeps the convention from being produced — the
    school's identity (DOC-11), the dossier (DOC-3), the CERFA's data and
    the training's share (DOC-9) — each with where it is filled; [] when it
    may be. ``cerfa``, ``identity``: rows already read (else read here)."""
    identity = identity if identity is not None else school_identity(dossier)
    blockers = [Blocker(what, SCHOOL) for what in school_missing(identity)]
    blockers += [Blocker(str(what), where) for what, where in _dossier_missing(dossier)]
    if dossier.start_date and dossier.end_date:
        if cerfa is _READ:
            cerfa = CerfaData.objects.filter(dossier=dossier).first()
        blockers += training_blockers(dossier, cerfa)
    return blockers


def _dossier_missing(dossier):
    """(what, where) the dossier still lacks for a convention (DOC-3)."""
    missing = []
    if not dossier.company_id:
        missing.append((_("l'entreprise"), DOSSIER))
    if not (dossier.start_date and dossier.end_date):
        missing.append((_("les dates du contrat"), CERFA))
    if not dossier.signataire_id:
        missing.append((_("le signataire de l'entreprise"), DOSSIER))
    elif not dossier.signataire.job_title.strip():
        missing.append((_("la qualité du signataire de l'entreprise"), DOSSIER))
    if not dossier.student.birth_date:
        missing.append((_("la date de naissance de l'élève"), STUDENT))
    return missing


def convention_missing(dossier):
    """What the dossier still lacks for a convention (DOC-3), in French."""
    return [what for what, _where in _dossier_missing(dossier)]


def school_identity(dossier):
    """DOC-11: the school's identity that applies to the dossier's year."""
    return school_for_year(dossier.year.start_year)


def _in_sentence(capacity):
    """« Directrice générale » inside a sentence: « …, directrice générale, »;
    the rest as written (an acronym such as « DGS » stays)."""
    if len(capacity) > 1 and capacity[0].isupper() and capacity[1].islower():
        return capacity[0].lower() + capacity[1:]
    return capacity


def school_party(identity):
    """The school as a party of the convention (DOC-3, DOC-11, DOMAIN §1), from its record."""
    return {
        "name": identity.name,
        "legal_name": identity.legal_name,
        "address": identity.address_lines(),
        "siret": identity.siret,
        "nda": identity.nda,  # numéro de déclaration d'activité (CT L6352-12)
        "nda_region": identity.nda_region,
        "signatory": identity.signatory_name,
        "signatory_capacity": identity.signatory_capacity,  # as written (« Directrice générale »)
        "signatory_capacity_in_text": _in_sentence(identity.signatory_capacity),
        "place": identity.place,
    }


def letterhead(identity, office):
    """The school's lines at the top of every page of a printed document
    (``pdf/base.html``, DOC-11, CONTACT-1)."""
    return {
        "name": identity.name,
        "service": _("Service Contrats de professionnalisation"),
        "address": [_nbsp_spaces(line) for line in identity.address_lines()],
        "email": office["email"],
        "phone": _nbsp_spaces(office["phone"]),
    }


def convention_school_missing(dossier):
    """DOC-11: the school's required parts still empty for the dossier's year, in French."""
    return school_missing(school_identity(dossier))


def _check_ready(dossier, *, cerfa=_READ):
    """Refuses, in French, a convention that cannot be produced yet (DOC-3,
    DOC-9, DOC-11): the panel disables its button for the same reasons."""
    blockers = convention_blockers(dossier, cerfa=cerfa)
    if not blockers:
        return
    sentences = []
    school = [b.what for b in blockers if b.place == SCHOOL]
    if school:
        sentences.append(
            _("La convention ne peut pas partir en signature : l'identité de l'école est incomplète, il manque %(missing)s. Le service Contrats pro la complète dans « Identité de l'école ».")
            % {"missing": ", ".join(school)}
        )
    others = [b for b in blockers if b.place != SCHOOL]
    if others:
        sentences.append(
            _("La convention ne peut pas encore être produite : il manque %(missing)s.")
            % {"missing": ", ".join(b.what for b in others)}
        )
        sentences += [b.why for b in others if b.why]
        sentences.append(_("Complétez le dossier, puis recommencez."))
    raise ValidationError(" ".join(str(sentence) for sentence in sentences))


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
    dossier = Dossier.objects.for_detail().select_related("cerfa").get(pk=dossier.pk)
    _check_ready(dossier, cerfa=getattr(dossier, "cerfa", None))
    student, year = dossier.student, dossier.year
    identity = school_identity(dossier)
    office = office_contact(year.start_year)
    track = programme.track_for(student.department)
    dates = convention_dates(dossier)
    first, balance = billing_schedule(year.training_cost, s9_hours=dates.s9_hours, s10_hours=dates.s10_hours)
    first_issued, balance_issued = billing_dates(dates)
    return "pdf/convention.html", {
        "dossier": dossier,
        "student": student,
        "year": year,
        "company": dossier.company,
        "signatory": dossier.signataire,
        "school": school_party(identity),
        "letterhead": letterhead(identity, office),
        "office": office,
        "office_phone": _nbsp_spaces(office["phone"]),
        "reference": convention_reference(dossier),
        "version": next_version(dossier, DocumentKind.CONVENTION),
        "issued": timezone.localdate(),
        "programme": programme,
        "track": track,
        "dates": dates,
        "modules": _halves([_nbsp_quotes(name) for name in Module.objects.for_student(student).values_list("name", flat=True)]),
        "periods": _halves(list(dates.periods)),
        "cost": euros(year.training_cost),
        "first_amount": euros(first),
        "balance_amount": euros(balance),
        "first_issued": first_issued,
        "balance_issued": balance_issued,
        "payment_days": PAYMENT_DAYS,
        "recovery_indemnity": euros(RECOVERY_INDEMNITY).replace(",00", ""),
    }


def convention_dates(dossier):
    """CAL-1…4: the periods the convention states for the dossier's track
    and contract (``students.calendar.training_dates``)."""
    return training_dates(
        dossier.year, dossier.student.department, start=dossier.start_date, end=dossier.end_date
    )


def _nbsp_spaces(text):
    """A phone number or an address line that never breaks inside."""
    return text.replace(" ", NBSP)


def _nbsp_quotes(text):
    """French quotes hold their words: « texte » never breaks after « or before »."""
    return text.replace("« ", "«" + NBSP).replace(" »", NBSP + "»")


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
        recipients = [office_contact(dossier.year.start_year)["social_email"] or SERVICE_SOCIAL_EMAIL]
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
        office = office_contact(dossier.year.start_year)
        context = mail.copy_context(
            dossier=dossier, reference=reference, documents=documents,
            signatures=list(convention_latest(dossier).signatures.all()), office=office,
        )
        message = mail_message(
            mail.COMPANY if target == TO_COMPANY else mail.SOCIAL, context, to=recipients, cc=[office["email"]],
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
