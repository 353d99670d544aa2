"""Saving the office's version of a mail's text (issue 15): checked first
(``registry.check_source``), then kept as a new version, so the history
says who changed what and when; « Revenir au texte d'origine » is a version
too, marked ``is_default``."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from contratpro import roles

from . import registry
from .models import MailTextVersion


def mailtext_check(*, key, subject, body):
    """``ValidationError`` by field (``subject``, ``body``) when a part
    cannot be rendered safely: a syntax error with its line, a tag or
    filter not allowed, a variable the mail does not have."""
    text = registry.text_of(key)
    errors = {}
    for field, source in (("subject", subject), ("body", body)):
        try:
            registry.check_source(source, text.variables)
        except ValidationError as error:
            errors[field] = error.messages
    if "\n" in subject.strip():
        errors.setdefault("subject", []).append(_("L'objet tient sur une ligne."))
    if errors:
        raise ValidationError(errors)


def _office_only(by):
    if not roles.can_manage_dossiers(by):
        raise PermissionDenied(_("Seul le service Contrats pro modifie les textes des mails."))


@transaction.atomic
def mailtext_save(*, key, subject, body, by):
    """The office saves its version of the mail ``key``: the next mail uses it."""
    _office_only(by)
    mailtext_check(key=key, subject=subject, body=body)
    return MailTextVersion.objects.create(key=key, subject=subject.strip(), body=body, edited_by=by)


@transaction.atomic
def mailtext_restore(*, key, by):
    """« Revenir au texte d'origine »: the shipped text applies again; the
    edited versions stay in the history."""
    _office_only(by)
    registry.text_of(key)
    return MailTextVersion.objects.create(key=key, is_default=True, edited_by=by)


def latest_versions():
    """``{key: version}`` of the latest version of every edited key, in one query."""
    latest = MailTextVersion.objects.filter(key=OuterRef("key")).order_by("-edited_at", "-pk").values("pk")[:1]
    rows = MailTextVersion.objects.filter(pk=Subquery(latest)).select_related("edited_by")
    return {version.key: version for version in rows}


def preview_context(text, dossier):
    """The preview's context: the text's ``sample`` on ``dossier``, else
    each variable shown by its name (« [nom] »)."""
    context = text.sample(dossier) if text.sample and dossier is not None else None
    if context is None:
        context = {name: f"[{name}]" for name in text.variables}
    return context
