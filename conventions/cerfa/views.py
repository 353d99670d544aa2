"""The CERFA 12434's pages (DOC-7, DOC-9, DOC-10; step 4): its data, its
production and the office's official model. Its state shows on the fiche
contact's panel of the dossier page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contratpro import roles
from conventions.dossier.shortcuts import detail_url, put_errors, say_proposals_pending, visible_dossier

from . import notice, official, pay
from . import services as cerfa
from .forms import (
    OPCOS,
    CerfaCompanyForm,
    CerfaDataForm,
    ContractForm,
    MappingForm,
    OfficialModelForm,
    SalarieForm,
)
from .keys import VALUES


def _editable_dossier(request, pk):
    dossier = visible_dossier(request, pk)
    if not roles.can_edit_dossier_papers(request.user, dossier):
        raise PermissionDenied(_("Seuls l'élève et le service Contrats pro remplissent la fiche contact et le CERFA."))
    return dossier


@login_required
def cerfa_edit(request, pk):
    """DOC-7, step 4: the employer, the contract, the salarié (identity, NIR,
    situation, diplomas) and the CERFA's other data, checked as the form's
    notice asks; the pay is refused below the legal minimum, which is
    stated (DOC-10); the boxes still empty are named."""
    dossier = _editable_dossier(request, pk)
    if dossier.company_id is None:
        messages.error(request, _("Indiquez d'abord l'entreprise (raison sociale et SIRET) dans la partie élève de la fiche."))
        return redirect("conventions:fiche-edit", pk=dossier.pk)
    data = cerfa.cerfa_of(dossier)
    post = request.POST or None
    company_form = CerfaCompanyForm(post, instance=dossier.company, prefix="employeur")
    contract_form = ContractForm(post, instance=dossier, prefix="contrat")
    form = CerfaDataForm(post, instance=data, prefix="cerfa")
    salarie_form = SalarieForm(post, instance=dossier.student, prefix="salarie")
    forms = [company_form, contract_form, salarie_form, form]
    if request.method == "POST" and all([f.is_valid() for f in forms]):
        try:
            cerfa.cerfa_save(
                dossier=dossier, company_data=company_form.cleaned_data, contract_data=contract_form.cleaned_data,
                data=form.cleaned_data, student_data=salarie_form.cleaned_data, by=request.user,
            )
        except ValidationError as error:
            put_errors(error, [form, contract_form, salarie_form, company_form])
        else:
            messages.success(request, _("Données du CERFA enregistrées."))
            say_proposals_pending(request, dossier)
            return redirect(detail_url(dossier, "cerfa"))
    share = None
    if data is not None and dossier.start_date and dossier.end_date:
        share = cerfa.training_share(dossier, data.weekly_hours)
    minima = pay.dossier_pay_minima(
        dossier, data.weekly_hours if data else pay.LEGAL_WEEK, data.branch_minimum_monthly if data else None
    )
    return render(request, "conventions/cerfa/edit.html", {
        "dossier": dossier, "company_form": company_form, "contract_form": contract_form, "form": form,
        "salarie_form": salarie_form, "gaps": notice.cerfa_gaps(dossier.student, data) if data else [],
        "opcos": OPCOS, "share": share, "minimum": minima[0] if minima else None,
        "pay_changes": pay.pay_changes(minima), "brackets": pay.PAY_BRACKETS,
        "over_25": share is not None and share.percent > cerfa.TRAINING_MAX_SHARE,
        "has_errors": any(f.errors for f in forms),
    })


@require_POST
@login_required
def cerfa_pdf(request, pk):
    """DOC-7: ask for the pre-filled CERFA; refused with the French reasons
    while a check fails (DOC-9, DOC-10)."""
    dossier = _editable_dossier(request, pk)
    try:
        cerfa.cerfa_request(dossier=dossier, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Production du CERFA pré-rempli lancée : le PDF apparaît ci-dessous dès qu'il est prêt."))
    return redirect(detail_url(dossier, "cerfa"))


@login_required
def cerfa_model(request):
    """DOC-7: the office deposits the blank official CERFA (fillable PDF)
    and maps its fields to the portal's values."""
    if not roles.can_manage_dossiers(request.user):
        raise PermissionDenied(_("Seul le service Contrats pro dépose le modèle officiel du CERFA."))
    model = official.official_model()
    upload_form = OfficialModelForm()
    mapping_form = MappingForm(model=model, values=VALUES) if model else None
    if request.method == "POST" and request.POST.get("action") == "upload":
        upload_form = OfficialModelForm(request.POST, request.FILES)
        if upload_form.is_valid():
            try:
                model = official.official_model_upload(uploaded_file=upload_form.cleaned_data["file"], by=request.user)
            except ValidationError as error:
                upload_form.add_error("file", error)
            else:
                messages.success(request, _("Modèle officiel déposé : %(n)s champs à remplir. Vérifiez leur correspondance.")
                                 % {"n": len(model["fields"])})
                return redirect("conventions:cerfa-model")
    elif request.method == "POST" and model and request.POST.get("action") == "mapping":
        mapping_form = MappingForm(request.POST, model=model, values=VALUES)
        if mapping_form.is_valid():
            try:
                official.official_mapping_set(mapping=mapping_form.mapping, by=request.user)
            except ValidationError as error:
                mapping_form.add_error(None, error)
            else:
                messages.success(request, _("Correspondance des champs enregistrée."))
                return redirect("conventions:cerfa-model")
    return render(request, "conventions/cerfa/model.html", {
        "model": model, "upload_form": upload_form, "mapping_form": mapping_form,
        "mapped": len(model["mapping"]) if model else 0, "values": VALUES,
        "preview": official.official_mapping_preview(model) if model else None,
    })

