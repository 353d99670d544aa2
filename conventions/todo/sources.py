"""What feeds the « À faire » queues from the conventions room (ROLE-2…8,
STEP-1…3, ELIG-9, DOC-4, DOC-5, DOC-8, DOC-12); registered in
``ConventionsConfig.ready`` through ``register_all``.

Each section reads the rows it is made of in one query (plus one for the
documents its lines link to), oldest first, whatever the number of dossiers;
every queryset starts from ``roles.dossiers_for`` and only narrows it.
"""

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contratpro import context_processors, roles
from contratpro.roles import Actor, Role
from conventions.companies.models import ChangeProposal
from conventions.convention.services import TO_SOCIAL
from conventions.documents.models import Document, DocumentKind, PdfJob, Signature
from conventions.dossier import deadlines, panels, steps
from conventions.dossier.models import Dossier, DossierStep, StepState
from conventions.dossier.shortcuts import detail_url
from students.models import Event

from . import next_step, queues
from .queues import Item, Section, back_to_queue

Party = Signature.Party
SENT_SOCIAL = f"conventions.convention.sent_{TO_SOCIAL}"  # the event of step 7 (DOC-8)


def _codes_validated_by(actor):
    return [step.code for step in steps.CATALOGUE if actor in step.validators]


def _step_label(code):
    definition = steps.BY_CODE[code]
    return _("Étape %(code)s : %(label)s") % {"code": definition.display_code, "label": definition.label}


def _late(due, today):
    return bool(due and due < today)


def _link_to(dossier_id, anchor):
    """The dossier page at ``anchor``, coming back to the queue after a decision."""
    return back_to_queue(detail_url(dossier_id, anchor))


def _download(document, label):
    return (label, reverse("conventions:document-download", args=[document.pk]))


def _newest_documents(rows):
    """``{(dossier_id, step code): newest document}`` for the steps of
    ``rows``: what each line links to, in one query."""
    if not rows:
        return {}
    found = {}
    documents = Document.objects.filter(
        dossier_id__in={row.dossier_id for row in rows}, step__in={row.code for row in rows}
    ).only("pk", "dossier_id", "step", "kind", "version", "created_at").order_by("-created_at", "-pk")
    for document in documents:
        found.setdefault((document.dossier_id, document.step), document)
    return found


def _headed(user):
    """The dossiers ``user`` sees as their department's or option's head (ROLE-3)."""
    return roles.dossiers_for(user).filter(Q(student__department__head=user) | Q(student__option__head=user))


def _tutored(user):
    """The dossiers ``user`` is the tuteur école of (ROLE-4)."""
    return roles.dossiers_for(user).filter(tuteur_ecole=user)


# --- Submitted steps: the office, the head, the tutor (STEP-3, STEP-4) -------

def _submitted(dossiers, codes):
    return DossierStep.objects.filter(dossier__in=dossiers, code__in=codes, state=StepState.SUBMITTED)


def _step_items(rows, limit, *, action, detail=None):
    """A line per submitted step, oldest hand-in first: since when, its
    deadline, the document it came with one click away."""
    today = timezone.localdate()
    rows = list(rows.select_related("dossier__student__user").order_by("updated_at", "pk")[:limit])
    documents = _newest_documents(rows)
    items = []
    for row in rows:
        document = documents.get((row.dossier_id, row.code))
        links = (_download(document, _("%(kind)s (version %(v)s)") % {
            "kind": document.get_kind_display(), "v": document.version}),) if document else ()
        items.append(Item(
            kind="step", label=_step_label(row.code), student_name=row.dossier.student.full_name,
            dossier_id=row.dossier_id, since=row.updated_at, due=row.deadline, late=_late(row.deadline, today),
            url=_link_to(row.dossier_id, f"etape-{row.code}"), actor=_("l'élève"),
            detail=detail(row) if detail else "", action=action, links=links,
        ))
    return items


OFFICE_CODES = _codes_validated_by(Actor.OFFICE)
TUTOR_CODES = _codes_validated_by(Actor.TUTOR)


def office_steps(user):
    """ROLE-2, STEP-4: steps handed in that the office validates, with their documents."""
    return _submitted(roles.dossiers_for(user), OFFICE_CODES)


def head_fiches(user):
    """ROLE-3, step 3: fiches contact to sign off."""
    return _submitted(_headed(user), ["3"])


def head_home_approvals(user):
    """ROLE-3, STEP-5, ELIG-7: the home institution's approval (step 3') handed in."""
    return _submitted(_headed(user), ["3p"])


def tutor_steps(user):
    """ROLE-4: the report (A), the company tutor's grade (B), the fiche PFE (D) handed in."""
    return _submitted(_tutored(user), TUTOR_CODES)


def _fiche_detail(row):
    if row.dossier.head_approval_at is None:
        return _("Donnez d'abord votre accord sur le contrat : l'étape 3 se valide ensuite.")
    return ""


# --- The head's approval of the contract (ELIG-9) ---------------------------

def head_approvals(user):
    """ELIG-9: contracts of the head's dossiers with a company and no approval yet."""
    return _headed(user).filter(company__isnull=False, head_approval_at__isnull=True)


def _approval_items(user, limit):
    rows = head_approvals(user).select_related("student__user", "company").order_by("updated_at", "pk")[:limit]
    return [
        Item(
            kind="approval", label=_("Donner votre accord sur le contrat"), student_name=row.student.full_name,
            dossier_id=row.pk, since=row.updated_at, url=_link_to(row.pk, "h-accord"),
            detail=row.company.name, action=_("Voir le contrat"), actor=_("vous"),
        )
        for row in rows
    ]


# --- Conventions: signatures and production (DOC-3…5) ----------------------

def _latest_conventions(dossiers):
    """The version in force of each convention of ``dossiers`` (AMEND-1),
    with who signed it."""
    newer = Document.objects.filter(dossier=OuterRef("dossier"), kind=DocumentKind.CONVENTION, version__gt=OuterRef("version"))
    signed = {
        f"{party}_signed": Exists(Signature.objects.filter(document=OuterRef("pk"), party=party))
        for party in Party.values
    }
    return Document.objects.filter(dossier__in=dossiers, kind=DocumentKind.CONVENTION).filter(~Exists(newer)).annotate(**signed)


def school_signatures(user):
    """ROLE-7, DOC-4: conventions signed by the student and the company, waiting for the school's."""
    first_signed = Signature.objects.filter(document=OuterRef("pk"), party__in=[Party.STUDENT, Party.COMPANY])
    return (
        _latest_conventions(roles.dossiers_for(user))
        .filter(**{f"{Party.STUDENT}_signed": True, f"{Party.COMPANY}_signed": True, f"{Party.SCHOOL}_signed": False})
        .annotate(ready_at=Subquery(first_signed.order_by().values("document").annotate(m=Max("at")).values("m")[:1]))
    )


def _school_signature_items(user, limit):
    rows = school_signatures(user).select_related("dossier__student__user").order_by("ready_at", "pk")[:limit]
    return [
        Item(
            kind="school-signature", label=_("Signer la convention de formation (version %(v)s)") % {"v": row.version},
            student_name=row.dossier.student.full_name, dossier_id=row.dossier_id, since=row.ready_at,
            url=_link_to(row.dossier_id, "convention"), actor=_("l'élève et l'entreprise ont signé"),
            action=_("Signer"),
            links=((_("Lire la convention"), reverse("conventions:convention-download", args=[row.dossier_id, row.version])),),
        )
        for row in rows
    ]


def paper_signatures(user):
    """DOC-5: a convention still missing the student's or the company's
    signature while its paper copy is on its way: a signed scan deposited
    since this version, or step 5' handed in. The office records them."""
    scan = Document.objects.filter(
        dossier=OuterRef("dossier"), kind=DocumentKind.CONVENTION_SIGNEE, created_at__gte=OuterRef("created_at")
    ).order_by("-created_at").values("created_at")[:1]
    handed_in = DossierStep.objects.filter(dossier=OuterRef("dossier"), code="5p", state=StepState.SUBMITTED).values("updated_at")[:1]
    return (
        _latest_conventions(roles.dossiers_for(user))
        .filter(Q(**{f"{Party.STUDENT}_signed": False}) | Q(**{f"{Party.COMPANY}_signed": False}))
        .annotate(scan_at=Subquery(scan), handed_in_at=Subquery(handed_in))
        .filter(Q(scan_at__isnull=False) | Q(handed_in_at__isnull=False))
        .annotate(waiting_since=Coalesce("scan_at", "handed_in_at"))
    )


def _paper_items(user, limit):
    rows = paper_signatures(user).select_related("dossier__student__user").order_by("waiting_since", "pk")[:limit]
    items = []
    for row in rows:
        missing = [str(Party(p).label) for p in (Party.STUDENT, Party.COMPANY) if not getattr(row, f"{p}_signed")]
        items.append(Item(
            kind="paper-signature", label=_("Enregistrer les signatures reçues sur papier"),
            student_name=row.dossier.student.full_name, dossier_id=row.dossier_id, since=row.waiting_since,
            url=_link_to(row.dossier_id, "convention"),
            detail=_("Convention version %(v)s, signature manquante : %(who)s") % {"v": row.version, "who": ", ".join(missing)},
            action=_("Enregistrer"), actor=_("le service"),
        ))
    return items


def conventions_to_produce(user):
    """DOC-3: dossiers with all a convention needs (company, contract dates,
    signatory) and no convention yet, nor one being built."""
    return roles.dossiers_for(user).filter(
        company__isnull=False, start_date__isnull=False, end_date__isnull=False, signataire__isnull=False,
    ).filter(
        ~Exists(Document.objects.filter(dossier=OuterRef("pk"), kind=DocumentKind.CONVENTION)),
        ~Exists(PdfJob.objects.filter(
            dossier=OuterRef("pk"), kind=DocumentKind.CONVENTION, status__in=[PdfJob.Status.PENDING, PdfJob.Status.RUNNING]
        )),
    )


def _production_items(user, limit):
    rows = conventions_to_produce(user).select_related("student__user", "company").order_by("updated_at", "pk")[:limit]
    return [
        Item(
            kind="convention", label=_("Produire la convention de formation"), student_name=row.student.full_name,
            dossier_id=row.pk, since=row.updated_at, url=_link_to(row.pk, "convention"),
            detail=row.company.name, action=_("Produire"), actor=_("le service"),
        )
        for row in rows
    ]


# --- Shared records (DOC-12, ROLE-5) ----------------------------------------

def proposals(user):
    """DOC-12: changes proposed to a company or a person other dossiers use."""
    return ChangeProposal.objects.filter(dossier__in=roles.dossiers_for(user), status=ChangeProposal.Status.PENDING)


def _proposal_items(user, limit):
    rows = proposals(user).select_related("company", "contact", "dossier__student__user", "proposed_by").order_by(
        "created_at", "pk"
    )[:limit]
    review = reverse("conventions:company-review")
    return [
        Item(
            kind="proposal",
            label=_("Modification proposée : %(record)s") % {"record": row.contact.full_name if row.contact else row.company.name},
            student_name=row.dossier.student.full_name, dossier_id=row.dossier_id, since=row.created_at,
            url=f"{review}#h-proposals",
            actor=row.proposed_by.get_full_name() or row.proposed_by.username if row.proposed_by else "",
            detail=row.company.name if row.contact else "", action=_("Examiner"),
        )
        for row in rows
    ]


def signatory_emails(user):
    """ROLE-5: signatories whose address no one confirmed yet: no signing link may go to them."""
    return roles.dossiers_for(user).filter(signataire__isnull=False, signataire__email_confirmed_at__isnull=True)


def _signatory_items(user, limit):
    rows = signatory_emails(user).select_related("signataire", "company", "student__user").order_by("updated_at", "pk")[:limit]
    review = reverse("conventions:company-review")
    return [
        Item(
            kind="signatory-email",
            label=_("Confirmer l'adresse de %(name)s") % {"name": row.signataire.full_name},
            student_name=row.student.full_name, dossier_id=row.pk, since=row.updated_at,
            url=f"{review}#h-signatories", detail=f"{row.signataire.email} · {row.company.name}",
            action=_("Vérifier"), actor=_("saisie par l'élève"),
        )
        for row in rows
    ]


# --- What is late, and by whom (STEP-2, the deadlines registry) -------------

def _late_items(user, limit):
    """Every dated obligation past its day and not done, with who must act
    (the deadlines registry, whoever owns the obligation); most overdue first."""
    today = timezone.localdate()
    overdue = [o for o in deadlines.obligations_for(roles.dossiers_for(user)) if not o.done and o.due < today]
    shown = overdue[:limit]
    dossiers = Dossier.objects.filter(pk__in={o.dossier_id for o in shown}).select_related("student__user").in_bulk()
    items = []
    for obligation in shown:
        dossier = dossiers[obligation.dossier_id]
        who = ", ".join(sorted(str(Actor(a).label) for a in obligation.actors))
        items.append(Item(
            kind="late", label=obligation.label, student_name=dossier.student.full_name, dossier_id=dossier.pk,
            since=None, due=obligation.due, late=True,
            url=back_to_queue(obligation.url) if obligation.url else _link_to(dossier.pk, ""), actor=who, action=_("Ouvrir le dossier"),
        ))
    return queues.Page(items, total=len(overdue))


# --- What was sent to the service social and the scolarité (ROLE-8) ---------

def copies_sent(user):
    """ROLE-8, step 7: the CERFA and convention copies sent, newest first."""
    return Event.objects.filter(dossier__in=roles.dossiers_for(user), verb=SENT_SOCIAL)


def _copies_items(user, limit):
    rows = copies_sent(user).select_related("dossier__student__user", "actor").order_by("-at", "-pk")[:limit]
    return [
        Item(
            kind="copy-sent", label=_("CERFA et convention de formation signés"),
            student_name=row.dossier.student.full_name, dossier_id=row.dossier_id, since=row.at,
            url=detail_url(row.dossier_id, "documents"), actor=row.actor_display, action=_("Voir les documents"),
        )
        for row in rows
    ]


# --- The tutor's tutees (ROLE-4) -----------------------------------------------

def _tutee_items(user, limit):
    """Each tutee with the next of their steps A, B, D still open, or done."""
    today = timezone.localdate()
    rows = list(
        _tutored(user).select_related("student__user", "company").order_by("student__user__last_name", "pk")[:limit]
    )
    open_steps = {}
    for row in DossierStep.objects.filter(dossier__in=rows, code__in=TUTOR_CODES).exclude(
        state=StepState.VALIDATED
    ).order_by("order"):
        open_steps.setdefault(row.dossier_id, row)
    items = []
    for dossier in rows:
        step = open_steps.get(dossier.pk)
        if step is None:
            label, due, detail = _("Rapport, note du tuteur entreprise et fiche PFE validés"), None, ""
        else:
            label, due = _step_label(step.code), step.deadline
            detail = _("Soumis : à vous de valider") if step.state == StepState.SUBMITTED else str(step.get_state_display())
        items.append(Item(
            kind="tutee", label=label, student_name=dossier.student.full_name, dossier_id=dossier.pk,
            since=None, due=due, late=step is not None and _late(due, today),
            url=detail_url(dossier.pk, f"etape-{step.code}" if step else ""),
            detail=" · ".join(part for part in (dossier.company.name if dossier.company else "", detail) if part),
            action=_("Ouvrir le dossier"),
        ))
    return items


def _steps_section(rows, *, action, detail=None):
    """The items of a section of submitted steps."""
    return lambda user, limit: _step_items(rows(user), limit, action=action, detail=detail)


# Orders by role: the office 10–99, the head 100–199 (attendance's
# exceptional absences fit at 140), the direction 200–299, the tutor
# 300–399 (grading's grades to give at 330), service social and scolarité
# 400–499 (grading's grades sent at 420).
SECTIONS = (
    # The office (ROLE-2).
    Section(
        "office-steps", gettext_lazy("Étapes soumises à valider"), frozenset({Role.OFFICE}),
        items=_steps_section(office_steps, action=gettext_lazy("Vérifier")),
        rows=office_steps, order=10,
        empty=gettext_lazy("Aucune étape soumise n'attend votre vérification."),
        intro=gettext_lazy("Les pièces déposées sont à un clic : vérifiez-les, puis validez ou refusez l'étape."),
    ),
    Section(
        "office-paper", gettext_lazy("Signatures reçues sur papier à enregistrer"), frozenset({Role.OFFICE}),
        items=_paper_items, rows=paper_signatures, order=20,
        empty=gettext_lazy("Aucune convention signée sur papier n'attend d'être enregistrée."),
    ),
    Section(
        "office-conventions", gettext_lazy("Conventions à produire"), frozenset({Role.OFFICE}),
        items=_production_items, rows=conventions_to_produce, order=30,
        empty=gettext_lazy("Aucun dossier complet n'attend sa convention."),
    ),
    Section(
        "office-proposals", gettext_lazy("Modifications d'entreprises proposées"), frozenset({Role.OFFICE}),
        items=_proposal_items, rows=proposals, order=40,
        empty=gettext_lazy("Aucune modification d'entreprise n'attend votre décision."),
    ),
    Section(
        "office-signatories", gettext_lazy("Adresses de signataires à confirmer"), frozenset({Role.OFFICE}),
        items=_signatory_items, rows=signatory_emails, order=50,
        empty=gettext_lazy("Toutes les adresses de signataires sont confirmées."),
    ),
    Section(
        "office-late", gettext_lazy("En retard"), frozenset({Role.OFFICE}),
        items=_late_items, order=90, counted=False,
        empty=gettext_lazy("Aucune échéance dépassée."),
        intro=gettext_lazy("Les échéances passées, et qui doit agir."),
    ),
    # The department head (ROLE-3).
    Section(
        "head-fiches", gettext_lazy("Fiches contact à viser"), frozenset({Role.DEPARTMENT_HEAD}),
        items=_steps_section(head_fiches, action=gettext_lazy("Viser"), detail=_fiche_detail),
        rows=head_fiches, order=110,
        empty=gettext_lazy("Aucune fiche contact n'attend votre visa."),
    ),
    Section(
        "head-approvals", gettext_lazy("Contrats à approuver"), frozenset({Role.DEPARTMENT_HEAD}),
        items=_approval_items, rows=head_approvals, order=120,
        empty=gettext_lazy("Aucun contrat n'attend votre accord."),
    ),
    Section(
        "head-home-approvals", gettext_lazy("Accords d'établissement d'origine (double diplôme)"),
        frozenset({Role.DEPARTMENT_HEAD}),
        items=_steps_section(head_home_approvals, action=gettext_lazy("Vérifier")),
        rows=head_home_approvals, order=130,
        empty=gettext_lazy("Aucun accord d'établissement d'origine n'attend votre validation."),
    ),
    # The direction (ROLE-7).
    Section(
        "direction-signatures", gettext_lazy("Conventions à signer pour l'école"), frozenset({Role.DIRECTION}),
        items=_school_signature_items, rows=school_signatures, order=210,
        empty=gettext_lazy("Aucune convention n'attend la signature de l'école."),
        intro=gettext_lazy("L'élève et l'entreprise ont signé : l'école signe en dernier."),
    ),
    # The tuteur école (ROLE-4).
    Section(
        "tutor-steps", gettext_lazy("À valider pour vos tutorés"), frozenset({Role.TUTOR}),
        items=_steps_section(tutor_steps, action=gettext_lazy("Valider")),
        rows=tutor_steps, order=310,
        empty=gettext_lazy("Aucun rapport ni aucune évaluation n'attend votre validation."),
    ),
    Section(
        "tutor-tutees", gettext_lazy("Vos tutorés"), frozenset({Role.TUTOR}),
        items=_tutee_items, order=320, counted=False,
        empty=gettext_lazy("Vous n'êtes le tuteur école d'aucun élève."),
        intro=gettext_lazy("Pour chacun, ce qui reste à remettre : rapport, note du tuteur entreprise, fiche PFE."),
    ),
    # Service social and scolarité (ROLE-8).
    Section(
        "sent-copies", gettext_lazy("Copies reçues : CERFA et conventions"), frozenset({Role.SOCIAL, Role.SCOLARITE}),
        items=_copies_items, order=410, counted=False, newest_first=True,
        empty=gettext_lazy("Aucune copie ne vous a encore été envoyée."),
        intro=gettext_lazy("Ce que le service Contrats pro vous a transmis, du plus récent au plus ancien."),
    ),
)


def next_step_panel(request, dossier):
    """The student's « prochaine étape » card at the top of their dossier
    page (ROLE-1); nothing for anyone else."""
    step = next_step.next_step_for(dossier, request.user)
    return None if step is None else {"step": step}


def register_all():
    """Register this room's sections, the navigation's count (ROLE-1…8) and
    the student's next-step card on the dossier page."""
    for section in SECTIONS:
        queues.register(section)
    context_processors.register_todo(url=queues.nav_url, count=queues.nav_count)
    panels.register(panels.Panel("next_step", "conventions/todo/_next_step.html", next_step_panel, order=0))
