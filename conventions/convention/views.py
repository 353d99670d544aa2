"""The convention on the dossier page and the company's signing page
(DOC-3…5, DOC-8, NOTIF-2). Views resolve the dossier through ``roles`` (or
the company's personal link) and call one service of ``convention``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import (
    require_http_methods,
    require_POST,
    require_safe,
)
from django_htmx.http import HttpResponseStopPolling

from contratpro import roles
from contratpro.school.services import office_contact
from conventions.documents.models import Document, DocumentKind, PdfJob, Signature
from conventions.documents.pdf import job_in_progress
from conventions.documents.views import documents_of_kind, latest_jobs
from conventions.dossier import steps
from conventions.dossier.models import StepState
from conventions.dossier.views import already_read
from conventions.links import services as links
from conventions.links.models import ExternalLink
from conventions.links.views import link_refused
from students.models import Event

from . import sending
from .evidence import signatures_prefetch
from . import services as convention

Party = Signature.Party
ORIGINALS = "conventions.convention.originals"  # the event's verb (DOC-5)


def _signature_rows(document):
    """The three boxes in the order of DOC-4, with who signed and when."""
    signed = {s.party: s for s in document.signatures.all()} if document else {}
    return [{"party": party, "label": Party(party).label, "signature": signed.get(party)} for party in Party.values]


# Where each thing the convention waits for is filled (DOC-3, DOC-9, DOC-11).
PLACES = {
    convention.SCHOOL: (lambda dossier: reverse("school:edit"), _lazy("Compléter l'identité de l'école")),
    convention.CERFA: (lambda dossier: reverse("conventions:cerfa-edit", args=[dossier.pk]), _lazy("Ouvrir les données du CERFA")),
    convention.DOSSIER: (lambda dossier: reverse("conventions:fiche-edit", args=[dossier.pk]), _lazy("Ouvrir la fiche contact")),
    convention.STUDENT: (lambda dossier: reverse("students:import"), _lazy("Importer les données de la scolarité")),
}


def _blocker_rows(dossier, blockers):
    """The panel's list: each missing thing with the link to where it is
    filled; the school's missing parts make one row (one page fills them)."""
    rows = []
    school = [str(b.what) for b in blockers if b.place == convention.SCHOOL]
    if school:
        rows.append({"what": _("l'identité de l'école : %(what)s") % {"what": ", ".join(school)}, "why": "",
                     "place": convention.SCHOOL})
    rows += [{"what": b.what, "why": b.why, "place": b.place} for b in blockers if b.place != convention.SCHOOL]
    for row in rows:
        url, label = PLACES[row["place"]]
        row.update(url=url(dossier), label=label)
    return rows


def panel_context(request, dossier):
    """The "Convention de formation" panel for whoever sees the dossier;
    actions per actor (STEP-1: 5, 5', 6, 6', 7)."""
    actors = steps.actors_of(request.user, dossier)
    versions = documents_of_kind(dossier, DocumentKind.CONVENTION)  # newest first
    prefetch_related_objects(versions, signatures_prefetch())  # as the steps' evidence reads them
    document = versions[0] if versions else None
    job = latest_jobs(dossier).get(DocumentKind.CONVENTION)
    pending = job is not None and job_in_progress(job)
    rows = _signature_rows(document)
    signed = {row["party"] for row in rows if row["signature"]}
    office = steps.Actor.OFFICE in actors
    direction = steps.Actor.DIRECTION in actors
    first_done = set(convention.FIRST_SIGNERS) <= signed
    step_states = {row.code: row for row in dossier.steps.all()}
    cerfa = getattr(dossier, "cerfa", None)  # joined by the dossier's query
    has_cerfa_signe = bool(documents_of_kind(dossier, DocumentKind.CERFA_SIGNE))
    identity = convention.school_identity(dossier)
    school_missing = convention.school_missing(identity)
    # DOC-3, DOC-9, DOC-11: what the service would refuse; the button is
    # disabled while anything is listed.
    blockers = convention.convention_blockers(dossier, cerfa=cerfa, identity=identity)
    return {
        "dossier": dossier,
        "document": document,
        "older": versions[1:],
        "job": job,
        "pending": pending,
        "failed": job is not None and job.status == PdfJob.Status.FAILED,
        "missing": convention.convention_missing(dossier),
        "school_missing": school_missing,  # DOC-11: nothing goes out for signature without them
        "blockers": _blocker_rows(dossier, blockers) if office else [],
        "ready": not blockers,
        "reference": convention.convention_reference(dossier),
        "rows": rows,
        "signed_all": signed == set(Party.values),
        "row_company_signed": Party.COMPANY in signed,
        "first_done": first_done,
        "is_office": office,
        "can_generate": office and not pending,
        "student_may_sign": document is not None and steps.Actor.STUDENT in actors and Party.STUDENT not in signed,
        "school_may_sign": document is not None and (office or direction) and first_done and Party.SCHOOL not in signed,
        "school_signer": request.user.get_full_name() if direction else identity.signatory_name,
        "school_name": identity.name,
        "paper_parties": [(p, Party(p).label) for p in convention.FIRST_SIGNERS if p not in signed] if office and document else [],
        "originals": _originals(dossier) if document else None,
        "has_cerfa_signe": has_cerfa_signe,
        "step_6p": step_states.get("6p"),
        "step_7": step_states.get("7"),
        # Never claim a step that has not happened (STEP-6): a copy is "sent"
        # once its step is validated and what it carries exists.
        "sent_to_company": _done(step_states.get("6p")) and signed == set(Party.values),
        "sent_to_social": _done(step_states.get("7")) and signed == set(Party.values) and has_cerfa_signe,
        "step_5_open": first_done and getattr(step_states.get("5"), "state", "") in (StepState.TODO, StepState.REFUSED),
        "signatory": dossier.signataire,
        "service_social": identity.social_email or convention.SERVICE_SOCIAL_EMAIL,
    }


def _done(step_row):
    return step_row is not None and step_row.state == StepState.VALIDATED


def _originals(dossier):
    """DOC-5: the latest record of the originals' receipt, from the timeline
    when the page already read it."""
    events = already_read(dossier, "timeline")
    if events is None:
        return Event.objects.filter(dossier=dossier, verb=ORIGINALS).select_related("actor").first()
    return next((e for e in events if e.dossier_id == dossier.pk and e.verb == ORIGINALS), None)


def _dossier(request, pk):
    return get_object_or_404(
        roles.dossiers_for(request.user).for_detail().select_related("cerfa").prefetch_related("steps"), pk=pk
    )


def _panel_response(request, dossier, *, error=None, notice=None, anchor="convention"):
    """With htmx, the panel itself; without JavaScript, back to the page."""
    if request.htmx:
        context = panel_context(request, dossier)
        context.update(error=error, notice=notice)
        return render(request, "conventions/convention/_panel.html#convention", {"panel": context})
    if error:
        messages.error(request, error)
    elif notice:
        messages.success(request, notice)
    return redirect(reverse("conventions:dossier-detail", args=[dossier.pk]) + f"#{anchor}")


def _run(request, dossier, action, notice):
    """Call one service; its ValidationError becomes the panel's error."""
    try:
        action()
    except ValidationError as exc:
        return _panel_response(request, dossier, error=" ".join(exc.messages))
    return _panel_response(request, dossier, notice=notice)


@login_required
def convention_panel(request, pk):
    """The panel alone, polled every 2 s by htmx while the PDF is being built
    (NOTIF-2); once it is ready or failed, answers 286 so polling stops."""
    dossier = _dossier(request, pk)
    if not request.htmx:
        return redirect(reverse("conventions:dossier-detail", args=[dossier.pk]) + "#convention")
    context = panel_context(request, dossier)
    response = render(request, "conventions/convention/_panel.html#convention", {"panel": context})
    if context["pending"]:
        return response
    return HttpResponseStopPolling(response.content)


@require_POST
@login_required
def convention_generate(request, pk):
    """DOC-3: the office asks for a new version (built in the background)."""
    dossier = _dossier(request, pk)
    return _run(
        request, dossier, lambda: convention.convention_request(dossier=dossier, by=request.user),
        _("La convention est en cours de production ; elle apparaîtra ici dès qu'elle sera prête."),
    )


def _document(dossier, document_id):
    if not str(document_id or "").isdigit():
        raise Http404
    return get_object_or_404(Document, pk=int(document_id), dossier=dossier, kind=DocumentKind.CONVENTION)


def _pdf_response(document, reference):
    return FileResponse(
        document.file.open("rb"), as_attachment=True, content_type="application/pdf",
        filename=f"convention-{reference}-v{document.version}.pdf",
    )


@login_required
def convention_download(request, pk, version):
    """One version of the convention, for whoever sees the dossier (ROLE-9)."""
    dossier = _dossier(request, pk)
    document = get_object_or_404(Document, dossier=dossier, kind=DocumentKind.CONVENTION, version=version)
    return _pdf_response(document, convention.convention_reference(dossier))


@require_POST
@login_required
def convention_sign(request, pk):
    """DOC-4 in the portal: the student signs; the direction (or the office
    on its behalf, ROLE-7) signs last."""
    dossier = _dossier(request, pk)
    document = _document(dossier, request.POST.get("document"))
    party = request.POST.get("party", "")
    if party == Party.STUDENT:
        name = dossier.student.full_name
    elif party == Party.SCHOOL:
        name = request.POST.get("signer_name", "")
    else:
        raise PermissionDenied
    if not request.POST.get("read"):
        return _panel_response(request, dossier, error=_("Cochez « J'ai lu la convention » avant de signer."))
    return _run(
        request, dossier,
        lambda: convention.convention_sign(
            document=document, party=party, method=Signature.Method.PORTAL, signer_name=name, by=request.user
        ),
        _("Signature enregistrée (%(party)s).") % {"party": Party(party).label},
    )


@require_POST
@login_required
def convention_sign_paper(request, pk):
    """DOC-5: the office records a signature received on a paper original."""
    dossier = _dossier(request, pk)
    document = _document(dossier, request.POST.get("document"))
    party = request.POST.get("party", "")
    if party not in Party.values:
        return _panel_response(request, dossier, error=_("Choisissez la partie qui a signé."))
    return _run(
        request, dossier,
        lambda: convention.convention_sign(
            document=document, party=party, method=Signature.Method.PAPER,
            signer_name=request.POST.get("signer_name", ""), by=request.user,
        ),
        _("Signature papier enregistrée (%(party)s).") % {"party": Party(party).label},
    )


@require_POST
@login_required
def convention_originals(request, pk):
    """DOC-5: the office records the originals received by post."""
    dossier = _dossier(request, pk)
    document = _document(dossier, request.POST.get("document"))
    return _run(
        request, dossier, lambda: convention.convention_originals_received(document=document, by=request.user),
        _("Réception des originaux enregistrée."),
    )


@require_POST
@login_required
def convention_send(request, pk, target):
    """DOC-8: step 6' (to the company) or 7 (to the service social)."""
    dossier = _dossier(request, pk)
    if target not in convention.SEND_STEP:
        raise Http404
    return _run(
        request, dossier, lambda: sending.convention_send(dossier=dossier, target=target, by=request.user),
        _("Envoi en cours : l'étape sera validée dès que l'e-mail sera parti."),
    )


def _link_or_refusal(request, token, action):
    """The company's link, or the refusal page (403, 410 once expired)."""
    try:
        return links.resolve_link(request, token, ExternalLink.Purpose.SIGN_CONVENTION, action=action), None
    except links.LinkRefused as refusal:
        return None, link_refused(request, refusal)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def convention_sign_link(request, token):
    """ROLE-5, DOC-4: the company's signatory, without an account, reads the
    latest convention and signs it in the company's name."""
    link, refusal = _link_or_refusal(request, token, "signature" if request.method == "POST" else "ouverture")
    if refusal:
        return refusal
    dossier = link.dossier
    document = convention.convention_latest(dossier)
    error = None
    signer_name = link.contact.full_name
    if request.method == "POST" and document is not None:
        signer_name = request.POST.get("signer_name", "").strip()
        try:
            if not request.POST.get("read"):
                raise ValidationError(_("Cochez « J'ai lu la convention » avant de signer."))
            convention.convention_sign(
                document=_document(dossier, request.POST.get("document")), party=Party.COMPANY,
                method=Signature.Method.LINK, signer_name=signer_name, link=link,
            )
        except (ValidationError, PermissionDenied) as exc:
            error = " ".join(getattr(exc, "messages", [str(exc)]))
        else:
            messages.success(request, _("Merci : votre signature est enregistrée."))
            return redirect("conventions:convention-sign-link", token=token)
    return render(request, "conventions/convention/sign_link.html", {
        "link": link, "token": token, "dossier": dossier, "document": document,
        "rows": _signature_rows(document), "reference": convention.convention_reference(dossier),
        "signed": document is not None and document.signatures.filter(party=Party.COMPANY).exists(),
        "error": error, "signer_name": signer_name, "office": office_contact(dossier.year.start_year),
    })


@never_cache
@require_safe
def convention_link_download(request, token):
    """The latest convention, through the company's personal link."""
    link, refusal = _link_or_refusal(request, token, "téléchargement")
    if refusal:
        return refusal
    document = convention.convention_latest(link.dossier)
    if document is None:
        raise Http404
    return _pdf_response(document, convention.convention_reference(link.dossier))
