"""DOC-7: the CERFA 12434 complete — every box of DOMAIN §3 has a value key,
the salarié's and the contract's data are checked as the form's notice asks,
and the layout fallback is titled as a working document."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from conventions.cerfa import services as cerfa
from conventions.cerfa.keys import VALUES
from conventions.models import CerfaData
from tests import factories
from tests.conventions.test_cerfa import NIR, NOTICE, STUDENT, cerfa_data, company_data, contract_data, make_dossier

pytestmark = pytest.mark.django_db

def save_complete(dossier, student=None, **overrides):
    return cerfa.cerfa_save(
        dossier=dossier, company_data=company_data(dossier.company), contract_data=contract_data(dossier),
        data=cerfa_data(**{**NOTICE, **overrides}), student_data={**STUDENT, **(student or {})},
        by=dossier.student.user,
    )


def complete_cerfa():
    """A dossier whose CERFA has every box filled: the employer, its
    signatory, the salarié, the tutor, the contract and the training."""
    dossier = make_dossier()
    dossier.signataire = factories.CompanyContactFactory(
        company=dossier.company, role="signataire", first_name="Claire", last_name="Roux",
        job_title="Directrice des ressources humaines",
    )
    dossier.save()
    save_complete(dossier)
    dossier.refresh_from_db()
    return dossier


def errors_of(dossier, student=None, **overrides):
    with pytest.raises(ValidationError) as error:
        save_complete(dossier, student, **overrides)
    return error.value.message_dict


@pytest.fixture
def dossier(year):
    return make_dossier()


# --- The NIR ------------------------------------------------------------------

def test_doc_7_a_nir_with_a_wrong_key_is_refused_in_french(dossier):
    """DOC-7: 2 04 03 30 189 042 21 — the key is 97 − (2040330189042 mod 97) = 20: refused, nothing saved."""
    errors = errors_of(dossier, nir="2 04 03 30 189 042 21")
    assert errors["nir"] == [
        "La clé du numéro de sécurité sociale (ses 2 derniers chiffres) ne correspond pas aux 13 premiers : "
        "vérifiez le numéro sur la carte Vitale."
    ]
    assert not CerfaData.objects.filter(dossier=dossier).exists()


def test_doc_7_the_nir_is_stored_without_spaces_once_its_key_holds(dossier):
    """DOC-7: typed as on the carte Vitale, kept as its 15 characters."""
    assert save_complete(dossier).nir == "204033018904220"


def test_doc_7_the_nir_of_a_corsican_birth_reads_2a_as_19_for_its_key(dossier):
    """DOC-7: born in Ajaccio (2A, commune 004) in May 1985: the key of 1 85 05 2A 004 123 counts 2A as 19 (56)."""
    student = {"sex": "M", "birth_place": "Ajaccio", "birth_department": "2A"}
    dossier.student.birth_date = datetime.date(1985, 5, 2)
    dossier.student.save()
    assert cerfa.notice.nir_key("185052A004123") == 56
    errors = errors_of(dossier, student, nir="1 85 05 2A 004 123 55")
    assert "La clé du numéro de sécurité sociale" in errors["nir"][0]
    # The 26-year-old's other conditions (DOC-10) aside, the NIR itself is accepted.
    errors = errors_of(dossier, student, nir="1 85 05 2a 004 123 56")
    assert "nir" not in errors


def test_doc_7_a_nir_of_the_wrong_length_or_shape_is_refused(dossier):
    """DOC-7: 14 characters, or a letter where a digit goes, are refused with the form of a NIR."""
    assert "15 caractères" in errors_of(dossier, nir="2 04 03 30 189 042 2")["nir"][0]
    assert "n'a pas la forme attendue" in errors_of(dossier, nir="2 04 03 3X 189 042 20")["nir"][0]


def test_doc_7_a_nir_contradicting_the_sex_or_the_birth_is_refused(dossier):
    """DOC-7: a NIR starting with 1 for a woman, or of another birth year or department, is refused, each said."""
    errors = errors_of(dossier, {"sex": "M"})
    assert errors["nir"] == ["Le premier chiffre du numéro de sécurité sociale (2) ne correspond pas au sexe indiqué."]
    errors = errors_of(dossier, {"birth_department": "34"})
    assert "département de naissance du numéro de sécurité sociale (30) n'est pas celui indiqué (34)" in errors["nir"][0]


def test_doc_7_the_nir_is_masked_on_pages():
    """DOC-7, DOMAIN §3: pages show the sex, the year and the key only."""
    assert cerfa.notice.nir_masked("204033018904220") == "2 04 ** ** *** *** 20"


# --- The salarié's situation, the contract's kind --------------------------------

def test_doc_7_a_job_seeker_gives_the_france_travail_id_and_duration(dossier):
    """DOC-7: « demandeur d'emploi » before the contract without the France Travail identifier nor the duration is refused."""
    errors = errors_of(dossier, situation_before="demandeur_emploi")
    assert errors["france_travail_id"] == [
        "Pour un demandeur d'emploi, indiquez son identifiant France Travail (sur l'avis de situation)."
    ]
    assert errors["france_travail_months"] == ["Indiquez depuis combien de mois l'élève est inscrit à France Travail."]
    saved = save_complete(dossier, situation_before="demandeur_emploi", france_travail_id="1234567a",
                          france_travail_months=4)
    assert (saved.france_travail_id, saved.france_travail_months) == ("1234567A", 4)


def test_doc_7_a_france_travail_id_with_not_registered_is_refused(dossier):
    """DOC-7: an identifier given while « inscrit comme demandeur d'emploi » is answered no contradicts itself."""
    errors = errors_of(dossier, france_travail_id="1234567A", france_travail_months=3, job_seeker=False)
    assert "n'est pas inscrit comme demandeur d'emploi" in errors["job_seeker"][0]


def test_doc_7_an_avenant_requires_its_number(dossier):
    """DOC-7, AMEND-1: an avenant without its number is refused; with it, the CERFA says « Avenant au contrat » n° …."""
    assert errors_of(dossier, contract_kind="avenant")["avenant_number"] == ["Un avenant porte son numéro : indiquez-le."]
    save_complete(dossier, contract_kind="avenant", avenant_number="2")
    values = cerfa.cerfa_values(dossier)
    assert (values["contrat_nature"], values["contrat_avenant"], values["contrat_avenant_numero"]) == (
        "Avenant au contrat", True, "2"
    )
    assert values["contrat_initial"] is False


def test_doc_7_the_database_refuses_an_avenant_without_number(dossier):
    """DOC-7: the constraint holds for the admin and imports too."""
    data = save_complete(dossier)
    data.contract_kind, data.avenant_number = "avenant", ""
    with pytest.raises(ValidationError, match="Un avenant porte son numéro"):
        data.full_clean()


def test_doc_7_a_successive_contract_prints_its_kind_not_contrat_initial(dossier):
    """DOC-7: the contract's kind is the chosen one (a new contract after an illness), not a fixed « Contrat initial »."""
    save_complete(dossier, contract_kind="maladie", avenant_number="7")
    values = cerfa.cerfa_values(dossier)
    assert values["contrat_nature"] == "Nouveau contrat après une maladie, une maternité ou un accident"
    assert values["contrat_nouveau_maladie"] is True and values["contrat_avenant_numero"] == ""


# --- Every box has a key, and a value ----------------------------------------------

def test_doc_7_cerfa_values_gives_a_value_for_every_key_and_no_other(dossier):
    """DOC-7: the mapping's vocabulary and the values are the same keys, new boxes and pay fields included."""
    save_complete(dossier, branch_minimum_monthly=Decimal("2100.00"))
    dossier.refresh_from_db()
    values = cerfa.cerfa_values(dossier)
    assert set(values) == set(VALUES)
    for key in ("salarie_sexe", "salarie_commune_naissance", "salarie_departement_naissance", "salarie_adresse",
                "salarie_code_postal", "salarie_commune", "salarie_nir", "salarie_situation", "salarie_rqth_non",
                "salarie_diplome_obtenu", "salarie_diplome_prepare", "tuteur_qualification", "contrat_nature",
                "contrat_salaire_minimum_branche", "salarie_demandeur_emploi_oui", "contrat_avantage_nourriture"):
        assert key in values
    assert values["salarie_nir"] == NIR
    assert values["salarie_adresse"] == "12 rue de la Vierge, Appartement 4"
    assert values["salarie_diplome_prepare"] == "Diplôme d'ingénieur, diplôme d'école de commerce"
    assert values["contrat_salaire_minimum_branche"] == "2 100,00 €"
    assert values["contrat_avantage_nourriture"] == "5,45 €"
    assert (values["salarie_rqth_oui"], values["salarie_rqth_non"]) == (False, True)


def test_doc_7_the_salarie_identity_is_kept_on_the_student(dossier):
    """DOC-7: sex, birthplace, postal address and phone typed on the CERFA's page are the student's."""
    save_complete(dossier)
    student = type(dossier.student).objects.select_related("user").get(pk=dossier.student_id)
    assert (student.sex, student.birth_place, student.birth_department, student.postal_code, student.city) == (
        "F", "Nîmes", "30", "30100", "Alès"
    )
    assert student.user.phone == "06 12 34 56 78"


def test_doc_7_production_waits_for_the_empty_boxes_of_the_salarie(dossier):
    """DOC-7: the CERFA is not produced while the salarié's NIR, sex or diplomas are empty; each box is named."""
    cerfa.cerfa_save(
        dossier=dossier, company_data=company_data(dossier.company), contract_data=contract_data(dossier),
        data=cerfa_data(), by=dossier.student.user,
    )
    with pytest.raises(ValidationError) as error:
        cerfa.cerfa_request(dossier=dossier, by=dossier.student.user)
    assert error.value.messages == [
        "Avant de produire le CERFA, complétez sur la page du CERFA : sexe, commune de naissance, département de "
        "naissance, adresse, code postal, commune, numéro de sécurité sociale, situation avant ce contrat, diplôme "
        "le plus élevé obtenu, dernier diplôme préparé, RQTH, qualification du tuteur."
    ]


# --- The official model's mapping preview ---------------------------------------------

def test_doc_7_the_model_page_previews_unmapped_fields_and_unused_keys(login, office):
    """DOC-7: after an upload, the page lists the model's fields no value fills and the values that fill no field."""
    from conventions.cerfa import official
    from tests.conventions.test_cerfa import fillable_pdf, upload_model

    upload_model(login, office, fillable_pdf(["employeur_siret", "salarie_nir", "Zone 7", "Zone libre"], ["Case RQTH"]))
    official.official_mapping_set(mapping={"employeur_siret": "employeur_siret", "salarie_nir": "salarie_nir",
                                           "Case RQTH": "salarie_rqth_oui"}, by=office)
    preview = official.official_mapping_preview(official.official_model())
    assert preview["unmapped_fields"] == ["Zone 7", "Zone libre"]
    unused = [key for key, _label in preview["unused_keys"]]
    assert len(unused) == len(VALUES) - 3
    assert "salarie_nir" not in unused and "salarie_rqth_non" in unused and "contrat_avenant_numero" in unused
    content = login(office).get(reverse("conventions:cerfa-model")).content.decode()
    assert "2 champs du modèle restent vides" in content
    assert '<li class="list-inline-item font-monospace">Zone 7</li>' in content
    assert f"{len(VALUES) - 3} données du portail ne remplissent aucun champ" in content
    assert "<li>Salarié – case RQTH : non</li>" in content


def test_doc_7_a_model_whose_fields_are_all_named_like_keys_is_fully_mapped(login, office):
    """DOC-7: a model with one field per value key, named like it, is mapped whole on upload; nothing left out."""
    from conventions.cerfa import official
    from tests.conventions.test_cerfa import fillable_pdf, upload_model

    upload_model(login, office, fillable_pdf(list(VALUES)))
    preview = official.official_mapping_preview(official.official_model())
    assert preview == {"unmapped_fields": [], "unused_keys": []}
    content = login(office).get(reverse("conventions:cerfa-model")).content.decode()
    assert "Chaque champ du modèle est rempli et chaque donnée du portail remplit un champ." in content


def test_doc_7_the_official_model_is_filled_with_the_new_boxes(login, office, year, django_capture_on_commit_callbacks):
    """DOC-7: the NIR in full, the sex's box, the contract's kind and the avantages fill the official form's fields."""
    import io

    from pypdf import PdfReader

    from tests.conventions.test_cerfa import fillable_pdf, produce, upload_model

    dossier = complete_cerfa()
    upload_model(login, office, fillable_pdf(
        ["salarie_nir", "contrat_nature", "contrat_avantage_nourriture", "salarie_commune_naissance"],
        ["salarie_sexe_f", "salarie_sexe_m", "contrat_initial"],
    ))
    fields = PdfReader(io.BytesIO(produce(dossier, django_capture_on_commit_callbacks))).get_fields()
    assert fields["salarie_nir"]["/V"] == NIR
    assert (fields["contrat_nature"]["/V"], fields["contrat_avantage_nourriture"]["/V"]) == ("Contrat initial", "5,45 €")
    assert fields["salarie_commune_naissance"]["/V"] == "Nîmes"
    assert (fields["salarie_sexe_f"]["/V"], fields["salarie_sexe_m"]["/V"], fields["contrat_initial"]["/V"]) == (
        "/Oui", "/Off", "/Oui"
    )


# --- The layout fallback -------------------------------------------------------------

def test_doc_7_the_layout_fallback_is_titled_as_a_working_document(year, django_capture_on_commit_callbacks):
    """DOC-7: without the official model, the PDF says it is the CERFA's data to copy onto the official form, names
    the form's version once, and prints the chosen kind, the NIR in full, the salarié's boxes and French dates."""
    from tests.conventions.test_cerfa import pdf_text, produce

    dossier = complete_cerfa()
    text = pdf_text(produce(dossier, django_capture_on_commit_callbacks))
    assert "DONNÉES DU CERFA 12434" in text
    assert "document de travail, à reporter sur le formulaire officiel" in text
    assert "Ce document n'est pas le formulaire officiel" in text
    assert text.count(cerfa.CERFA_FORM_VERSION) == 1
    for value in (NIR, "Contrat initial", "Nîmes", "12 rue de la Vierge, Appartement 4", "30100 Alès", "Étudiant",
                  "Licence générale", "Diplôme d'ingénieur, chef de projet logiciel", "5,45 € par repas",
                  "1er septembre 2026", "10 mars 2004"):
        assert value in text, value
    assert "☒ F" in text and "☒ non" in text


def test_doc_7_the_cerfa_page_masks_the_stored_nir(login, year):
    """DOC-7, DOMAIN §3: the CERFA's page never prints the stored NIR in full: the field is empty, the help masks it."""
    dossier = complete_cerfa()
    content = login(dossier.student.user).get(reverse("conventions:cerfa-edit", args=[dossier.pk])).content.decode()
    assert "Enregistré : 2 04 ** ** *** *** 20." in content
    assert "204033018904220" not in content and "30 189 042" not in content
    assert 'name="cerfa-nir"' in content


def test_doc_7_the_cerfa_page_refuses_a_wrong_nir_and_keeps_what_was_typed(login, year):
    """DOC-7: posting a NIR whose key is wrong shows the French error next to it and keeps the typed values."""
    from tests.conventions.test_cerfa import cerfa_data, company_data

    dossier = make_dossier()
    post = {
        **{f"employeur-{k}": v for k, v in company_data(dossier.company).items()},
        "contrat-contract_type": "cdd", "contrat-start_date": "2026-09-01", "contrat-end_date": "2027-08-31",
        **{f"cerfa-{k}": v for k, v in cerfa_data(conclusion_date="2026-08-20").items()},
        "cerfa-nir": "2 04 03 30 189 042 21", "cerfa-contract_kind": "avenant", "cerfa-avenant_number": "",
        "salarie-sex": "F", "salarie-birth_place": "Nîmes", "salarie-birth_department": "2a",
        "salarie-postal_code": "301", "salarie-city": "Alès",
    }
    content = login(dossier.student.user).post(reverse("conventions:cerfa-edit", args=[dossier.pk]), post).content.decode()
    assert "Un code postal compte 5 chiffres, par exemple 30100." in content
    post["salarie-postal_code"] = "30100"
    content = login(dossier.student.user).post(reverse("conventions:cerfa-edit", args=[dossier.pk]), post).content.decode()
    assert "La clé du numéro de sécurité sociale (ses 2 derniers chiffres) ne correspond pas" in content
    assert "Un avenant porte son numéro : indiquez-le." in content and "DOC-7" not in content
    assert 'value="2 04 03 30 189 042 21"' in content and 'value="Nîmes"' in content
    assert not CerfaData.objects.filter(dossier=dossier).exists()


def test_doc_7_the_cerfa_page_names_the_empty_boxes_before_production(login, dossier):
    """DOC-7: data saved without the salarié's identity: the page says which boxes keep the CERFA from being produced."""
    cerfa.cerfa_save(
        dossier=dossier, company_data=company_data(dossier.company), contract_data=contract_data(dossier),
        data=cerfa_data(), by=dossier.student.user,
    )
    content = login(dossier.student.user).get(reverse("conventions:cerfa-edit", args=[dossier.pk])).content.decode()
    assert ("Le CERFA sera produit quand ces cases seront remplies : sexe, commune de naissance, département de "
            "naissance, adresse, code postal, commune, numéro de sécurité sociale") in content
    assert 'name="cerfa-contract_kind"' in content and "Contrat initial, nouveau contrat ou avenant" in content


def test_doc_7_the_nir_is_stored_encrypted_and_read_back_whole(dossier):
    """DOC-7, DOMAIN §3: the NIR never sits in clear in the database; the
    portal reads it back whole (the CERFA prints it), an empty one as ""."""
    save_complete(dossier)
    data = CerfaData.objects.get(dossier=dossier)
    with connection.cursor() as cursor:
        cursor.execute("SELECT nir FROM conventions_cerfadata WHERE id = %s", [data.pk])
        stored = cursor.fetchone()[0]
    nir = NIR.replace(" ", "")
    assert data.nir == nir
    assert nir not in stored and nir[:7] not in stored
    CerfaData.objects.filter(pk=data.pk).update(nir="")
    assert CerfaData.objects.get(pk=data.pk).nir == ""
