"""The CERFA 12434 (DOC-7), its training share (DOC-9) and the minimum pay
(DOC-10); steps 4 and 4' (STEP-1)."""

import datetime
import io
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader, PdfWriter

from contratpro import roles
from conventions.cerfa import official, pay
from conventions.cerfa import services as cerfa
from conventions.documents.models import DocumentKind
from conventions.dossier import steps
from conventions.fiche import services as fiche
from conventions.models import CerfaData, Document, PdfJob
from tests import factories

pytestmark = pytest.mark.django_db

def make_dossier(birth_date=datetime.date(2004, 3, 10), start=datetime.date(2026, 9, 1)):
    """A dossier with a company (SIRET, NAF, IDCC, OPCO), a tutor and a
    12-month CDD from ``start``; SMIC 1 823,03 € (dated value of 1 January 2026)."""
    student = factories.StudentFactory(user__first_name="Léa", user__last_name="Martin", birth_date=birth_date)
    end = start.replace(year=start.year + 1) - datetime.timedelta(days=1)
    dossier = factories.DossierFactory(student=student, start_date=start, end_date=end)
    dossier.tuteur_entreprise = factories.CompanyContactFactory(
        company=dossier.company, first_name="Paul", last_name="Durand", job_title="Chef de projet"
    )
    dossier.save()
    steps.steps_sync(dossier)
    return dossier


@pytest.fixture
def dossier(year):
    return make_dossier()


def company_data(company, **overrides):
    return {"name": company.name, "siret": company.siret, "address": company.address, "postal_code": company.postal_code,
            "city": company.city, "naf": company.naf, "idcc": company.idcc, "opco": company.opco, **overrides}


def contract_data(dossier):
    return {"contract_type": dossier.contract_type, "start_date": dossier.start_date, "end_date": dossier.end_date}


def cerfa_data(**overrides):
    return {
        "job_title": "Ingénieur d'études logiciel", "classification": "Position 1.1, coefficient 95",
        "employer_headcount": 40, "retirement_fund": "AG2R La Mondiale", "conclusion_date": datetime.date(2026, 8, 20),
        "trial_period_days": 30, "weekly_hours": Decimal("35"), "gross_monthly_pay": Decimal("1900.00"),
        "branch_allows_over_25": True, "branch_agreement_reference": "Accord Syntec du 13 décembre 2022",
        **overrides,
    }


# Léa Martin, born 10/03/2004 in Nîmes (Gard, commune 189): 2 04 03 30 189 042, key 20.
NIR = "2 04 03 30 189 042 20"
STUDENT = {
    "sex": "F", "birth_place": "Nîmes", "birth_department": "30", "address": "12 rue de la Vierge\nAppartement 4",
    "postal_code": "30100", "city": "Alès", "phone": "06 12 34 56 78",
}
NOTICE = {
    "nir": NIR, "situation_before": "etudiant", "france_travail_id": "", "france_travail_months": None,
    "rqth": False, "highest_diploma": "licence", "last_diploma_prepared": "ingenieur",
    "last_diploma_title": "Diplôme d'ingénieur de l'École nationale supérieure des mines d'Alès",
    "tutor_qualification": "Diplôme d'ingénieur, chef de projet logiciel", "contract_kind": "initial",
    "avenant_number": "", "benefit_meal": Decimal("5.45"), "benefit_housing": None, "benefit_other": "",
}


# A job-seeker registered at France Travail, as the notice asks it (DOC-7, DOC-10).
REGISTERED = {"job_seeker": True, "france_travail_id": "1234567A", "france_travail_months": 6}


def nir_for(birth_date):
    """A woman's NIR born in Nîmes (30 189) on ``birth_date``, its key computed."""
    first = f"2{birth_date.year % 100:02d}{birth_date.month:02d}30189042"
    return first + f"{97 - int(first) % 97:02d}"


def save(dossier, **overrides):
    """The CERFA's data with every box of the salarié filled (DOC-7), as the
    form's page saves them."""
    birth_date = dossier.student.birth_date
    nir = {"nir": nir_for(birth_date)} if birth_date else {}
    return cerfa.cerfa_save(
        dossier=dossier, company_data=company_data(dossier.company), contract_data=contract_data(dossier),
        data=cerfa_data(**{**NOTICE, **nir, **overrides}), student_data=STUDENT, by=dossier.student.user,
    )


# --- DOC-10: minimum pay -----------------------------------------------------

def test_doc_10_one_cent_below_the_minimum_is_refused_with_the_minimum(dossier):
    """DOC-10: a 22-year-old (80 % of 1 823,03 €) paid 1 458,41 € is refused; the message states 1 458,42 €."""
    with pytest.raises(ValidationError, match=r"Salaire inférieur au minimum légal : 1 458,42 € brut par mois") as error:
        save(dossier, gross_monthly_pay=Decimal("1458.41"))
    assert "80 % du SMIC de 1 823,03 €, élève de 21 à 25 ans" in error.value.message_dict["gross_monthly_pay"][0]
    assert not CerfaData.objects.filter(dossier=dossier).exists()


def test_doc_10_exactly_the_minimum_is_accepted(dossier):
    """DOC-10: 1 458,42 € for 35 h at 22 is the minimum itself: accepted."""
    assert save(dossier, gross_monthly_pay=Decimal("1458.42")).gross_monthly_pay == Decimal("1458.42")


def test_doc_10_the_minimum_is_prorated_to_the_weekly_hours(dossier):
    """DOC-10: for 28 h a week the minimum is 28/35 of 1 458,42 € = 1 166,74 €."""
    with pytest.raises(ValidationError, match="1 166,74 € brut par mois au moins pour 28 h par semaine"):
        save(dossier, weekly_hours=Decimal("28"), gross_monthly_pay=Decimal("1166.73"))
    assert save(dossier, weekly_hours=Decimal("28"), gross_monthly_pay=Decimal("1166.74")).pk


@pytest.mark.parametrize(
    ("on", "age"),
    [
        (datetime.date(2026, 9, 14), 20),  # the day before the 21st birthday
        (datetime.date(2026, 9, 15), 20),  # the birthday itself: still the old bracket
        (datetime.date(2026, 9, 30), 20),  # last day of the birthday's month
        (datetime.date(2026, 10, 1), 21),  # 1st of the month after: new bracket
    ],
)
def test_doc_10_a_birthday_counts_from_the_first_of_the_next_month(on, age):
    """DOC-10: turning 21 on 15 September changes the bracket on 1 October."""
    assert pay.pay_age(datetime.date(2005, 9, 15), on) == age


def test_doc_10_turning_21_in_september_keeps_the_under_21_minimum_for_a_1_september_start(year):
    """DOC-10: born 15/09/2005, contract from 01/09/2026: 65 % (1 184,97 €) at the start, 80 % from 1 October
    (the pay must meet both: 1 184,97 € is refused with the October change)."""
    dossier = make_dossier(birth_date=datetime.date(2005, 9, 15), start=datetime.date(2026, 9, 1))
    minima = pay.dossier_pay_minima(dossier, Decimal(35))
    assert [(m.start, m.percent, m.amount) for m in minima] == [
        (datetime.date(2026, 9, 1), 65, Decimal("1184.97")), (datetime.date(2026, 10, 1), 80, Decimal("1458.42")),
    ]
    with pytest.raises(ValidationError, match="À partir du 1er octobre 2026 \\(21 ans\\), le minimum passe à 1 458,42 €"):
        save(dossier, gross_monthly_pay=Decimal("1184.97"))


def test_doc_10_the_last_day_of_the_birthday_month_is_still_under_21(year):
    """DOC-10: a contract starting 30/09/2026 for the same student still reads 65 % on its first day."""
    dossier = make_dossier(birth_date=datetime.date(2005, 9, 15), start=datetime.date(2026, 9, 30))
    assert pay.dossier_pay_minima(dossier, Decimal(35))[0].percent == 65


def test_doc_10_from_1_october_the_same_student_needs_80_percent(year):
    """DOC-10: a contract starting 01/10/2026 falls in the 21-25 bracket: 1 458,42 €."""
    dossier = make_dossier(birth_date=datetime.date(2005, 9, 15), start=datetime.date(2026, 10, 1))
    with pytest.raises(ValidationError, match="1 458,42 €.*80 % du SMIC.*21 à 25 ans.*1er octobre 2026"):
        save(dossier, gross_monthly_pay=Decimal("1184.97"))


def test_doc_10_from_26_the_smic_itself(year):
    """DOC-10: at 26 and over the minimum is the whole SMIC."""
    dossier = make_dossier(birth_date=datetime.date(1999, 1, 5))
    with pytest.raises(ValidationError, match="1 823,03 €.*100 % du SMIC.*26 ans ou plus"):
        save(dossier, gross_monthly_pay=Decimal("1823.02"), **REGISTERED)


def test_doc_10_the_page_refuses_a_low_pay_states_the_minimum_and_keeps_the_values(login, dossier):
    """DOC-10: through the form: French refusal with the minimum, typed values kept, nothing saved."""
    company = dossier.company
    post = {
        **{f"employeur-{k}": v for k, v in company_data(company).items()},
        "contrat-contract_type": "cdd", "contrat-start_date": "2026-09-01", "contrat-end_date": "2027-08-31",
        **{f"cerfa-{k}": v for k, v in cerfa_data(gross_monthly_pay="1200.00", conclusion_date="2026-08-20").items()},
    }
    response = login(dossier.student.user).post(reverse("conventions:cerfa-edit", args=[dossier.pk]), post)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Salaire inférieur au minimum légal : 1 458,42 € brut par mois" in content
    assert 'value="1200.00"' in content
    assert "Ingénieur d&#x27;études logiciel" in content
    assert not CerfaData.objects.filter(dossier=dossier).exists()


# --- DOC-7: capture ---------------------------------------------------------------

def test_doc_7_the_employer_siret_key_and_naf_format_are_checked_on_the_page(login, dossier):
    """DOC-7: a SIRET with a wrong Luhn key and a malformed NAF are refused in French."""
    post = {
        **{f"employeur-{k}": v for k, v in company_data(dossier.company, siret="73282932000075", naf="62-ABC").items()},
        "contrat-contract_type": "cdd", "contrat-start_date": "2026-09-01", "contrat-end_date": "2027-08-31",
        **{f"cerfa-{k}": v for k, v in cerfa_data(conclusion_date="2026-08-20").items()},
    }
    content = login(dossier.student.user).post(reverse("conventions:cerfa-edit", args=[dossier.pk]), post).content.decode()
    assert "Ce SIRET n&#x27;est pas valide : sa clé de contrôle ne correspond pas." in content
    assert "Un code NAF s&#x27;écrit 4 chiffres et une lettre" in content


def test_doc_7_naf_and_idcc_are_written_the_official_way(login, dossier):
    """DOC-7: "62.02a" is stored 6202A and IDCC "16" as 0016; the save is recorded on step 4."""
    post = {
        **{f"employeur-{k}": v for k, v in company_data(dossier.company, naf="62.02a", idcc="16", opco="OPCO Mobilités").items()},
        "contrat-contract_type": "cdd", "contrat-start_date": "2026-09-01", "contrat-end_date": "2027-08-31",
        **{f"cerfa-{k}": v for k, v in cerfa_data(conclusion_date="2026-08-20").items()},
    }
    response = login(dossier.student.user).post(reverse("conventions:cerfa-edit", args=[dossier.pk]), post)
    assert response.status_code == 302
    dossier.company.refresh_from_db()
    assert (dossier.company.naf, dossier.company.idcc, dossier.company.opco) == ("6202A", "0016", "OPCO Mobilités")
    assert dossier.events.filter(verb="conventions.cerfa.save", step="4").exists()


def test_doc_7_a_contract_that_is_not_12_months_is_refused(dossier):
    """DOC-7, STEP-1 step 4: a 6-month CDD is refused by the dossier's own rule."""
    with pytest.raises(ValidationError, match="dure 12 mois"):
        cerfa.cerfa_save(
            dossier=dossier, company_data=company_data(dossier.company),
            contract_data={**contract_data(dossier), "end_date": datetime.date(2027, 2, 28)},
            data=cerfa_data(), by=dossier.student.user,
        )


def test_doc_7_who_may_fill_the_cerfa(login, dossier, office):
    """DOC-7, ROLE-9: the student and the office fill it; the department head reads (403); another student 404."""
    head = factories.UserFactory()
    dossier.student.department.head = head
    dossier.student.department.save()
    url = reverse("conventions:cerfa-edit", args=[dossier.pk])
    assert login(dossier.student.user).get(url).status_code == 200
    assert login(office).get(url).status_code == 200
    assert login(head).get(url).status_code == 403
    assert login(factories.StudentFactory().user).get(url).status_code == 404


# --- DOC-9: training share ---------------------------------------------------------

def test_doc_9_480_hours_over_12_months_is_26_3_percent(dossier):
    """DOC-9: 480 h against 35 h a week from 01/09/2026 to 31/08/2027 (1 825 h) is 26,3 %."""
    share = cerfa.training_share(dossier, Decimal("35"))
    assert (share.hours, share.contract_hours, share.percent) == (480, Decimal("1825"), Decimal("26.3"))


def test_doc_9_production_is_refused_until_the_branch_agreement_is_recorded(
    dossier, django_capture_on_commit_callbacks, tiny_pdf_layout
):
    """DOC-9: above 25 % the CERFA is not produced until the branch agreement is ticked."""
    save(dossier, branch_allows_over_25=False, branch_agreement_reference="")
    with pytest.raises(ValidationError, match=r"La formation représente 26,3 % du contrat \(480 h sur 1 825 h\)"):
        cerfa.cerfa_request(dossier=dossier, by=dossier.student.user)
    assert not PdfJob.objects.filter(dossier=dossier).exists()
    save(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        job = cerfa.cerfa_request(dossier=dossier, by=dossier.student.user)
    job.refresh_from_db()
    assert job.status == PdfJob.Status.READY, job.error


def test_doc_9_the_branch_agreement_needs_its_reference(dossier):
    """DOC-9: ticking the agreement without saying which one is refused."""
    with pytest.raises(ValidationError, match="Indiquez la référence de l'accord de branche"):
        save(dossier, branch_agreement_reference="  ")


def test_doc_9_the_panel_refuses_production_with_the_french_reason(login, dossier):
    """DOC-9: the button answers with the reason; the panel lists it before production."""
    save(dossier, branch_allows_over_25=False, branch_agreement_reference="")
    response = login(dossier.student.user).post(reverse("conventions:cerfa-pdf", args=[dossier.pk]), follow=True)
    content = response.content.decode()
    assert "au-delà de 25 %, l&#x27;accord de branche doit l&#x27;autoriser" in content
    assert "Avant de produire le CERFA" in content
    assert not Document.objects.filter(dossier=dossier).exists()


# --- DOC-7: the produced form ---------------------------------------------------------

def pdf_text(content):
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def produce(dossier, django_capture_on_commit_callbacks, by=None):
    with django_capture_on_commit_callbacks(execute=True):
        job = cerfa.cerfa_request(dossier=dossier, by=by or dossier.student.user)
    job.refresh_from_db()
    assert job.status == PdfJob.Status.READY, job.error
    with job.document.file.open("rb") as handle:
        return handle.read()


def test_doc_7_without_an_official_model_the_pdf_is_laid_out_by_frames(dossier, django_capture_on_commit_callbacks):
    """DOC-7: the fallback PDF carries SIRET, NAF, IDCC, OPCO, RNCP 38677 and 480 h, frame by frame."""
    save(dossier)
    company = dossier.company
    text = pdf_text(produce(dossier, django_capture_on_commit_callbacks))
    for value in (company.siret, company.naf, company.idcc, company.opco, "38677", "480 heures", "1 900,00 €"):
        assert value in text
    for frame in ("L'EMPLOYEUR", "LE SALARIÉ", "LE TUTEUR", "LE CONTRAT", "LA FORMATION", "SIGNATURES"):
        assert frame in text
    assert "DURAND" in text and "Accord Syntec du 13 décembre 2022" in text


def test_doc_7_production_waits_for_the_missing_data(dossier):
    """DOC-7: without the CERFA's data, the tutor or the OPCO, production is refused, each reason stated."""
    dossier.company.opco = ""
    dossier.company.save()
    dossier.tuteur_entreprise = None
    dossier.save()
    with pytest.raises(ValidationError) as error:
        cerfa.cerfa_request(dossier=dossier, by=dossier.student.user)
    assert error.value.messages == [
        "Employeur : indiquez OPCO.",
        "Remplissez les données du contrat : emploi, durée hebdomadaire, salaire.",
    ]


def test_doc_7_a_tutor_with_less_than_2_years_is_refused(dossier):
    """DOC-7 (DOMAIN §4, D6325-9): a tutor with one year of experience stops production."""
    save(dossier)
    fiche.fiche_save_company_part(
        dossier=dossier, by=dossier.student.user,
        data={"tutor_first_name": "Paul", "tutor_last_name": "Durand", "tutor_email": dossier.tuteur_entreprise.email,
              "tutor_experience_years": 1},
    )
    with pytest.raises(ValidationError, match="2 ans d'expérience au moins"):
        cerfa.cerfa_request(dossier=dossier, by=dossier.student.user)


# A minimal fillable PDF, written by hand: text fields and check boxes.
def fillable_pdf(text_fields, check_boxes=()):
    objects = {}
    field_ids = []
    next_id = 6
    y = 780
    labels = []
    for name in text_fields:
        objects[next_id] = (
            f"<< /Type /Annot /Subtype /Widget /FT /Tx /T ({name}) /F 4 /P 3 0 R "
            f"/Rect [200 {y} 520 {y + 16}] /DA (/Helv 10 Tf 0 g) /MK << /BC [0 0 0] >> >>"
        ).encode()
        labels.append(f"BT /Helv 9 Tf 50 {y + 4} Td ({name}) Tj ET")
        field_ids.append(next_id)
        next_id += 1
        y -= 26
    for name in check_boxes:
        on, off, box = next_id, next_id + 1, next_id + 2
        objects[on] = b"<< /Type /XObject /Subtype /Form /BBox [0 0 12 12] /Length 19 >>\nstream\n0 g 2 2 8 8 re f\nendstream"
        objects[off] = b"<< /Type /XObject /Subtype /Form /BBox [0 0 12 12] /Length 0 >>\nstream\n\nendstream"
        objects[box] = (
            f"<< /Type /Annot /Subtype /Widget /FT /Btn /T ({name}) /F 4 /P 3 0 R /Rect [200 {y} 212 {y + 12}] "
            f"/V /Off /AS /Off /AP << /N << /Oui {on} 0 R /Off {off} 0 R >> >> /MK << /BC [0 0 0] >> >>"
        ).encode()
        labels.append(f"BT /Helv 9 Tf 50 {y + 2} Td ({name}) Tj ET")
        field_ids.append(box)
        next_id += 3
        y -= 26
    refs = " ".join(f"{i} 0 R" for i in field_ids)
    content = "\n".join(labels).encode()
    objects[1] = (f"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [{refs}] /DA (/Helv 10 Tf 0 g) "
                  "/DR << /Font << /Helv 4 0 R >> >> >> >>").encode()
    objects[2] = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    objects[3] = (f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R "
                  f"/Resources << /Font << /Helv 4 0 R >> >> /Annots [{refs}] >>").encode()
    objects[4] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    objects[5] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n")
    xref = out.tell()
    size = max(objects) + 1
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number])
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref))
    return out.getvalue()


def upload_model(login, office, content, name="cerfa_12434-03.pdf"):
    return login(office).post(
        reverse("conventions:cerfa-model"),
        {"action": "upload", "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
    )


def test_doc_7_the_official_fillable_pdf_is_filled_through_the_mapping(
    login, office, dossier, private_root, django_capture_on_commit_callbacks
):
    """DOC-7: with the office's fillable model, its fields hold the dossier's values:
    a field named like a value key is mapped on upload, the others as the office maps them."""
    save(dossier)
    model = fillable_pdf(["employeur_siret", "Zone 2", "Zone 3", "Zone 4", "Zone 5", "Zone 6", "Zone libre"], ["Case CDD", "Case CDI"])
    assert upload_model(login, office, model).status_code == 302
    mapping = {"Zone 2": "employeur_naf", "Zone 3": "employeur_idcc", "Zone 4": "employeur_opco",
               "Zone 5": "formation_rncp", "Zone 6": "salarie_nom", "Case CDD": "contrat_cdd", "Case CDI": "contrat_cdi"}
    current = official.official_model()
    post = {"action": "mapping"}
    for index, field in enumerate(sorted(current["fields"])):
        post[f"f{index}"] = mapping.get(field, current["mapping"].get(field, ""))
    assert login(office).post(reverse("conventions:cerfa-model"), post).status_code == 302

    fields = PdfReader(io.BytesIO(produce(dossier, django_capture_on_commit_callbacks))).get_fields()
    company = dossier.company
    assert fields["employeur_siret"]["/V"] == company.siret
    assert (fields["Zone 2"]["/V"], fields["Zone 3"]["/V"], fields["Zone 4"]["/V"]) == (company.naf, company.idcc, company.opco)
    assert fields["Zone 5"]["/V"] == "38677"
    assert fields["Zone 6"]["/V"] == "MARTIN"
    assert fields["Case CDD"]["/V"] == "/Oui"
    assert fields["Case CDI"]["/V"] == "/Off"
    assert fields["Zone libre"].get("/V") in (None, "")
    # Kept in private storage, outside any public URL; the pointer names the version in force.
    pointer = json.loads((private_root / "cerfa" / "modele.json").read_text())
    assert (private_root / pointer["file"]).read_bytes() == model


def test_doc_7_a_new_model_keeps_the_mapping_of_the_fields_it_shares(login, office, dossier):
    """DOC-7: a second upload is a new file; the mapping of common fields survives."""
    upload_model(login, office, fillable_pdf(["Zone 2", "Zone 3"]))
    official.official_mapping_set(mapping={"Zone 2": "employeur_naf", "Zone 3": "employeur_idcc"}, by=office)
    first = official.official_model()["file"]
    upload_model(login, office, fillable_pdf(["Zone 2", "Zone 9"]))
    model = official.official_model()
    assert model["file"] != first and storages["private"].exists(first)
    assert model["mapping"] == {"Zone 2": "employeur_naf"}


def test_doc_7_a_pdf_without_form_fields_is_refused_as_model(login, office):
    """DOC-7: a flat PDF is not the fillable CERFA: refused in French, nothing kept."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    response = upload_model(login, office, buffer.getvalue())
    assert response.status_code == 200
    assert "Ce PDF n&#x27;a pas de champs à remplir" in response.content.decode()
    assert official.official_model() is None


def test_doc_7_a_mapping_to_an_unknown_value_is_refused(login, office):
    """DOC-7: the mapping names only the model's fields and the portal's value keys."""
    upload_model(login, office, fillable_pdf(["Zone 2"]))
    with pytest.raises(ValidationError, match="Correspondance inconnue : Zone 2"):
        official.official_mapping_set(mapping={"Zone 2": "salaire_du_directeur"}, by=office)


def test_doc_7_only_the_office_deposits_the_model(login, dossier):
    """DOC-7, ROLE-9: a student gets 403 on the model's page and through the service."""
    assert login(dossier.student.user).get(reverse("conventions:cerfa-model")).status_code == 403
    with pytest.raises(Exception, match="Seul le service Contrats pro"):
        official.official_model_upload(uploaded_file=SimpleUploadedFile("m.pdf", fillable_pdf(["A"])), by=dossier.student.user)


def test_step_1_step_4p_reminds_to_deposit_the_signed_cerfa(login, dossier, office):
    """STEP-1 step 4': until the signed copy is deposited the panel says where; then it links it."""
    url = reverse("conventions:dossier-detail", args=[dossier.pk])
    content = login(dossier.student.user).get(url).content.decode()
    assert "?kind=cerfa_signe&amp;step=4p#documents" in content
    from conventions.documents.pdf import document_attach

    document = document_attach(dossier=dossier, kind=DocumentKind.CERFA_SIGNE, content=b"%PDF-1.4", name="signe.pdf", by=office)
    content = login(dossier.student.user).get(url).content.decode()
    assert reverse("conventions:document-download", args=[document.pk]) in content
    assert "?kind=cerfa_signe" not in content


def test_step_1_the_student_hands_in_step_4_after_producing(dossier, django_capture_on_commit_callbacks, tiny_pdf_layout):
    """STEP-1 step 4: once produced, the student submits step 4 and the office validates it."""
    save(dossier)
    produce(dossier, django_capture_on_commit_callbacks)
    office = factories.UserFactory(groups=["Service Contrats Pro"])
    step = dossier.steps.get(code="4")
    steps.step_transition(step=step, action=steps.SUBMIT, by=dossier.student.user)
    assert steps.step_transition(step=step, action=steps.VALIDATE, by=office).state == "valide"
    assert roles.can_edit_dossier_papers(office, dossier)


def test_elig_6_contract_end_typed_in_the_cerfa_updates_the_stored_verdict(year):
    """ELIG-6: a permit expiring before the contract's end is a risk; the
    stored verdict the students list filters on follows the contract dates
    typed in the CERFA at once, not the next night."""
    from conventions.models import Dossier
    from students import eligibility
    from students.models import InfoMeeting, Student
    from students.services import eligibility_verdicts_refresh

    dossier = factories.DossierFactory(
        student__sio_validated=True, student__toeic_validated=True,
        student__foreign_national=True, student__permit_work_authorised=True,
        student__permit_expiry=datetime.date(2027, 7, 31), end_date=datetime.date(2027, 6, 30),
    )
    InfoMeeting.objects.create(year=year, date=datetime.date(2026, 3, 12)).attendees.add(dossier.student)
    eligibility_verdicts_refresh(Student.objects.filter(pk=dossier.student_id))
    assert Student.objects.get(pk=dossier.student_id).eligibility_status == eligibility.OK
    Dossier.objects.filter(pk=dossier.pk).update(end_date=year.contract_end)  # the contract now runs to August
    dossier.refresh_from_db()
    factories.cerfa_entered(dossier)
    assert Student.objects.get(pk=dossier.student_id).eligibility_status == eligibility.WARNING
