"""Personal links for company people (ROLE-5) and who may manage them (ROLE-9)."""

import datetime
import re

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from contratpro import roles
from conventions.links import services as links
from conventions.links import views as views_links
from conventions.models import CompanyContact, ExternalLink, LinkUse
from students.models import Event
from tests import factories

pytestmark = pytest.mark.django_db

FICHE = ExternalLink.Purpose.FICHE_CONTACT
SIGN = ExternalLink.Purpose.SIGN_CONVENTION


@pytest.fixture
def dossier(year):
    return factories.DossierFactory(student__year=year, student__user__first_name="Léa", student__user__last_name="Martin")


@pytest.fixture
def tutor(dossier):
    return factories.CompanyContactFactory(
        company=dossier.company, role=CompanyContact.Role.TUTOR, first_name="Paul", last_name="Roux",
        email="paul.roux@entreprise.example",
    )


@pytest.fixture
def signatory(dossier):
    return factories.CompanyContactFactory(
        company=dossier.company, role=CompanyContact.Role.SIGNATORY, first_name="Anne", last_name="Vidal"
    )


@pytest.fixture
def link(dossier, tutor, office):
    return links.link_create(dossier=dossier, contact=tutor, purpose=FICHE, by=office)


def a_request():
    return RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")


def signed(data):
    """A token correctly signed for links, with any payload."""
    return signing.Signer(salt=links.SALT).sign_object(data)


def open_url(token):
    return reverse("conventions:link-open", args=[token])


def detail(dossier):
    return reverse("conventions:dossier-detail", args=[dossier.pk])


def snapshot(link):
    """What a refused use must leave untouched."""
    link.refresh_from_db()
    return (link.revoked_at, link.expires_at, link.purpose, Event.objects.count(), ExternalLink.objects.count())


# Creation and e-mail ---------------------------------------------------------


def test_role_5_office_creates_link_and_emails_it_to_the_contact(login, office, dossier, tutor, django_capture_on_commit_callbacks):
    """ROLE-5: the office's POST creates a link for one contact and purpose
    and e-mails its absolute URL, with what it is for and until when."""
    client = login(office)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("conventions:link-create", args=[dossier.pk]),
            {"contact": tutor.pk, "purpose": FICHE, "validity_days": 10},
            follow=True,
        )
    link = ExternalLink.objects.get()
    assert (link.dossier, link.contact, link.purpose, link.created_by) == (dossier, tutor, FICHE, office)
    assert timezone.now() + datetime.timedelta(days=9) < link.expires_at <= timezone.now() + datetime.timedelta(days=10)
    assert "Lien envoyé à Paul Roux (paul.roux@entreprise.example)" in response.content.decode()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["paul.roux@entreprise.example"]
    url = re.search(r"http://testserver/lien/\S+/", message.body).group(0)
    assert url == "http://testserver" + links.link_url(link)
    assert Client().get(url).status_code == 200
    assert "Bonjour Paul Roux," in message.body
    assert "Léa Martin" in message.body
    assert "compléter la partie entreprise de la fiche contact" in message.body
    assert "Ce lien est personnel" in message.body
    assert "valable jusqu'au" in message.body
    assert Event.objects.filter(dossier=dossier, verb="conventions.link.create").count() == 1


@pytest.mark.parametrize("who", ["student", "head"])
def test_role_9_only_the_office_creates_links(login, who, dossier, tutor, head):
    """ROLE-9: the student and their department head see the dossier but
    creating a link answers 403; nothing is created."""
    user = dossier.student.user if who == "student" else head
    response = login(user).post(
        reverse("conventions:link-create", args=[dossier.pk]), {"contact": tutor.pk, "purpose": FICHE, "validity_days": 30}
    )
    assert response.status_code == 403
    assert not ExternalLink.objects.exists()


def test_role_9_outsider_gets_404_on_link_creation(login, dossier, tutor):
    """ROLE-9: a student of another dossier gets 404, as for a missing dossier."""
    outsider = factories.DossierFactory(student__year=dossier.year).student.user
    response = login(outsider).post(
        reverse("conventions:link-create", args=[dossier.pk]), {"contact": tutor.pk, "purpose": FICHE, "validity_days": 30}
    )
    assert response.status_code == 404
    assert not ExternalLink.objects.exists()


def test_role_5_contact_of_another_company_is_refused_at_creation(office, dossier):
    """ROLE-5: a link goes only to a person of the dossier's company."""
    stranger = factories.CompanyContactFactory()
    with pytest.raises(ValidationError, match="n'appartient pas à l'entreprise du dossier"):
        links.link_create(dossier=dossier, contact=stranger, purpose=FICHE, by=office)
    assert not ExternalLink.objects.exists()


def test_role_5_view_refuses_contact_of_another_company_and_sends_nothing(login, office, dossier, django_capture_on_commit_callbacks):
    """ROLE-5: the office's form posted with another company's person
    creates nothing, sends nothing and says why."""
    stranger = factories.CompanyContactFactory()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(office).post(
            reverse("conventions:link-create", args=[dossier.pk]),
            {"contact": stranger.pk, "purpose": FICHE, "validity_days": 30},
            follow=True,
        )
    assert "n&#x27;appartient pas à l&#x27;entreprise du dossier" in response.content.decode()
    assert not ExternalLink.objects.exists()
    assert mail.outbox == []


def test_role_5_validity_must_be_positive_and_bounded(office, dossier, tutor):
    """ROLE-5: a link lives between 1 and 180 days."""
    with pytest.raises(ValidationError, match="valable de 1 à 180 jours"):
        links.link_create(dossier=dossier, contact=tutor, purpose=FICHE, by=office, validity=datetime.timedelta(days=365))
    assert not ExternalLink.objects.exists()


def test_role_5_link_creation_by_a_non_office_user_is_refused_by_the_service(dossier, tutor):
    """ROLE-5, ROLE-9: the service itself refuses anyone but the office."""
    with pytest.raises(PermissionDenied, match="Seul le service Contrats pro crée"):
        links.link_create(dossier=dossier, contact=tutor, purpose=FICHE, by=dossier.student.user)


def test_role_5_revoked_link_is_not_emailed(office, link):
    """ROLE-5: a link revoked before its e-mail goes out is not sent."""
    links.link_revoke(link=link, by=office)
    from conventions.tasks import send_link_email

    assert send_link_email(link.pk, "http://testserver/x/") is False
    assert mail.outbox == []


# Opening a link ---------------------------------------------------------------


def test_role_5_valid_link_opens_without_account_and_is_logged(link):
    """ROLE-5: the landing page greets the person, says what the link allows
    for which student, and records the accepted use with its IP."""
    response = Client().get(open_url(links.make_token(link)))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Bonjour {link.contact.full_name}," in content
    assert "Léa Martin" in content
    assert "compléter la partie entreprise de la fiche contact" in content
    use = LinkUse.objects.get()
    assert (use.link, use.accepted, use.action, use.ip) == (link, True, "ouverture", "127.0.0.1")
    assert "no-cache" in response["Cache-Control"]


def test_role_5_tampered_token_is_refused_logged_and_changes_nothing(link):
    """ROLE-5: one character flipped in the token: 403 with the French
    reason, a refused use recorded, nothing else changed."""
    token = links.make_token(link)
    position = len(token) // 2
    flipped = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1:]
    before = snapshot(link)
    response = Client().get(open_url(flipped))
    assert response.status_code == 403
    assert "Ce lien n&#x27;est pas valide : il a été modifié ou mal copié." in response.content.decode()
    use = LinkUse.objects.get()
    assert (use.accepted, use.link) == (False, None)
    assert use.reason.startswith("Ce lien n'est pas valide")
    assert snapshot(link) == before


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda link: "n-importe-quoi", id="garbage"),
        pytest.param(lambda link: "....:::", id="punctuation"),
        pytest.param(lambda link: signing.dumps({"n": link.nonce, "p": link.purpose, "d": link.dossier_id}, salt=links.SALT), id="timestamped"),
        pytest.param(lambda link: signing.dumps({"n": link.nonce, "p": link.purpose, "d": link.dossier_id, "x": "x" * 200}, salt=links.SALT, compress=True), id="timestamped-compressed"),
        pytest.param(lambda link: signing.Signer(salt="autre").sign_object({"n": link.nonce, "p": link.purpose, "d": link.dossier_id}), id="wrong-salt"),
        pytest.param(lambda link: signed({"n": "inconnu", "p": link.purpose, "d": link.dossier_id}), id="unknown-nonce"),
        pytest.param(lambda link: signed({"n": link.nonce, "p": link.purpose, "d": link.dossier_id + 1}), id="other-dossier-in-payload"),
        pytest.param(lambda link: signed({"n": link.nonce, "p": SIGN, "d": link.dossier_id}), id="purpose-rewritten"),
        pytest.param(lambda link: signed(["liste"]), id="not-a-dict"),
    ],
)
def test_role_5_forged_tokens_are_refused_as_invalid(link, forge):
    """ROLE-5: garbage, another salt, an unknown row or a payload that does
    not match its row: refused as invalid, use recorded, never a 500."""
    before = snapshot(link)
    response = Client().get(open_url(forge(link)))
    assert response.status_code == 403
    assert "Ce lien n&#x27;est pas valide" in response.content.decode()
    assert list(LinkUse.objects.values_list("accepted", flat=True)) == [False]
    assert snapshot(link) == before


def test_role_5_token_for_one_purpose_is_refused_for_another(link):
    """ROLE-5: a fiche contact link cannot serve the convention signature."""
    with pytest.raises(links.LinkRefused, match="Ce lien ne sert pas à cette démarche.") as refused:
        links.resolve_link(a_request(), links.make_token(link), SIGN, action="convention.signature")
    assert refused.value.code == "purpose"
    use = LinkUse.objects.get()
    assert (use.link, use.accepted, use.action, use.ip) == (link, False, "convention.signature", "203.0.113.7")


def test_role_5_link_is_refused_on_another_dossier(link, year):
    """ROLE-5: a page of one dossier refuses the link of another."""
    other = factories.DossierFactory(student__year=year)
    with pytest.raises(links.LinkRefused, match="Ce lien ne concerne pas ce dossier.") as refused:
        links.resolve_link(a_request(), links.make_token(link), FICHE, dossier=other)
    assert refused.value.code == "scope"
    assert LinkUse.objects.get().accepted is False


def test_role_5_link_is_refused_once_the_dossier_changes_company(link, dossier):
    """ROLE-5: a person of the former company can no longer act on the dossier."""
    new_company = factories.CompanyFactory()
    type(dossier).objects.filter(pk=dossier.pk).update(company=new_company)
    with pytest.raises(links.LinkRefused, match="ne correspond plus à l'entreprise du dossier"):
        links.resolve_link(a_request(), links.make_token(link), FICHE)
    assert LinkUse.objects.get().accepted is False


def test_role_5_expired_link_is_refused_with_410(link):
    """ROLE-5: past its expiry the link says so (410) and records the refusal."""
    ExternalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    before = snapshot(link)
    response = Client().get(open_url(links.make_token(link)))
    assert response.status_code == 410
    assert "Ce lien a expiré ; demandez-en un nouveau au service Contrats pro." in response.content.decode()
    use = LinkUse.objects.get()
    assert (use.link, use.accepted) == (link, False)
    assert snapshot(link) == before


def test_role_5_link_is_valid_until_the_minute_before_expiry(link):
    """ROLE-5: a link one minute from expiry still opens."""
    ExternalLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() + datetime.timedelta(minutes=1))
    assert links.resolve_link(a_request(), links.make_token(link), FICHE) == link


def test_role_5_revoked_link_is_refused(link, office):
    """ROLE-5: a link the office revoked says so (403)."""
    links.link_revoke(link=link, by=office)
    response = Client().get(open_url(links.make_token(link)))
    assert response.status_code == 403
    assert "Ce lien a été révoqué par le service Contrats pro" in response.content.decode()
    assert LinkUse.objects.get().accepted is False


def test_role_5_malformed_client_address_is_not_stored(link):
    """ROLE-5: a use is recorded even when REMOTE_ADDR is not an IP address."""
    request = RequestFactory().get("/", REMOTE_ADDR="unix:socket")
    links.resolve_link(request, links.make_token(link), FICHE)
    assert LinkUse.objects.get().ip is None


def test_role_5_landing_page_links_to_the_action_only_when_it_exists(link):
    """ROLE-5: the landing page offers the purpose's page when that page
    exists, and otherwise says the démarche is not online yet."""
    response = Client().get(open_url(links.make_token(link)))
    target = views_links._target_url(link.purpose, links.make_token(link))
    content = response.content.decode()
    if target is None:
        assert "pas encore ouverte en ligne" in content
    else:
        assert f'href="{target}"' in content


# Revocation ---------------------------------------------------------------------


def test_role_5_office_revokes_a_link(login, office, link):
    """ROLE-5: the office's revoke button ends the link and writes the timeline."""
    response = login(office).post(reverse("conventions:link-revoke", args=[link.pk]), follow=True)
    link.refresh_from_db()
    assert link.revoked_at is not None and link.revoked_by == office
    assert "révoqué : il ne permet plus rien" in response.content.decode()
    assert Event.objects.filter(verb="conventions.link.revoke").count() == 1


def test_role_9_student_cannot_revoke_a_link(login, link):
    """ROLE-9: the student sees the dossier but revoking answers 403."""
    response = login(link.dossier.student.user).post(reverse("conventions:link-revoke", args=[link.pk]))
    assert response.status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


def test_role_9_outsider_gets_404_on_revoke(login, link, year):
    """ROLE-9: someone who does not see the dossier gets 404."""
    outsider = factories.DossierFactory(student__year=year).student.user
    response = login(outsider).post(reverse("conventions:link-revoke", args=[link.pk]))
    assert response.status_code == 404


# The office's panel --------------------------------------------------------------


def test_role_5_panel_shows_contacts_and_links_to_the_office(login, office, link, signatory):
    """ROLE-5: the office sees the company's people with a form each, and
    every link with its state and uses."""
    with pytest.raises(links.LinkRefused):
        links.resolve_link(a_request(), links.make_token(link), SIGN)
    response = login(office).get(detail(link.dossier))
    content = response.content.decode()
    assert "Liens personnels de l'entreprise" in content
    assert "Anne Vidal" in content and "Paul Roux" in content
    assert reverse("conventions:link-create", args=[link.dossier.pk]) in content
    assert reverse("conventions:link-revoke", args=[link.pk]) in content
    assert "actif" in content
    assert "Ce lien ne sert pas à cette démarche." in content


def test_role_9_panel_is_absent_for_the_student(login, link):
    """ROLE-9: the student's dossier page has no links panel."""
    student = link.dossier.student.user
    response = login(student).get(detail(link.dossier))
    assert response.status_code == 200
    assert "Liens personnels de l'entreprise" not in response.content.decode()
    request = a_request()
    request.user = student
    assert views_links.panel_context(request, link.dossier) is None


def test_role_5_panel_shows_expired_and_revoked_states(office, dossier, tutor, signatory):
    """ROLE-5: each link shows actif, expiré or révoqué."""
    active = links.link_create(dossier=dossier, contact=tutor, purpose=FICHE, by=office)
    expired = links.link_create(dossier=dossier, contact=signatory, purpose=SIGN, by=office)
    ExternalLink.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(days=1))
    revoked = links.link_revoke(link=links.link_create(dossier=dossier, contact=tutor, purpose=SIGN, by=office), by=office)
    request = a_request()
    request.user = office
    states = {row.pk: str(row.state_label) for row in views_links.panel_context(request, dossier)["links"]}
    assert states == {active.pk: "actif", expired.pk: "expiré", revoked.pk: "révoqué"}


@pytest.mark.parametrize("count", [1, 5])
def test_role_5_panel_query_count_does_not_grow_with_links(office, dossier, tutor, count, django_assert_num_queries):
    """ROLE-5: the panel costs the same queries for 1 and for 5 links, each used twice.

    Queries: the company's contacts; the links with their contact, use
    count and last use.
    """
    for _ in range(count):
        made = links.link_create(dossier=dossier, contact=tutor, purpose=FICHE, by=office)
        links.resolve_link(a_request(), links.make_token(made), FICHE)
        with pytest.raises(links.LinkRefused):
            links.resolve_link(a_request(), links.make_token(made), SIGN)
    request = a_request()
    request.user = office
    roles.roles_of(office)
    with django_assert_num_queries(2):
        html = render_to_string(
            "conventions/links/_panel.html", {"panel": views_links.panel_context(request, dossier)}, request=request
        )
    assert html.count(">2</td>") == count
    assert html.count("Ce lien ne sert pas à cette démarche.") == count
