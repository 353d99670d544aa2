"""Personal links (ROLE-5): the office's panel on the dossier page, its
create and revoke actions, and the public landing page a link opens.

The landing page needs no account: the token is the credential, checked by
``links.resolve_link``. Pages reached by a link that act (fiche contact,
convention signature) live with their room and answer refusals with
``link_refused`` below.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from contratpro import roles
from contratpro.frenchdates import long_date
from conventions.companies.models import CompanyContact

from . import services as links
from .models import ExternalLink, LinkUse
from .tasks import send_link_email

# The page each purpose leads to, written by its own room; a purpose whose
# page does not exist yet shows no button.
PURPOSE_TARGETS = {
    ExternalLink.Purpose.FICHE_CONTACT: "conventions:fiche-company",
    ExternalLink.Purpose.SIGN_CONVENTION: "conventions:convention-sign-link",
    ExternalLink.Purpose.APPRAISAL: "grading:appraisal-link",
}

# The purpose offered first to each kind of contact.
DEFAULT_PURPOSE = {
    CompanyContact.Role.TUTOR: ExternalLink.Purpose.FICHE_CONTACT,
    CompanyContact.Role.SIGNATORY: ExternalLink.Purpose.SIGN_CONVENTION,
    CompanyContact.Role.HR: ExternalLink.Purpose.FICHE_CONTACT,
}

STATE_LABELS = {
    "active": gettext_lazy("actif"),
    "expired": gettext_lazy("expiré"),
    "revoked": gettext_lazy("révoqué"),
}


class LinkCreateForm(forms.Form):
    """Shape only; ``links.link_create`` checks the contact belongs to the
    dossier's company (ROLE-5)."""

    contact = forms.ModelChoiceField(queryset=CompanyContact.objects.all(), label=gettext_lazy("Destinataire"))
    purpose = forms.ChoiceField(choices=ExternalLink.Purpose.choices, label=gettext_lazy("Objet"))
    validity_days = forms.IntegerField(
        label=gettext_lazy("Validité (jours)"), min_value=1, max_value=links.MAX_VALIDITY.days,
        initial=links.DEFAULT_VALIDITY.days,
    )


def _detail_url(dossier_pk):
    return reverse("conventions:dossier-detail", args=[dossier_pk]) + "#liens"


def panel_context(request, dossier):
    """The office's view of the dossier's links (ROLE-5); hidden from
    everyone else. Two queries whatever the number of links or uses."""
    if not roles.can_manage_dossiers(request.user):
        return None
    contacts = list(CompanyContact.objects.filter(company_id=dossier.company_id)) if dossier.company_id else []
    for contact in contacts:
        default = DEFAULT_PURPOSE.get(contact.role, ExternalLink.Purpose.FICHE_CONTACT)
        contact.purpose_options = [
            (value, label, value == default) for value, label in ExternalLink.Purpose.choices
        ]
    last_use = LinkUse.objects.filter(link=OuterRef("pk")).order_by("-at", "-pk")
    rows = list(
        dossier.links.select_related("contact")
        .annotate(
            use_count=Count("uses"),
            last_use_at=Subquery(last_use.values("at")[:1]),
            last_use_accepted=Subquery(last_use.values("accepted")[:1]),
            last_use_reason=Subquery(last_use.values("reason")[:1]),
            last_use_action=Subquery(last_use.values("action")[:1]),
        )
        .order_by("-created_at", "-pk")
    )
    now = timezone.now()
    for row in rows:
        row.state = links.link_state(row, now)
        row.state_label = STATE_LABELS[row.state]
    return {
        "dossier": dossier,
        "contacts": contacts,
        "links": rows,
        "default_days": links.DEFAULT_VALIDITY.days,
        "max_days": links.MAX_VALIDITY.days,
    }


@require_POST
@login_required
def link_create(request, pk):
    """The office creates a link for a company person and e-mails it (ROLE-5)."""
    dossier = get_object_or_404(roles.dossiers_for(request.user).select_related("company"), pk=pk)
    if not roles.can_manage_dossiers(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro crée les liens personnels."))
    form = LinkCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_detail_url(dossier.pk))
    contact = form.cleaned_data["contact"]
    try:
        link = links.link_create(
            dossier=dossier, contact=contact, purpose=form.cleaned_data["purpose"], by=request.user,
            validity=datetime.timedelta(days=form.cleaned_data["validity_days"]),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(_detail_url(dossier.pk))
    send_link_email.delay_on_commit(link.pk, links.link_url(link, request))
    messages.success(
        request,
        _("Lien envoyé à %(name)s (%(email)s) : %(purpose)s, valable jusqu'au %(until)s.")
        % {
            "name": contact.full_name, "email": contact.email, "purpose": link.get_purpose_display(),
            "until": long_date(link.expires_at),
        },
    )
    return redirect(_detail_url(dossier.pk))


@require_POST
@login_required
def link_revoke(request, link_pk):
    """The office ends a link at once (ROLE-5); 404 for a dossier one does
    not see, 403 for one that is seen but not managed (ROLE-9)."""
    link = get_object_or_404(
        ExternalLink.objects.filter(dossier__in=roles.dossiers_for(request.user)).select_related("dossier", "contact"),
        pk=link_pk,
    )
    links.link_revoke(link=link, by=request.user)
    messages.success(
        request,
        _("Lien de %(name)s révoqué : il ne permet plus rien.") % {"name": link.contact.full_name},
    )
    return redirect(_detail_url(link.dossier_id))


def link_refused(request, refusal):
    """The page a refused link shows (ROLE-5): the French reason, 410 when
    it expired, 403 otherwise; never cached."""
    response = render(
        request,
        "conventions/links/refused.html",
        {"reason": str(refusal), "expired": refusal.code == "expired"},
        status=410 if refusal.code == "expired" else 403,
    )
    add_never_cache_headers(response)
    return response


def _target_url(purpose, token):
    name = PURPOSE_TARGETS.get(purpose)
    if name is None:
        return None
    try:
        return reverse(name, args=[token])
    except NoReverseMatch:
        return None


@require_safe
@never_cache
def link_open(request, token):
    """Where a personal link lands, without an account (ROLE-5): who it is
    for, what it allows for which student, and the way on. Every opening is
    recorded; a refused link changes nothing and says why."""
    try:
        link = links.resolve_link(request, token, ExternalLink.Purpose.values, action="ouverture")
    except links.LinkRefused as refusal:
        return link_refused(request, refusal)
    dossier = link.dossier
    return render(
        request,
        "conventions/links/open.html",
        {
            "link": link,
            # Not "contact": that name holds the office's address (context processor).
            "person": link.contact,
            "dossier": dossier,
            "student": dossier.student,
            "company": dossier.company,
            "what": links.PURPOSE_HELP[link.purpose],
            "target_url": _target_url(link.purpose, token),
        },
    )
