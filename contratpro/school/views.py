"""The office's page for the school's identity (DOC-11)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from contratpro import roles

from . import services
from .forms import SchoolIdentityForm
from .models import SchoolIdentity


@login_required
@require_http_methods(["GET", "POST"])
def school_edit(request):
    if not roles.can_manage_dossiers(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro modifie l'identité de l'école."))
    current = services.school_latest()
    if request.method == "POST":
        form = SchoolIdentityForm(request.POST, instance=current)
        if form.is_valid():
            identity = services.school_save(form=form, by=request.user)
            messages.success(request, _("Identité de l'école enregistrée (à partir de %(year)s).") % {"year": identity.valid_from_year})
            return redirect("school:edit")
    else:
        form = SchoolIdentityForm(instance=current)
    records = SchoolIdentity.objects.order_by("-valid_from_year")
    return render(request, "school/edit.html", {
        "form": form, "records": records, "missing": services.school_missing(current) if current else list(map(str, services.REQUIRED.values())),
    })
