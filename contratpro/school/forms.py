from django import forms

from .models import SchoolIdentity


class SchoolIdentityForm(forms.ModelForm):
    class Meta:
        model = SchoolIdentity
        exclude = ["updated_at"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "social_address": forms.Textarea(attrs={"rows": 3}),
        }

    def validate_unique(self):
        """Saving an existing year updates it (``school_save``)."""
