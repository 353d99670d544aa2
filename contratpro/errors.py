"""The portal's own 500 page and refused-form page (CONTACT-1): in French, in the portal's layout,
with the office's mailbox.

Django renders its 500 page without the request's context processors, so
the contact is passed here. The page reads no database and no user: it must
show even when the database is what failed, and if the layout itself cannot
be rendered a bare page says the same thing.
"""

import logging

from django.conf import settings
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.html import escape
from django.utils.translation import gettext as _

from contratpro.school.services import office_contact

logger = logging.getLogger(__name__)

FALLBACK_EMAIL = "contrats-pro@mines-ales.fr"


def handler500(request, template_name="500.html"):
    """The error page: what happened in plain words and what to do next
    (retry, go back home, write to the office)."""
    contact = _contact()
    try:
        # No request: its context processors would look the user up.
        body = loader.get_template(template_name).render({"contact": contact})
    except Exception:
        logger.exception("The 500 page could not be rendered; the bare page was sent.")
        body = _bare_page(contact.get("email") or FALLBACK_EMAIL)
    return HttpResponseServerError(body)


def _contact():
    """CONTACT-1: the school's identity, or the settings' values when the
    error is the database itself."""
    try:
        return office_contact()
    except Exception:
        logger.exception("The office's contact could not be read for the 500 page.")
        return getattr(settings, "CONTRATPRO_CONTACT", None) or {"email": FALLBACK_EMAIL, "address": []}


def csrf_failure(request, reason=""):
    """A form sent from a page opened too long ago (or whose session ended):
    say so in French, in the layout, and what to do — nothing was saved."""
    return render(request, "403_csrf.html", status=403)


def _bare_page(email):
    """The same words without the layout, for when the layout fails too."""
    values = {"email": escape(email)}
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>%(title)s</title></head><body>'
        "<h1>%(title)s</h1><p>%(what)s</p><p>%(next)s</p>"
        '<p><a href="/">%(home)s</a> · <a href="mailto:%(email)s">%(email)s</a></p></body></html>'
    ) % {
        "title": _("Le portail a rencontré une erreur"),
        "what": _("Ce que vous demandiez n'a pas abouti. Ce n'est pas de votre fait."),
        "next": _("Réessayez dans quelques minutes. Si l'erreur revient, écrivez au service Contrats pro "
                  "en indiquant la page et l'heure."),
        "home": _("Revenir à l'accueil"),
        **values,
    }
