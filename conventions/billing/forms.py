"""Forms of billing: shapes only, the rules are in ``services``."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from students.models import AcademicYear, Department

from .models import BillingAgreement, Invoice


class FilterForm(forms.Form):
    """The list's filters (all optional)."""

    year = forms.ModelChoiceField(label=_("Année"), queryset=AcademicYear.objects.all(), required=False,
                                  empty_label=_("Toutes"))
    state = forms.ChoiceField(label=_("État"), required=False, choices=[("", _("Tous"))] + Invoice.State.choices)
    period = forms.ChoiceField(label=_("Période"), required=False, choices=[("", _("Toutes"))] + Invoice.Period.choices)
    overdue = forms.BooleanField(label=_("En retard de paiement seulement"), required=False)


class BatchForm(forms.Form):
    """BILL-2: a year's period, for its dossiers (of one department, or all)."""

    year = forms.ModelChoiceField(label=_("Année"), queryset=AcademicYear.objects.all(), empty_label=None)
    period = forms.ChoiceField(label=_("Période"), choices=Invoice.Period.choices)
    department = forms.ModelChoiceField(label=_("Département"), queryset=Department.objects.all(), required=False,
                                        empty_label=_("Tous les départements"))
    send = forms.BooleanField(label=_("Envoyer chaque facture par e-mail au contact de l'entreprise"), required=False,
                              initial=True)

    def __init__(self, *args, **kwargs):
        # Its own ids: the list's filters, on the same page, have a year and a period too.
        kwargs.setdefault("auto_id", "lot_%s")
        super().__init__(*args, **kwargs)


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Période"), choices=Invoice.Period.choices)


class PaymentForm(forms.Form):
    received_on = forms.DateField(label=_("Reçu le"), initial=timezone.localdate,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    amount = forms.DecimalField(label=_("Montant (€)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    reference = forms.CharField(label=_("Référence (virement, chèque)"), max_length=100, required=False)


class CreditNoteForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Montant de l'avoir (€)"), max_digits=10, decimal_places=2, min_value=Decimal("0.01"), required=False,
        help_text=_("Laissez vide pour annuler tout ce qui reste de la facture."),
    )
    reason = forms.CharField(label=_("Motif"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        # Its own ids: the payment's form, on the same page, has an amount too.
        kwargs.setdefault("auto_id", "avoir_%s")
        super().__init__(*args, **kwargs)


class AgreementForm(forms.ModelForm):
    class Meta:
        model = BillingAgreement
        fields = ("funded", "subrogation", "opco_name", "opco_siret", "opco_address", "opco_email", "opco_reference",
                  "hourly_rate", "fixed_amount")
        widgets = {"opco_address": forms.Textarea(attrs={"rows": 3})}
