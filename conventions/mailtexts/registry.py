"""The mails' texts (issue 15): each mail the portal sends is one
registered ``MailText`` — a key, what it is for, the variables its text may
use — rendered by ``render_mail``. The defaults ship as files,
``templates/emails/texts/<key>.subject.txt`` and ``<key>.body.txt``, in the
Django template language (``{{ nom }}``, ``{% if en_retard %}…{% endif %}``);
the office's edited version, when there is one, is used instead (this
subject's models and pages).

The plain-text body is the source: the HTML part is that text, escaped, its
paragraphs and links kept, inside the mails' layout, with a button to the
place to act when the context has an ``url``.

A text is rendered with a template engine that loads nothing (no
``{% include %}``, no ``{% load %}`` of a library) from a context of plain
values: an edited text can show what it is given, never reach the code."""

import dataclasses
from typing import Callable

from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.template.loader import get_template, render_to_string
from django.utils.html import escape, linebreaks, urlize

_TEXTS = {}


@dataclasses.dataclass(frozen=True)
class MailText:
    """One mail of the portal. ``variables``: ``{name: what it holds}``,
    listed to the office beside the text; ``sample(dossier)``: a context for
    the preview on a real dossier (None: the preview uses the names)."""

    key: str
    label: str
    variables: dict
    sample: Callable | None = None
    audience: str = ""


def register(text):
    _TEXTS[text.key] = text
    return text


def registered():
    """The registered texts, by label."""
    return sorted(_TEXTS.values(), key=lambda text: str(text.label))


def text_of(key):
    return _TEXTS[key]


def default_source(key):
    """``(subject, body)`` as shipped: the two files' template sources."""
    subject = get_template(f"emails/texts/{key}.subject.txt").template.source
    body = get_template(f"emails/texts/{key}.body.txt").template.source
    return subject, body


def current_source(key):
    """``(subject, body)`` in force: the office's edited version, else the
    default. (The edited version is this subject's to add.)"""
    return default_source(key)


_ENGINE = Engine(loaders=[], libraries={}, autoescape=False, debug=False)


def render_source(source, context):
    return _ENGINE.from_string(source).render(Context(context, autoescape=False))


@dataclasses.dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_mail(key, context):
    """The mail ``key`` for ``context``: its subject on one line, its
    plain-text body, and the HTML part made from that body."""
    subject_source, body_source = current_source(key)
    subject = " ".join(render_source(subject_source, context).split())
    text = render_source(body_source, context).strip() + "\n"
    html = render_to_string("emails/texts/_layout.html", {
        "subject": subject,
        "body": linebreaks(urlize(escape(text), nofollow=True)),
        "url": context.get("url", ""),
        "action": context.get("action", ""),
    })
    return RenderedMail(subject=subject, text=text, html=html)


def mail_message(key, context, *, to, reply_to=None, attachments=()):
    """An ``EmailMultiAlternatives`` of the mail ``key``, ready to send."""
    rendered = render_mail(key, context)
    message = EmailMultiAlternatives(subject=rendered.subject, body=rendered.text, to=to, reply_to=reply_to or [])
    message.attach_alternative(rendered.html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message
