"""What the views of every subject do the same way: fetch the dossier
through the chokepoint, point back at a panel of the dossier page, put a
service's errors on the forms."""

from django.shortcuts import get_object_or_404
from django.urls import reverse

from contratpro import roles


def visible_dossier(request, pk):
    """The dossier ``pk`` if the viewer may see it, else 404 (ROLE-9)."""
    return get_object_or_404(roles.dossiers_for(request.user).for_detail(), pk=pk)


def detail_url(dossier, anchor=""):
    """The dossier page, at one of its panels."""
    url = reverse("conventions:dossier-detail", args=[dossier.pk if hasattr(dossier, "pk") else dossier])
    return f"{url}#{anchor}" if anchor else url


def put_errors(error, forms):
    """A service's ``ValidationError`` onto the form that holds each field;
    what belongs to none goes on the first form (STYLE §3: nothing typed is lost)."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        target = next((form for form in forms if field in form.fields), forms[0])
        target.add_error(field if field in target.fields else None, errors)
