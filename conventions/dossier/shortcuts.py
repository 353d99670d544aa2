"""What the views of every subject do the same way: fetch the dossier
through the chokepoint, point back at a panel of the dossier page, put a
service's errors on the forms."""

from django.contrib import messages
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from contratpro import roles
from conventions.companies.services import proposals_pending


def visible_dossier(request, pk):
    """The dossier ``pk`` if the viewer may see it, else 404 (ROLE-9)."""
    return get_object_or_404(roles.dossiers_for(request.user).for_detail(), pk=pk)


def detail_url(dossier, anchor=""):
    """The dossier page, at one of its panels."""
    url = reverse("conventions:dossier-detail", args=[dossier.pk if hasattr(dossier, "pk") else dossier])
    return f"{url}#{anchor}" if anchor else url


def safe_next(request):
    """The ``next`` a page or form carries (a work queue's address, to come
    back to its next item after a decision), when it stays on this site;
    else None. Read from the POST of a form, the query string of a page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return None


def say_proposals_pending(request, dossier):
    """After a save: tell the student that part of what they typed waits
    for the office, because other dossiers use that company or person (DOC-12)."""
    if proposals_pending(dossier):
        messages.info(request, _(
            "Une partie de votre saisie concerne une entreprise ou une personne que d'autres dossiers utilisent : "
            "le service Contrats pro la vérifie avant de l'appliquer. Votre dossier est déjà rattaché à elle."
        ))


def put_errors(error, forms):
    """A service's ``ValidationError`` onto the form that holds each field;
    what belongs to none goes on the first form (STYLE §3: nothing typed is lost)."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = next((form for form in forms if field in form.fields), forms[0])
        target.add_error(field if field in target.fields else None, errors)
