"""Checks of the identifiers companies give us."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# La Poste's establishments share SIREN 356 000 000; their SIRET does not
# follow Luhn but has a digit sum that is a multiple of 5 (INSEE rule).
LA_POSTE_SIREN = "356000000"


def luhn_ok(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise_siret(value):
    return "".join((value or "").split())


def validate_siret(value):
    """A SIRET is 14 digits whose Luhn key is right (SIREN 356000000, La
    Poste, excepted: its digit sum is a multiple of 5)."""
    digits = normalise_siret(value)
    if len(digits) != 14 or not digits.isdigit():
        raise ValidationError(
            _("Un SIRET compte 14 chiffres (vous en avez saisi %(count)s).") % {"count": len(digits)},
            code="siret_length",
        )
    if digits.startswith(LA_POSTE_SIREN) and digits != LA_POSTE_SIREN + "00000":
        if sum(int(c) for c in digits) % 5 == 0:
            return
    if not luhn_ok(digits):
        raise ValidationError(
            _("Ce SIRET n'est pas valide : sa clé de contrôle ne correspond pas. Vérifiez-le sur l'avis de situation INSEE."),
            code="siret_key",
        )
