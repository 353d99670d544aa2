"""The office's pages of the mails' texts (issue 15): the list of every
registered mail, and one mail's page — its subject and body with the
variables beside them, « Aperçu » on a real dossier (subject, plain text,
and the HTML part in a sandboxed frame served by its own URL under a
policy relaxed for it alone), save, history, « Revenir au texte d'origine »."""

from csp.constants import NONE, SELF
from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateSyntaxError
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from contratpro import roles

from . import registry, services
from .forms import MailTextForm
from .models import MailTextVersion

HISTORY_SIZE = 20
DOSSIER_CHOICES = 100
_DRAFT = "mailtexts_draft"


def _office(request):
    if not roles.can_manage_dossiers(request.user):
        raise PermissionDenied


def _text(key):
    if not registry.is_registered(key):
        raise Http404
    return registry.text_of(key)


@require_safe
@login_required
def mailtext_list(request):
    """Every registered mail with its label, audience and who last changed
    it; one query for the versions whatever the number of texts."""
    _office(request)
    versions = services.latest_versions()
    rows = [(text, versions.get(text.key)) for text in registry.registered()]
    return render(request, "conventions/mailtexts/list.html", {"rows": rows})


def _dossiers(request):
    """The office's dossiers to preview on: the latest ``DOSSIER_CHOICES``,
    narrowed by « q » (the student's name); one query."""
    dossiers = roles.dossiers_for(request.user).select_related("student__user", "year")
    search = request.GET.get("q", "").strip()
    if search:
        dossiers = dossiers.filter(Q(student__user__last_name__icontains=search) | Q(student__user__first_name__icontains=search))
    rows = dossiers.order_by("-year__start_year", "student__user__last_name", "student__user__first_name", "pk")[:DOSSIER_CHOICES]
    return search, [(dossier.pk, f"{dossier.student.full_name} — {dossier.year}") for dossier in rows]


def _preview(request, text, subject, body, dossier_id):
    """The rendered mail for the preview, the draft kept in the session
    for the frame of the HTML part."""
    dossier = get_object_or_404(roles.dossiers_for(request.user), pk=dossier_id) if dossier_id else None
    rendered = registry.render_texts(subject, body, services.preview_context(text, dossier))
    request.session[_DRAFT] = {"key": text.key, "subject": subject, "body": body}
    return rendered


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def mailtext_edit(request, key):
    """One mail's text: « Aperçu » renders what is typed (nothing saved),
    « Enregistrer » saves it as the version in force."""
    _office(request)
    text = _text(key)
    search, dossiers = _dossiers(request)
    version = registry.edited_version(key)
    preview = None
    if request.method == "POST":
        form = MailTextForm(request.POST, dossiers=dossiers)
        if form.is_valid():
            subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
            try:
                if request.POST.get("action") == "enregistrer":
                    services.mailtext_save(key=key, subject=subject, body=body, by=request.user)
                    messages.success(request, _("Le texte est enregistré : les prochains mails l'utilisent."))
                    return redirect("conventions:mailtext-edit", key=key)
                services.mailtext_check(key=key, subject=subject, body=body)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field, message)
            else:
                preview = _preview(request, text, subject, body, form.cleaned_data["dossier"])
    else:
        subject, body = (version.subject, version.body) if version else registry.default_source(key)
        form = MailTextForm(initial={"subject": subject.strip(), "body": body}, dossiers=dossiers)
    history = MailTextVersion.objects.filter(key=key).select_related("edited_by").order_by("-edited_at", "-pk")[:HISTORY_SIZE]
    return render(request, "conventions/mailtexts/edit.html", {
        "text": text, "form": form, "version": version, "history": history, "search": search,
        "variables": sorted(text.variables.items()), "preview": preview,
        "preview_dossier": form.cleaned_data.get("dossier") if preview else None,
    })


@require_POST
@login_required
def mailtext_restore(request, key):
    """« Revenir au texte d'origine »."""
    _office(request)
    _text(key)
    services.mailtext_restore(key=key, by=request.user)
    messages.success(request, _("Le texte d'origine s'applique de nouveau ; vos versions restent dans l'historique."))
    return redirect("conventions:mailtext-edit", key=key)


@require_safe
@login_required
@xframe_options_sameorigin
@csp_replace({
    "default-src": [NONE], "script-src": [NONE], "style-src": ["'unsafe-inline'"], "img-src": [NONE],
    "font-src": [NONE], "connect-src": [NONE], "form-action": [NONE], "base-uri": [NONE],
    "frame-ancestors": [SELF], "sandbox": True,
})
def mailtext_preview_html(request, key):
    """The HTML part of the mail as the recipient's mail client shows it,
    for the page's sandboxed frame: the draft last previewed, else the text
    in force, on the dossier ``?dossier=`` (the office's) or the variables'
    names. Its inline styles are allowed here only; no script, no image,
    no form, framed only by the portal."""
    _office(request)
    text = _text(key)
    draft = request.session.get(_DRAFT)
    subject, body = (draft["subject"], draft["body"]) if draft and draft.get("key") == key else registry.current_source(key)
    dossier_id = request.GET.get("dossier", "")
    dossier = get_object_or_404(roles.dossiers_for(request.user), pk=dossier_id) if dossier_id.isdigit() else None
    try:
        rendered = registry.render_texts(subject, body, services.preview_context(text, dossier))
    except TemplateSyntaxError:  # a draft the checks refused: the text in force
        rendered = registry.render_texts(*registry.current_source(key), services.preview_context(text, dossier))
    return HttpResponse(rendered.html, content_type="text/html; charset=utf-8")
