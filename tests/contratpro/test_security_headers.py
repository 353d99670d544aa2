"""Issue 11, Headers: every page carries a strict Content-Security-Policy
(scripts from the portal itself or with the response's nonce, styles from
the portal's files only, never framed) and a Permissions-Policy; and no
template a person is served holds inline code the policy would refuse (a
style attribute, a <style> block, an inline <script>, an on…= handler, a
javascript: URL). The browser side is tests/e2e/test_csp.py."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from conventions.links import services as links
from conventions.links.models import ExternalLink
from conventions.models import CompanyContact
from tests import factories

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Never served as a page: rendered to PDF (WeasyPrint) or sent as e-mail text.
NOT_SERVED = ("pdf", "emails")

NONCE = re.compile(r"'nonce-([A-Za-z0-9+/=_-]+)'")


@pytest.fixture
def people(year):
    office = factories.UserFactory(username="bureau-csp", groups=["Service Contrats Pro"])
    dossier = factories.DossierFactory(student__year=year)
    signatory = factories.CompanyContactFactory(company=dossier.company, role=CompanyContact.Role.SIGNATORY)
    link = links.link_create(dossier=dossier, contact=signatory, purpose=ExternalLink.Purpose.SIGN_CONVENTION, by=office)
    return {"office": office, "dossier": dossier, "student": dossier.student.user, "link": link}


def pages(people):
    """(client, path, expected status) for pages of each kind: anonymous,
    the office's, the student's, an external link's, an error page."""
    anonymous = Client()
    office = Client()
    office.force_login(people["office"])
    student = Client()
    student.force_login(people["student"])
    dossier = people["dossier"]
    token = links.make_token(people["link"])
    return [
        (anonymous, reverse("login"), 200),
        (anonymous, reverse("conventions:link-open", args=[token]), 200),
        (anonymous, reverse("conventions:convention-sign-link", args=[token]), 200),
        (anonymous, reverse("conventions:link-open", args=["lien-modifie"]), 403),
        (office, reverse("conventions:todo"), 200),
        (office, reverse("conventions:dossier-list"), 200),
        (office, reverse("conventions:dossier-detail", args=[dossier.pk]), 200),
        (office, "/dossiers/999999999/", 404),
        (student, reverse("conventions:my-dossier"), 200),
        (student, reverse("students:student-list"), 403),
    ]


def csp_of(response):
    header = response.headers.get("Content-Security-Policy")
    assert header, f"{response.wsgi_request.path}: no Content-Security-Policy header"
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_issue_11_headers_every_page_carries_the_csp_and_permissions_policy(people):
    """Issue 11, Headers: scripts from 'self' plus the response's nonce,
    styles from 'self' only (no 'unsafe-inline'), frame-ancestors 'none',
    no plugin; and a Permissions-Policy refusing camera, microphone and
    geolocation, on pages of every kind, error pages included."""
    for client, path, status in pages(people):
        response = client.get(path, follow=True)  # « Mon dossier » leads to the dossier's page
        assert response.status_code == status, path
        policy = csp_of(response)
        assert policy["script-src"][0] == "'self'" and len(policy["script-src"]) == 2, (path, policy["script-src"])
        assert NONCE.fullmatch(policy["script-src"][1]), (path, policy["script-src"])
        assert policy["style-src"] == ["'self'"], (path, policy.get("style-src"))
        assert policy["frame-ancestors"] == ["'none'"], path
        assert policy["object-src"] == ["'none'"], path
        assert policy["default-src"] == ["'self'"], path
        assert not any("unsafe" in value for values in policy.values() for value in values), (path, policy)
        permissions = response.headers.get("Permissions-Policy", "")
        for feature in ("camera=()", "microphone=()", "geolocation=()"):
            assert feature in permissions, (path, permissions)


def test_issue_11_headers_the_nonce_is_new_each_time_and_is_the_one_on_the_scripts(people):
    """Issue 11, Headers: two requests get two nonces, and the nonce of the
    header is the one on every script tag that carries one (htmx's)."""
    office = Client()
    office.force_login(people["office"])
    path = reverse("conventions:dossier-detail", args=[people["dossier"].pk])
    seen = []
    for _ in range(2):
        response = office.get(path)
        nonce = NONCE.fullmatch(csp_of(response)["script-src"][1]).group(1)
        body = response.content.decode()
        on_scripts = re.findall(r'<script\b[^>]*\bnonce="([^"]*)"', body)
        assert on_scripts, "htmx's script tag carries no nonce"
        assert set(on_scripts) == {nonce}, (nonce, on_scripts)
        assert len(nonce) >= 16
        seen.append(nonce)
    assert seen[0] != seen[1]


def served_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] not in NOT_SERVED:
            yield path


# What the CSP refuses, as it may be written in a template.
INLINE_CODE = {
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> block": re.compile(r"<style\b", re.I),
    "inline <script>": re.compile(r"<script\b(?![^>]*\ssrc\s*=)[^>]*>", re.I),
    "on…= handler": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


COMMENTS = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)


def inline_code(text):
    """The inline code in a template's text, as (kind, line number, line);
    template comments, never sent, are left out."""
    text = COMMENTS.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    found = []
    for kind, pattern in INLINE_CODE.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            found.append((kind, line, text.splitlines()[line - 1].strip()[:120]))
    return found


def test_issue_11_headers_no_served_template_holds_inline_code():
    """Issue 11, Headers: no template served as a page (all of templates/
    but pdf/ and emails/) holds a style attribute, a <style> block, an
    inline <script>, an on…= handler or a javascript: URL: the CSP would
    refuse them (sizes are classes in static/css/, behaviour in static/js/)."""
    checked = list(served_templates())
    assert len(checked) > 30, "the templates folder moved?"
    problems = [
        f"{path.relative_to(TEMPLATES)}:{line}: {kind}: {extract}"
        for path in checked
        for kind, line, extract in inline_code(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "inline code the CSP refuses:\n" + "\n".join(problems)


def test_issue_11_headers_the_template_lint_sees_each_kind_of_inline_code():
    """Issue 11, Headers: the lint above finds each kind it looks for, and
    leaves alone what the CSP allows (a script with src, data-* attributes,
    words that only contain « on »)."""
    assert [kind for kind, _line, _text in inline_code('<div style="width: 3rem">')] == ["style attribute"]
    assert [kind for kind, _line, _text in inline_code("<style>p{}</style>")] == ["<style> block"]
    assert [kind for kind, _line, _text in inline_code("<script>alert(1)</script>")] == ["inline <script>"]
    assert [kind for kind, _line, _text in inline_code('<button onclick="go()">')] == ["on…= handler"]
    assert [kind for kind, _line, _text in inline_code('<a href="javascript:void(0)">')] == ["javascript: URL"]
    assert [line for _kind, line, _text in inline_code('{# a <style> #}\n<p>\n<b style="x">')] == [3]
    allowed = (
        '<script src="/static/js/a.js" defer></script>'
        '<div data-hx-post="/x/" class="contents" data-label="Action" aria-controls="nav"></div>'
        '<p>Connexion, session, mention</p>'
        '{% comment %}no <script> here{% endcomment %}'
    )
    assert inline_code(allowed) == []
