"""The convention's dates from the track's calendar (CAL-1…4), DOC-9 before
production (the panel's button disabled with what is missing), and the
literals that belong in data (DOC-11, CONTACT-1)."""

import collections
import datetime
import html
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from conventions.cerfa.models import CerfaData
from conventions.convention import sending
from conventions.convention import services as convention
from conventions.demo.records import build_periods
from conventions.dossier import steps
from conventions.models import CompanyContact, PdfJob
from students import calendar
from students.models import CalendarPeriod
from tests import factories

pytestmark = pytest.mark.django_db

D = datetime.date


def make_dossier(year, code="2IA", *, start=None, end=None, cerfa=True):
    company = factories.CompanyFactory(name="Garrigues Bâtiment SA", opco="Constructys")
    signatory = factories.CompanyContactFactory(
        company=company, role=CompanyContact.Role.SIGNATORY, first_name="Marie", last_name="Roux",
        job_title="Gérante", email="m.roux@garrigues.example",
    )
    student = factories.StudentFactory(department=factories.department(code), birth_date=D(2003, 5, 14))
    dossier = factories.DossierFactory(
        student=student, company=company, signataire=signatory, year=year,
        start_date=start or year.rentree, end_date=end or year.contract_end,
    )
    steps.steps_sync(dossier)
    if cerfa:
        factories.cerfa_entered(dossier)
    return dossier


def text_of(dossier):
    """The convention's text as printed (HTML unescaped, spaces folded)."""
    template, context = convention.convention_build(dossier)
    content = html.unescape(render_to_string(template, context))
    content = re.sub(r"<[^>]+>", " ", content)
    return re.sub(r"\s+", " ", content.replace("\u00a0", " ").replace("\u202f", " "))


def panel(client, dossier):
    response = client.get(reverse("conventions:convention-panel", args=[dossier.pk]), HTTP_HX_REQUEST="true")
    return html.unescape(response.content.decode())


def generate_button(page):
    match = re.search(r"<button[^>]*>\s*Produire (la convention|une nouvelle version)", page)
    assert match, "the panel has no « Produire la convention » button"
    return match.group(0)


# CAL-3: GCBD.


def test_cal_3_gcbd_school_week_and_pfe_after_it_in_2027(year):
    """CAL-3: for the demo year 2026/2027, GCBD's first week of March is
    Monday 1 to Friday 5 March 2027, taught at school; the PFE starts on
    Monday 8 March 2027 and ends with the contract; S10 runs until the
    defence, not « au 28 février »."""
    assert (D(2027, 3, 1).weekday(), D(2027, 3, 5).weekday(), D(2027, 3, 8).weekday()) == (0, 4, 0)
    dossier = make_dossier(year, "GCBD")
    dates = convention.convention_dates(dossier)
    assert dates.school_week == (D(2027, 3, 1), D(2027, 3, 5))
    assert (dates.pfe_start, dates.pfe_end) == (D(2027, 3, 8), D(2027, 8, 31))
    assert dates.s10_end == D(2027, 8, 31) and dates.defence_by == D(2027, 8, 31)
    text = text_of(dossier)
    assert "Première semaine de mars à l'école : cours du lundi 1er mars au vendredi 5 mars 2027." in text
    assert "Projet de fin d'études en entreprise : du 8 mars 2027 au 31 août 2027, fin du contrat." in text
    assert "du 1er janvier 2027 jusqu'à la soutenance finale, au plus tard le 31 août 2027" in text
    assert "28 février" not in text and "à partir du 1er mars" not in text


def test_cal_3_gcbd_calendar_table_and_billing_state_the_same_dates(year):
    """CAL-3, CAL-4, BILL-2: with the year's alternation calendar entered,
    its table lists the school week and the PFE with the text's dates; the
    balance's line says S10 and the PFE up to the defence at the latest on
    the contract's last day."""
    build_periods(year, collections.Counter())
    dossier = make_dossier(year, "GCBD")
    text = text_of(dossier)
    assert "Semaine de cours de mars : du 1er mars au 5 mars 2027" in text
    assert "Projet de fin d'études : du 8 mars au 31 août 2027" in text
    assert "Projet de fin d'études en entreprise : du 8 mars 2027 au 31 août 2027" in text
    assert "semestre 10 et projet de fin d'études, du 1er janvier 2027 jusqu'à la soutenance, au plus tard le 31 août 2027" in text
    assert "1re facture , émise en janvier 2027 : semestre 9, du 1er septembre 2026 au 31 décembre 2026" in text


def test_cal_3_gcbd_dates_follow_the_offices_calendar(year):
    """CAL-3, CAL-4: the school week and the PFE are data: a school week the
    office entered on 8-12 March moves the PFE to the Monday after it."""
    gcbd = factories.department("GCBD")
    CalendarPeriod.objects.create(year=year, department=gcbd, kind=CalendarPeriod.Kind.SCHOOL,
                                  label="Semaine de cours de mars", start=D(2027, 3, 8), end=D(2027, 3, 12))
    dates = calendar.training_dates(year, gcbd)
    assert dates.school_week == (D(2027, 3, 8), D(2027, 3, 12))
    assert dates.pfe_start == D(2027, 3, 15)
    text = text_of(make_dossier(year, "GCBD"))
    assert "cours du lundi 8 mars au vendredi 12 mars 2027" in text
    assert "Projet de fin d'études en entreprise : du 15 mars 2027 au 31 août 2027" in text


# CAL-2: every other track.


def test_cal_2_other_track_has_no_school_week_and_its_pfe_from_the_years_start(year):
    """CAL-2: 2IA's PFE starts on the year's PFE start (1 March 2027) and
    ends with the contract; no March school week; S9 and S10 hold 270 h and
    210 h, S10 until the defence."""
    build_periods(year, collections.Counter())
    dossier = make_dossier(year, "2IA")
    dates = convention.convention_dates(dossier)
    assert dates.school_week is None
    assert (dates.s9_hours, dates.s10_hours, dates.training_hours) == (270, 210, 480)
    assert (dates.pfe_start, dates.pfe_end) == (D(2027, 3, 1), D(2027, 8, 31))
    text = text_of(dossier)
    assert "Semestre 9 (270 h à l'école) : de la rentrée, le 1er septembre 2026, au 31 décembre 2026." in text
    assert "Semestre 10 (210 h à l'école, puis le projet de fin d'études) : du 1er janvier 2027 jusqu'à la soutenance finale" in text
    assert "Projet de fin d'études en entreprise : du 1er mars 2027 au 31 août 2027, fin du contrat." in text
    assert "Projet de fin d'études : du 1er mars au 31 août 2027" in text  # the calendar's row ends with the contract
    assert "semaine de mars" not in text.lower()


def test_cal_2_late_start_has_s9_from_the_contracts_first_day(year):
    """CAL-2, CAL-4: a contract starting on 14 September 2026 gets S9 from
    14 September, not the rentrée; the calendar's first row starts with the
    contract and the first invoice covers 14 September to 31 December."""
    build_periods(year, collections.Counter())
    dossier = make_dossier(year, "2IA", start=D(2026, 9, 14), end=D(2027, 9, 13))
    dates = convention.convention_dates(dossier)
    assert (dates.s9_start, dates.s9_end) == (D(2026, 9, 14), D(2026, 12, 31))
    assert (dates.pfe_end, dates.defence_by) == (D(2027, 9, 13), D(2027, 9, 13))
    text = text_of(dossier)
    assert "Semestre 9 (270 h à l'école) : du 14 septembre 2026, début du contrat, au 31 décembre 2026." in text
    assert "de la rentrée" not in text and "1er septembre 2026" not in text
    assert "Cours du S9 (rentrée) : du 14 septembre au 2 octobre 2026" in text
    assert "semestre 9, du 14 septembre 2026 au 31 décembre 2026" in text
    assert "émis à la fin de la formation, en septembre 2027" in text


def test_cal_2_s10_ends_at_the_defence_once_known_and_the_defence_by_the_last_working_day(year):
    """CAL-2, CAL-5 (seed §3.2, §6.2): S10 runs until the defence; unknown,
    to the training's end, the defence at the latest on its last working day
    (a contract ending on Saturday 28 August 2027: Friday 27 August)."""
    department = factories.department("2IA")
    dates = calendar.training_dates(year, department, end=D(2027, 8, 28))
    assert (dates.s10_end, dates.defence_by) == (D(2027, 8, 28), D(2027, 8, 27))
    dates = calendar.training_dates(year, department, defence=D(2027, 7, 2))
    assert dates.s10_end == D(2027, 7, 2) and dates.pfe_end == year.contract_end


# DOC-9 before production.


def test_doc_9_no_cerfa_data_refused_and_no_job(year, office):
    """DOC-9: without the CERFA's data the share of the training is unknown:
    refused in French, saying what to fill; no job starts."""
    dossier = make_dossier(year, cerfa=False)
    with pytest.raises(convention.ValidationError) as refused:
        convention.convention_request(dossier=dossier, by=office)
    message = " ".join(refused.value.messages)
    assert "il manque les données du CERFA (étape 4)" in message and "DOC-9" not in message
    assert not PdfJob.objects.exists()


def test_doc_9_share_over_25_percent_needs_the_branch_agreement_and_its_reference(year, office):
    """DOC-9: 480 h over 12 months at 35 h is 26,3 % of the contract: refused
    without the branch agreement (the figure said), then without its
    reference; accepted with both."""
    dossier = make_dossier(year)
    CerfaData.objects.filter(dossier=dossier).update(branch_allows_over_25=False, branch_agreement_reference="")
    with pytest.raises(convention.ValidationError) as refused:
        convention.convention_request(dossier=dossier, by=office)
    message = " ".join(refused.value.messages)
    assert "l'accord de branche autorisant plus de 25 % de formation" in message
    assert "26,3 %" in message and "480 h sur 1 825 h" in message.replace("\u00a0", " ")
    CerfaData.objects.filter(dossier=dossier).update(branch_allows_over_25=True)
    with pytest.raises(convention.ValidationError, match="la référence de l'accord de branche"):
        convention.convention_request(dossier=dossier, by=office)
    CerfaData.objects.filter(dossier=dossier).update(branch_agreement_reference="Accord Syntec")
    assert convention.convention_request(dossier=dossier, by=office) is not None


def test_doc_9_share_within_25_percent_needs_no_agreement(year):
    """DOC-9: at 39 h a week, 480 h are 23,6 % of 12 months: no branch agreement asked."""
    dossier = make_dossier(year)
    CerfaData.objects.filter(dossier=dossier).update(
        weekly_hours=39, branch_allows_over_25=False, branch_agreement_reference=""
    )
    assert convention.convention_blockers(dossier) == []


def test_doc_9_panel_button_disabled_with_what_is_missing_and_links_then_enabled(year, office, login, school_identity_complete):
    """DOC-9, DOC-11: the office's « Produire la convention » is a disabled
    button while the CERFA's data are missing, the list next to it says so
    and links to the CERFA's page; the school's identity is in the same
    list with its page; once everything is filled the button is enabled."""
    identity = school_identity_complete
    dossier = make_dossier(year, cerfa=False)
    identity.nda = ""
    identity.save()
    client = login(office)
    page = panel(client, dossier)
    button = generate_button(page)
    assert " disabled" in button and 'aria-describedby="convention-missing"' in button
    missing = page.split('id="convention-missing"', 1)[1].split("</div>", 1)[0]
    assert "les données du CERFA (étape 4)" in missing
    assert reverse("conventions:cerfa-edit", args=[dossier.pk]) in missing
    assert "le numéro de déclaration d'activité" in missing and reverse("school:edit") in missing
    identity.nda = "91 30 00000 30"
    identity.save()
    factories.cerfa_entered(dossier)
    page = panel(client, dossier)
    assert " disabled" not in generate_button(page)
    assert 'id="convention-missing"' not in page


def test_doc_3_no_placeholder_path_missing_birth_date_and_signatory_capacity_refused(year, office):
    """DOC-3: « [à compléter par le service] » never prints: a missing birth
    date or company signatory's capacity refuses the convention instead."""
    dossier = make_dossier(year)
    dossier.signataire.job_title = ""
    dossier.signataire.save()
    type(dossier.student).objects.filter(pk=dossier.student_id).update(birth_date=None)
    dossier.refresh_from_db()
    with pytest.raises(convention.ValidationError) as refused:
        convention.convention_build(dossier)
    message = " ".join(refused.value.messages)
    assert "la qualité du signataire de l'entreprise" in message and "la date de naissance de l'élève" in message
    assert not hasattr(convention, "TO_COMPLETE")


# Literals to data (DOC-11, CONTACT-1).


def test_doc_11_convention_prints_the_years_identity_region_office_and_capacity_as_written(year, school_identity_complete):
    """DOC-11, CONTACT-1: the letterhead, the places, the office's contact,
    the NDA's region and the signatory's capacity come from the year's
    record — the capacity as written on the signature, lower-cased only at
    its first letter inside the sentence."""
    identity = school_identity_complete
    identity.name, identity.address = "École des Cévennes", "1 rue du Test\n30100 Alès"
    identity.nda_region, identity.mailbox, identity.office_phone = "Auvergne-Rhône-Alpes", "cp@cevennes.example", "04 00 00 00 01"
    identity.signatory_name, identity.signatory_capacity = "Jean Martin", "Directeur général de l'IMT"
    identity.save()
    text = text_of(make_dossier(year))
    for mention in (
        "École des Cévennes Service Contrats de professionnalisation 1 rue du Test · 30100 Alès cp@cevennes.example · 04 00 00 00 01",
        "préfet de région Auvergne-Rhône-Alpes", "Lieux : École des Cévennes, 1 rue du Test, 30100 Alès, pour les enseignements",
        "représentée par Jean Martin , directeur général de l'IMT,", "Jean Martin Directeur général de l'IMT",
        "Pour École des Cévennes", "cp@cevennes.example – 04 00 00 00 01",
    ):
        assert mention in text, mention
    for literal in ("Occitanie", "6 avenue de Clavières", "contrats-pro@mines-ales.fr", "IMT Mines Alès,"):
        assert literal not in text, literal


def test_doc_3_payment_terms_from_their_constant_and_the_rupture_with_its_article(year, monkeypatch):
    """DOC-3, DOMAIN §7: the payment term is stated from its constant (no
    literal), the rupture's 30 days with the article of the law."""
    monkeypatch.setattr(convention, "PAYMENT_DAYS", 45)
    text = text_of(make_dossier(year))
    assert "payables à 45 jours à réception" in text
    assert "dans les 30 jours (article D6325-5 du Code du travail)" in text


def test_doc_3_french_quotes_never_stand_alone(year):
    """DOC-3: every « and » holds its word with a non-breaking space, the
    modules' names included (no « alone at a line's end)."""
    dossier = make_dossier(year, "GCBD")
    template, context = convention.convention_build(dossier)
    content = render_to_string(template, context)
    assert "«" in content
    assert not re.search(r"«[ \n]|[ \n]»", content)
    assert not re.search(r"«[ \n]|[ \n]»", " ".join(name for column in context["modules"] for name in column))


def test_doc_8_copies_go_in_copy_to_the_years_mailbox(year, office, school_identity_complete, mailoutbox,
                                                      django_capture_on_commit_callbacks):
    """CONTACT-1, DOC-8: the company's copy is copied to the mailbox of the
    dossier year's identity (not a setting) and its text gives it."""
    school_identity_complete.mailbox = "boite@cevennes.example"
    school_identity_complete.save()
    dossier = make_dossier(year)
    factories.convention_signed(dossier, office=office, parties=("eleve", "entreprise", "ecole"))
    with django_capture_on_commit_callbacks(execute=True):
        sending.convention_send(dossier=dossier, target=convention.TO_COMPANY, by=office)
    message, = mailoutbox
    assert message.cc == ["boite@cevennes.example"]
    assert "boite@cevennes.example" in message.body and "contrats-pro@mines-ales.fr" not in message.body
