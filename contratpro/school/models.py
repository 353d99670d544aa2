"""The school's identity (DOC-11): one row per academic start year where it
changes; the latest row whose year is at most the dossier's applies."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_siret(value):
    """14 digits whose Luhn sum is a multiple of 10 (INSEE's key)."""
    digits = value.replace(" ", "")
    if not (len(digits) == 14 and digits.isdigit()):
        raise ValidationError(_("Un SIRET compte 14 chiffres."))
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    if total % 10:
        raise ValidationError(_("Ce SIRET n'est pas valide : vérifiez les 14 chiffres."))


def vat_compact(value):
    """« FR 40 303 265 045 » → « FR40303265045 »: the number as invoices print it."""
    return "".join(value.split()).upper().replace(".", "").replace("-", "")


def validate_vat_number(value):
    """DOC-11, BILL-6: a French intra-community VAT number: FR, a key of two
    digits, the SIREN (its key checked: python-stdnum's ``fr.tva``)."""
    from stdnum.exceptions import ValidationError as NumberError
    from stdnum.fr import tva

    number = vat_compact(value)
    if not (len(number) == 13 and number.startswith("FR") and number[2:].isdigit()):
        raise ValidationError(_("Un numéro de TVA intracommunautaire français s'écrit FR, deux chiffres de clé puis les 9 chiffres du SIREN."))
    try:
        tva.validate(number)
    except NumberError:
        raise ValidationError(_("Ce numéro de TVA intracommunautaire n'est pas valide : vérifiez la clé et le SIREN.")) from None


class SchoolIdentity(models.Model):
    valid_from_year = models.PositiveSmallIntegerField(
        _("à partir de l'année universitaire"), unique=True,
        help_text=_("Année de rentrée (2026 pour 2026-2027) à partir de laquelle ces informations s'appliquent."),
    )
    name = models.CharField(_("nom de l'école"), max_length=200, blank=True)
    legal_name = models.CharField(_("dénomination officielle"), max_length=300, blank=True)
    siret = models.CharField(_("SIRET"), max_length=20, blank=True, validators=[validate_siret])
    vat_number = models.CharField(
        _("numéro de TVA intracommunautaire"), max_length=20, blank=True, validators=[validate_vat_number],
        help_text=_("FR, deux chiffres de clé et le SIREN, par exemple FR40 303 265 045 ; il figure sur les factures."),
    )
    nda = models.CharField(_("numéro de déclaration d'activité"), max_length=30, blank=True)
    nda_region = models.CharField(_("région qui a enregistré la déclaration"), max_length=100, blank=True)
    address = models.TextField(_("adresse postale"), blank=True, help_text=_("Une ligne par ligne d'adresse."))
    place = models.CharField(_("lieu de signature"), max_length=100, blank=True, help_text=_("« Fait à … »"))
    signatory_name = models.CharField(_("nom du signataire"), max_length=200, blank=True)
    signatory_capacity = models.CharField(
        _("qualité du signataire"), max_length=200, blank=True,
        help_text=_("Telle qu'elle s'imprime, par exemple « Directrice générale »."),
    )
    social_name = models.CharField(_("service social : contact"), max_length=200, blank=True)
    social_email = models.EmailField(_("service social : e-mail"), blank=True)
    social_address = models.TextField(_("service social : adresse"), blank=True)
    office_email = models.EmailField(_("service Contrats pro : e-mail"), blank=True)
    office_phone = models.CharField(_("service Contrats pro : téléphone"), max_length=30, blank=True)
    mailbox = models.EmailField(_("boîte aux lettres commune"), blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        ordering = ["-valid_from_year"]
        verbose_name = _("identité de l'école")
        verbose_name_plural = _("identités de l'école")

    def __str__(self):
        return f"{self.name} ({self.valid_from_year})"

    def clean(self):
        """DOC-11: the VAT number ends with the school's SIREN (its SIRET's first 9 digits)."""
        super().clean()
        siret = "".join(self.siret.split())
        number = vat_compact(self.vat_number)
        if siret and len(number) == 13 and number[4:] != siret[:9]:
            raise ValidationError({"vat_number": _(
                "Ce numéro de TVA ne correspond pas au SIREN de l'école (%(siren)s, les 9 premiers chiffres du SIRET)."
            ) % {"siren": siret[:9]}})

    @property
    def vat_id(self):
        """The VAT number without spaces (« FR40303265045 »), or ''."""
        return vat_compact(self.vat_number)

    def address_lines(self):
        return [line.strip() for line in self.address.splitlines() if line.strip()]

    def social_address_lines(self):
        return [line.strip() for line in self.social_address.splitlines() if line.strip()]
