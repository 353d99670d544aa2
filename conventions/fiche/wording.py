"""DOC-2: the PFE title's words, counted as a reader counts them (the fiche
contact checks it; grading's review of the fiche PFE shows the count).

The title goes in the diploma supplement: 10 words at most. A word is what a
reader says as one word:

- a hyphenated compound is one word (« temps-réel », « jumeau-numérique »);
- an elided article or pronoun goes with its word (« l'usine »,
  « d'une », « aujourd'hui » are one word each): a reader says
  « l'usine » in one breath, the « l' » is no word of its own;
- a number is one word (« 3 », « 2027 », « 4.0 », « 2,5 »);
- punctuation alone is no word (« : », « – », « « » », « / », « & »);
- a slash separates words (« CAO/FAO » is two).
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

TITLE_MAX_WORDS = 10

_WORD = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:[-\u2010\u2011'\u2019][^\W_]+)*")


def title_words(title):
    """The words of ``title`` as a reader counts them (the rule above)."""
    return _WORD.findall(title or "")


def title_word_count(title):
    return len(title_words(title))


def validate_title(title):
    """DOC-2: refuse a title of more than 10 words, saying how many it has."""
    count = title_word_count(title)
    if count > TITLE_MAX_WORDS:
        raise ValidationError(
            ngettext(
                "Le titre du PFE compte %(count)s mot : %(max)s au plus, car il figure au supplément au diplôme.",
                "Le titre du PFE compte %(count)s mots : %(max)s au plus, car il figure au supplément au diplôme. "
                "Raccourcissez-le.",
                count,
            ) % {"count": count, "max": TITLE_MAX_WORDS},
            code="title_too_long",
        )
    if count == 0:
        raise ValidationError(_("Le titre du PFE est vide : donnez-lui un titre de 10 mots au plus."), code="title_empty")
