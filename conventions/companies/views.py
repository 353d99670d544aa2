"""The office's review of shared company records (DOC-12, ROLE-5): changes
proposed by students to a company or a person other dossiers use, and
signatory addresses to confirm before a signing link may go to them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contratpro import roles
from conventions.dossier.shortcuts import detail_url, visible_dossier

from . import services
from .models import ChangeProposal, CompanyContact


def _office_only(request):
    if not roles.can_manage_dossiers(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro vérifie les fiches des entreprises."))


@login_required
def review_list(request):
    """What awaits the office about shared records, oldest first: proposed
    changes, then signatories whose address is not confirmed yet."""
    _office_only(request)
    proposals = list(
        ChangeProposal.objects.filter(status=ChangeProposal.Status.PENDING)
        .select_related("company", "contact", "dossier__student__user", "proposed_by")
        .annotate(company_dossiers=Count("company__dossiers", distinct=True))
        .order_by("created_at", "pk")[:200]
    )
    for proposal in proposals:
        record = proposal.contact or proposal.company
        proposal.rows = [
            (services.field_label(record, name), before, after) for name, (before, after) in proposal.changes.items()
        ]
    signatories = list(
        roles.dossiers_for(request.user)
        .filter(signataire__isnull=False, signataire__email_confirmed_at__isnull=True)
        .select_related("signataire", "company", "student__user")
        .order_by("updated_at", "pk")[:200]
    )
    return render(request, "conventions/companies/review.html", {"proposals": proposals, "signatories": signatories})


@require_POST
@login_required
def proposal_decide(request, proposal_pk):
    """Accept or reject one proposal; back to the list."""
    _office_only(request)
    proposal = get_object_or_404(ChangeProposal, pk=proposal_pk)
    try:
        if request.POST.get("decision") == "accept":
            services.proposal_accept(proposal=proposal, by=request.user)
            messages.success(request, _("Modification acceptée : %(record)s est à jour pour tous ses dossiers.")
                             % {"record": proposal.contact or proposal.company})
        else:
            services.proposal_reject(proposal=proposal, by=request.user, comment=request.POST.get("comment", ""))
            messages.success(request, _("Modification refusée : la fiche reste telle qu'elle était."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("conventions:company-review")


@require_POST
@login_required
def contact_confirm(request, pk, contact_pk):
    """The office confirms a person's address (ROLE-5), from the dossier's links panel or the review list."""
    dossier = visible_dossier(request, pk)
    _office_only(request)
    contact = get_object_or_404(
        CompanyContact.objects.filter(Q(company_id=dossier.company_id)), pk=contact_pk
    )
    services.contact_confirm_email(contact=contact, dossier=dossier, by=request.user)
    messages.success(request, _("Adresse de %(name)s confirmée : un lien de signature peut lui être envoyé.")
                     % {"name": contact.full_name})
    if request.POST.get("next") == "review":
        return redirect("conventions:company-review")
    return redirect(detail_url(dossier, "liens"))
