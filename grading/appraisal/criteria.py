"""The fiche d'évaluation tuteur « Avant PFE » as data (EVAL-1, step B).

[decision] The seed (§6.1) names the fiche but not its criteria. The six
below are those a French company tutor recognises from the usual fiches
d'appréciation de stage or d'alternance (behaviour, autonomy, quality,
technical skills, communication, the project's progress towards the PFE),
each answered with one of four levels and an optional comment; the fiche
ends with an overall comment and a grade /20. This tuple is the ONE place
that lists them: the page reached by the link, the read-only page, the
blank printed form and the validation of the stored answers all read it.
A key is stored with each answer: change a label freely, never a key.
"""

from django.utils.translation import gettext_lazy as _

CRITERIA = (
    ("integration", _("Intégration et comportement professionnel"),
     _("Ponctualité, respect des règles de l'entreprise, relations avec l'équipe.")),
    ("autonomie", _("Autonomie et initiative"),
     _("Organise son travail, propose des solutions, sait demander de l'aide à bon escient.")),
    ("qualite", _("Qualité et rigueur du travail"),
     _("Fiabilité des résultats, soin, respect des délais.")),
    ("technique", _("Compétences techniques mobilisées"),
     _("Met en œuvre les connaissances de sa formation et en acquiert de nouvelles.")),
    ("communication", _("Communication écrite et orale"),
     _("Comptes rendus, documents, présentations, échanges avec les interlocuteurs.")),
    ("avancement", _("Avancement du projet et perspectives PFE"),
     _("Résultats de la première période, clarté du sujet envisagé pour le PFE.")),
)

LEVELS = (
    ("tres_satisfaisant", _("Très satisfaisant")),
    ("satisfaisant", _("Satisfaisant")),
    ("a_ameliorer", _("À améliorer")),
    ("insuffisant", _("Insuffisant")),
)

CRITERION_KEYS = tuple(key for key, _label, _hint in CRITERIA)
LEVEL_KEYS = tuple(key for key, _label in LEVELS)
LEVEL_LABELS = dict(LEVELS)
COMMENT_MAX = 2000


def answers_problems(answers):
    """What is wrong with ``answers`` (``{criterion key: {"level": level
    key, "comment": text}}``) against the fiche, as French messages by
    criterion key (``"__all__"`` for the shape); empty when it is valid: one
    level per criterion of the fiche, no unknown criterion or level, a
    comment of at most ``COMMENT_MAX`` characters."""
    if not isinstance(answers, dict):
        return {"__all__": str(_("Les réponses de la fiche sont mal formées."))}
    problems = {}
    unknown = set(answers) - set(CRITERION_KEYS)
    if unknown:
        problems["__all__"] = str(_("La fiche ne comporte pas ces critères : %(keys)s.")) % {
            "keys": ", ".join(sorted(map(str, unknown)))}
    labels = {key: label for key, label, _hint in CRITERIA}
    for key in CRITERION_KEYS:
        answer = answers.get(key)
        if not isinstance(answer, dict) or answer.get("level") not in LEVEL_KEYS:
            problems[key] = str(_("Choisissez un niveau pour « %(criterion)s ».")) % {"criterion": labels[key]}
        elif not isinstance(answer.get("comment", ""), str) or len(answer.get("comment", "")) > COMMENT_MAX:
            problems[key] = str(_("Le commentaire sur « %(criterion)s » dépasse %(n)s caractères.")) % {
                "criterion": labels[key], "n": COMMENT_MAX}
    return problems


def rows(answers):
    """The fiche's criteria in order, each with its answer (for the pages
    and the printed form): ``[{key, label, hint, level, level_label, comment}]``."""
    answers = answers or {}
    result = []
    for key, label, hint in CRITERIA:
        answer = answers.get(key) or {}
        level = answer.get("level", "")
        result.append({"key": key, "label": label, "hint": hint, "level": level,
                       "level_label": LEVEL_LABELS.get(level, ""), "comment": answer.get("comment", "")})
    return result
