"""The fiche « Avant PFE » as a form (shape only): one radio group per
criterion of ``criteria.CRITERIA``, an optional comment each, the overall
comment and the grade; ``services.appraisal_fill`` checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grading.s9.forms import grade_field

from .criteria import COMMENT_MAX, CRITERIA, LEVELS
from .services import field_name


class AppraisalLinkForm(forms.Form):
    overall_comment = forms.CharField(
        label=_("Appréciation générale"), required=False, max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("L'appréciation générale dépasse %(limit_value)s caractères.")})
    grade = grade_field(_("Note proposée, sur 20"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = []
        for key, label, hint in CRITERIA:
            level = forms.ChoiceField(
                label=label, choices=LEVELS, widget=forms.RadioSelect, help_text=hint,
                error_messages={"required": _("Choisissez un niveau pour « %(c)s ».") % {"c": label},
                                "invalid_choice": _("Choisissez un des niveaux proposés.")})
            comment = forms.CharField(
                label=_("Commentaire (facultatif)"), required=False, max_length=COMMENT_MAX,
                widget=forms.Textarea(attrs={"rows": 2}),
                error_messages={"max_length": _("Ce commentaire dépasse %(limit_value)s caractères.")})
            self.fields[field_name(key)] = level
            self.fields[f"comment_{key}"] = comment
            self.criteria.append({"key": key, "label": label, "hint": hint})

    def criterion_fields(self):
        """``[(criterion, level bound field, comment bound field)]`` in the fiche's order."""
        return [(c, self[field_name(c["key"])], self[f"comment_{c['key']}"]) for c in self.criteria]

    @classmethod
    def initial_from(cls, appraisal):
        if appraisal is None:
            return {}
        initial = {"overall_comment": appraisal.overall_comment, "grade": appraisal.grade}
        for key, answer in (appraisal.answers or {}).items():
            initial[field_name(key)] = answer.get("level", "")
            initial[f"comment_{key}"] = answer.get("comment", "")
        return initial
