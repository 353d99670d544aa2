"""The mails' texts (issue 15): each mail the portal sends is one
registered ``MailText`` — a key, what it is for, the variables its text may
use — rendered by ``render_mail``. The defaults ship as files,
``templates/emails/texts/<key>.subject.txt`` and ``<key>.body.txt``, in the
Django template language (``{{ nom }}``, ``{% if en_retard %}…{% endif %}``);
the office's edited version, when there is one, is used instead
(``current_source``: one query per mail).

The plain-text body is the source: the HTML part is that text, escaped, its
paragraphs and links kept, inside the mails' layout, with a button to the
place to act when the context has an ``url``.

**The context a text receives holds plain values only**: strings, numbers,
booleans, dates already formatted in French (``long_date``), lists of
dicts of those. Never a model instance: an edited text shows what it is
given and can reach nothing else (no method, no related row, no query).
Besides its own ``variables``, ``render_mail`` reads from the context, for
the layout only: ``url`` (the button's address), ``action`` (the button's
words), ``ecole`` (the school's name, DOC-11) and ``email_service`` (the
office's address) for the footer.

A text is rendered with a template engine that loads nothing: no loader
(no ``{% include %}``, no ``{% extends %}``), no library to ``{% load %}``,
and of the builtins only the tags and filters of ``TAGS`` and ``FILTERS``
(no ``{% debug %}``, no ``|safe``). An edited text is checked on save
(``check_source``): its syntax, with the line of an error; its tags and
filters; its variables, which must be the text's own."""

import dataclasses
import re
from typing import Callable

from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine, Library, TemplateSyntaxError, Variable
from django.template import defaultfilters, defaulttags
from django.template.base import FilterExpression, Lexer, TokenType, VariableNode
from django.template.loader import get_template, render_to_string
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _

from .models import MailTextVersion

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


def is_registered(key):
    return key in _TEXTS


def default_source(key):
    """``(subject, body)`` as shipped: the two files' template sources."""
    subject = get_template(f"emails/texts/{key}.subject.txt").template.source
    body = get_template(f"emails/texts/{key}.body.txt").template.source
    return subject, body


def edited_version(key):
    """The office's version in force for ``key`` (the latest saved), or
    None when the latest is « texte d'origine » or there is none. One query."""
    latest = MailTextVersion.objects.filter(key=key).select_related("edited_by").order_by("-edited_at", "-pk").first()
    if latest is None or latest.is_default:
        return None
    return latest


def current_source(key):
    """``(subject, body)`` in force: the office's latest edited version,
    else the default files. One query."""
    version = edited_version(key)
    if version is None:
        return default_source(key)
    return version.subject, version.body


# What an edited text may use of the template language.
TAGS = ("if", "for", "with", "firstof", "comment", "ifchanged", "cycle", "resetcycle", "templatetag", "verbatim")
_CLOSING = {"elif", "else", "endif", "empty", "endfor", "endwith", "endcomment", "endifchanged", "endverbatim"}
FILTERS = (
    "default", "default_if_none", "upper", "lower", "capfirst", "title", "length", "pluralize", "join",
    "first", "last", "truncatewords", "truncatechars", "floatformat", "yesno", "cut", "wordwrap", "add",
    "slice", "divisibleby", "wordcount", "ljust", "rjust", "center", "stringformat",
)


def _safe_library():
    library = Library()
    for name in TAGS:
        library.tags[name] = defaulttags.register.tags[name]
    for name in FILTERS:
        library.filters[name] = defaultfilters.register.filters[name]
    return library


class _TextEngine(Engine):
    """An engine with no loader, no library and only the safe builtins."""

    def get_template_builtins(self, builtins):
        return [_safe_library()]


_ENGINE = _TextEngine(loaders=[], libraries={}, autoescape=False, debug=False)
# The same, with line numbers on syntax errors, to check a text on save.
_CHECK_ENGINE = _TextEngine(loaders=[], libraries={}, autoescape=False, debug=True)


def render_source(source, context):
    return _ENGINE.from_string(source).render(Context(context, autoescape=False))


_FILTER_NAME = re.compile(r"\|\s*(\w+)")
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')


def _check_tokens(source):
    """Tags and filters outside the allowed ones, with their line."""
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            command = token.contents.split()[0] if token.contents.split() else ""
            if command not in TAGS and command not in _CLOSING:
                raise ValidationError(
                    _("Ligne %(line)s : la balise {%% %(tag)s %%} n'est pas permise dans un texte de mail ; "
                      "balises possibles : %(allowed)s.")
                    % {"line": token.lineno, "tag": command, "allowed": ", ".join(TAGS)}
                )
        elif token.token_type == TokenType.VAR:
            for name in _FILTER_NAME.findall(_QUOTED.sub('""', token.contents)):
                if name not in FILTERS:
                    raise ValidationError(
                        _("Ligne %(line)s : le filtre |%(filter)s n'est pas permis dans un texte de mail ; "
                          "filtres possibles : %(allowed)s.")
                        % {"line": token.lineno, "filter": name, "allowed": ", ".join(FILTERS)}
                    )


def _compile(source):
    try:
        return _CHECK_ENGINE.from_string(source)
    except TemplateSyntaxError as error:
        debug = getattr(error, "template_debug", None)
        line = debug["line"] if debug else 1
        raise ValidationError(
            _("Ligne %(line)s : erreur de syntaxe (%(error)s). Vérifiez que chaque {%% if %%} a son "
              "{%% endif %%}, chaque {%% for %%} son {%% endfor %%}, et que les accolades vont par deux.")
            % {"line": line, "error": str(error).rstrip(".")}
        ) from None


def _expressions(value):
    """The FilterExpressions held by a node's attribute (conditions of an
    ``if`` included), without descending into its child nodelists."""
    if isinstance(value, FilterExpression):
        yield value
    elif isinstance(value, defaulttags.TemplateLiteral):
        yield value.value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _expressions(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _expressions(item)
    elif hasattr(value, "first") and hasattr(value, "second"):  # an ``if`` operator
        yield from _expressions(value.first)
        yield from _expressions(value.second)


def _names(expression):
    """The variable names an expression reads: its variable and its filters' arguments."""
    variables = [expression.var] + [arg for _func, args in expression.filters for _lookup, arg in args]
    for variable in variables:
        if isinstance(variable, Variable) and variable.literal is None and variable.lookups:
            yield variable.lookups[0]


def _walk(nodelist, bound):
    """``(name, node)`` of every variable read, names ``bound`` by an
    enclosing ``for`` or ``with`` aside."""
    for node in nodelist:
        if isinstance(node, VariableNode):
            found = [node.filter_expression]
        elif isinstance(node, defaulttags.IfNode):
            found = [expression for condition, _nodes in node.conditions_nodelists
                     for expression in _expressions(condition)]
        else:
            found = [expression for name, value in vars(node).items()
                     if not name.startswith("nodelist") and name != "token"
                     for expression in _expressions(value)]
        for expression in found:
            for name in _names(expression):
                if name not in bound:
                    yield name, node
        inner = set(bound)
        if isinstance(node, defaulttags.ForNode):
            inner |= set(node.loopvars) | {"forloop"}
        elif isinstance(node, defaulttags.WithNode):
            inner |= set(node.extra_context)
        elif isinstance(node, defaulttags.CycleNode) and node.variable_name:
            inner.add(node.variable_name)
        if isinstance(node, defaulttags.IfNode):
            children = [nodes for _condition, nodes in node.conditions_nodelists]
        else:
            children = [getattr(node, name) for name in node.child_nodelists if getattr(node, name, None)]
        for child in children:
            yield from _walk(child, inner)


def check_source(source, variables):
    """Refuse a text the mails could not render safely: a tag or filter not
    allowed, a syntax error (with its line), or a variable that is not one
    of ``variables`` (« La variable {{ x }} n'existe pas pour ce mail »)."""
    _check_tokens(source)
    template = _compile(source)
    for name, node in _walk(template.nodelist, set()):
        if name not in variables:
            line = node.token.lineno if getattr(node, "token", None) else 1
            raise ValidationError(
                _("Ligne %(line)s : la variable {{ %(name)s }} n'existe pas pour ce mail ; "
                  "variables possibles : %(allowed)s.")
                % {"line": line, "name": name, "allowed": ", ".join(sorted(variables)) or _("aucune")}
            )


@dataclasses.dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def render_texts(subject_source, body_source, context):
    """Subject on one line, plain-text body and HTML part of the sources
    for ``context`` (the preview renders an unsaved text through it)."""
    subject = " ".join(render_source(subject_source, context).split())
    text = render_source(body_source, context).strip() + "\n"
    html = render_to_string("emails/texts/_layout.html", {
        "subject": subject,
        "body": linebreaks(urlize(escape(text.strip()), nofollow=True, autoescape=False)),
        "url": context.get("url", ""),
        "action": context.get("action", ""),
        "ecole": context.get("ecole", ""),
        "email_service": context.get("email_service", ""),
    })
    return RenderedMail(subject=subject, text=text, html=html)


def render_mail(key, context):
    """The mail ``key`` for ``context``: its subject on one line, its
    plain-text body, and the HTML part made from that body. An edited
    version that no longer compiles (saved around the checks) gives way to
    the default rather than lose the mail."""
    subject_source, body_source = current_source(key)
    try:
        return render_texts(subject_source, body_source, context)
    except TemplateSyntaxError:
        return render_texts(*default_source(key), context)


def mail_message(key, context, *, to, reply_to=None, attachments=(), cc=()):
    """An ``EmailMultiAlternatives`` of the mail ``key``, ready to send."""
    rendered = render_mail(key, context)
    message = EmailMultiAlternatives(
        subject=rendered.subject, body=rendered.text, to=to, cc=list(cc), reply_to=reply_to or [],
    )
    message.attach_alternative(rendered.html, "text/html")
    for attachment in attachments:
        message.attach(*attachment)
    return message
