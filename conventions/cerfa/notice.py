"""The checks the CERFA 12434's notice asks of the salarié's and the
contract's data (DOC-7, DOMAIN §3): the NIR (format, key, agreement with the
sex and the birth), the France Travail registration of a job-seeker, an
avenant's number; and the boxes still empty before the form is produced.

Pure functions over values: the service ``cerfa_save`` puts their French
messages on the fields they concern.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.fr import nir as stdnum_nir

from .models import ContractKind, Situation

# The NIR: sex (1, 2; 7, 8 for a temporary number), year, month (01-12, or
# 20-42 / 50-99 when the month is unknown), department (2 digits, 2A/2B for
# Corsica; 97x overseas, 99 abroad), commune, order number, key.
NIR_SHAPE = re.compile(r"[12378]\d{2}(0[1-9]|1[0-2]|[2-9]\d)(\d{2}|2[AB])\d{6}\d{2}")
NIR_SEX = {"1": "M", "2": "F"}
FRANCE_TRAVAIL_ID = re.compile(r"[0-9A-Z]{8,11}")


def nir_clean(value):
    """" 2 04 03 2a 123 456 78 " → "204032A12345678": spaces, dots and dashes
    dropped, letters upper-cased."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def nir_key(nir13):
    """97 − (the 13-digit number mod 97), Corsica's 2A/2B read 19/18: the
    key as python-stdnum computes it (ECOSYSTEM.md), not a hand-written one."""
    return int(stdnum_nir.calc_check_digits(nir13))


def nir_problem(nir):
    """DOC-7: the French refusal of a NIR whose shape or key is wrong, or None."""
    if len(nir) != 15:
        return _(
            "Le numéro de sécurité sociale compte 15 caractères (13 chiffres et la clé de 2 chiffres), "
            "par exemple 2 04 03 30 189 042 20 : vous en avez saisi %(n)s."
        ) % {"n": len(nir)}
    if not NIR_SHAPE.fullmatch(nir):
        return _(
            "Ce numéro de sécurité sociale n'a pas la forme attendue : un chiffre pour le sexe, l'année et le mois "
            "de naissance, le département (2A ou 2B pour la Corse), la commune, le numéro d'ordre et la clé, "
            "tel qu'il figure sur la carte Vitale."
        )
    if nir_key(nir[:13]) != int(nir[13:]):
        return _(
            "La clé du numéro de sécurité sociale (ses 2 derniers chiffres) ne correspond pas aux 13 premiers : "
            "vérifiez le numéro sur la carte Vitale."
        )
    return None


def nir_disagreements(nir, *, sex="", birth_date=None, birth_department=""):
    """DOC-7: what a well-formed NIR contradicts in the salarié's identity
    (sex, year and month of birth, department of birth), in French."""
    problems = []
    if sex and nir[0] in NIR_SEX and NIR_SEX[nir[0]] != sex:
        problems.append(_("Le premier chiffre du numéro de sécurité sociale (%(digit)s) ne correspond pas au sexe indiqué.")
                        % {"digit": nir[0]})
    if birth_date is not None:
        if nir[1:3] != f"{birth_date.year % 100:02d}":
            problems.append(_("L'année de naissance du numéro de sécurité sociale (%(yy)s) n'est pas celle de la date "
                              "de naissance (%(year)s).") % {"yy": nir[1:3], "year": birth_date.year})
        elif int(nir[3:5]) <= 12 and int(nir[3:5]) != birth_date.month:
            problems.append(_("Le mois de naissance du numéro de sécurité sociale (%(mm)s) n'est pas celui de la date "
                              "de naissance.") % {"mm": nir[3:5]})
    if birth_department and nir[5:5 + len(birth_department)] != birth_department:
        problems.append(_("Le département de naissance du numéro de sécurité sociale (%(dept)s) n'est pas celui "
                          "indiqué (%(given)s).") % {"dept": nir[5:5 + len(birth_department)], "given": birth_department})
    return problems


def nir_masked(nir):
    """"204033018904220" → "2 04 ** ** *** *** 20": the sex, the year and
    the key; what places the person stays hidden on pages (DOMAIN §3)."""
    if len(nir) != 15:
        return "*" * len(nir)
    return f"{nir[0]} {nir[1:3]} ** ** *** *** {nir[13:]}"


def nir_spaced(nir):
    """"204033018904220" → "2 04 03 30 189 042 20", as on the carte Vitale."""
    if len(nir) != 15:
        return nir
    return " ".join((nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]))


def france_travail_problems(*, situation, job_seeker, france_travail_id, months):
    """DOC-7: a job-seeker before the contract, or a student said to be
    registered (DOC-10's question), gives the France Travail identifier and
    how long they have been registered. ``{field: French message}``."""
    problems = {}
    registered = situation == Situation.DEMANDEUR or job_seeker is True
    if registered and not france_travail_id:
        problems["france_travail_id"] = _(
            "Pour un demandeur d'emploi, indiquez son identifiant France Travail (sur l'avis de situation)."
        )
    if registered and months is None:
        problems["france_travail_months"] = _("Indiquez depuis combien de mois l'élève est inscrit à France Travail.")
    if france_travail_id and job_seeker is False:
        problems["job_seeker"] = _(
            "Un identifiant France Travail est indiqué alors que l'élève n'est pas inscrit comme demandeur "
            "d'emploi : corrigez l'un ou l'autre."
        )
    if france_travail_id and not FRANCE_TRAVAIL_ID.fullmatch(france_travail_id):
        problems["france_travail_id"] = _(
            "Un identifiant France Travail compte 8 à 11 lettres ou chiffres, sans espace (sur l'avis de situation)."
        )
    return problems


def avenant_problem(kind, number):
    """DOC-7, AMEND-1: an avenant names its number."""
    if kind == ContractKind.AVENANT and not number.strip():
        return _("Un avenant porte son numéro : indiquez-le.")
    return None


# DOC-7: the boxes of the form the portal fills from the dossier, by their
# French name, as listed before production while one is empty.
STUDENT_BOXES = (
    ("sex", gettext_lazy("sexe")),
    ("birth_place", gettext_lazy("commune de naissance")),
    ("birth_department", gettext_lazy("département de naissance")),
    ("address", gettext_lazy("adresse")),
    ("postal_code", gettext_lazy("code postal")),
    ("city", gettext_lazy("commune")),
)
CERFA_BOXES = (
    ("nir", gettext_lazy("numéro de sécurité sociale")),
    ("situation_before", gettext_lazy("situation avant ce contrat")),
    ("highest_diploma", gettext_lazy("diplôme le plus élevé obtenu")),
    ("last_diploma_prepared", gettext_lazy("dernier diplôme préparé")),
    ("rqth", gettext_lazy("RQTH")),
    ("tutor_qualification", gettext_lazy("qualification du tuteur")),
)


def cerfa_gaps(student, cerfa):
    """DOC-7: the salarié's and the tutor's boxes still empty, in French
    (``[]`` when none): the CERFA is not produced while one is."""
    gaps = [str(label) for name, label in STUDENT_BOXES if not getattr(student, name)]
    gaps += [str(label) for name, label in CERFA_BOXES if getattr(cerfa, name) in ("", None)]
    return gaps
