"""The Article admin form's "Correction" part: saving an article with a correction note
records a public correction on the revision that save makes (articles/admin.py uses these)."""

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from core.text import validate_plain_text
from translations.models import CORRECTION_MAX_LENGTH, TranslationReport
from translations.services import correction_record

CORRECTION_FIELDS = ("correction_note", "correction_reports")
CORRECTION_PERMISSION = "translations.add_correction"
# The length of django-simple-history's history_change_reason column.
CHANGE_REASON_LENGTH = 100


class AcceptedReportsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return _("#{id}: “{quote}” → “{suggestion}”").format(
            id=obj.pk, quote=obj.quote[:120], suggestion=obj.suggestion[:120]
        )


class ArticleCorrectionForm(forms.ModelForm):
    """The base of the Article admin form: two fields that are not the article's."""

    correction_note = forms.CharField(
        label=_("Correction note"),
        required=False,
        max_length=CORRECTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": CORRECTION_MAX_LENGTH}),
        help_text=_(
            "Fill this in only when this save corrects the translation: what changed, in a "
            "sentence readers understand. It is shown at the article's foot as “Corrected on "
            "<date>: …” and in the public corrections log. Leave it empty for other edits."
        ),
    )
    correction_reports = AcceptedReportsField(
        queryset=TranslationReport.objects.none(),
        required=False,
        label=_("Reports it resolves"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Accepted readers' reports of this article; their reporters are told."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["correction_reports"].queryset = (
                TranslationReport.objects.filter(
                    article=self.instance, status=TranslationReport.Status.ACCEPTED
                )
                .exclude(corrections__isnull=False)
                .order_by("created_at", "pk")
            )

    def clean_correction_note(self):
        note = self.cleaned_data["correction_note"]
        validate_plain_text(note)
        return note

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("correction_reports") and not cleaned.get("correction_note"):
            self.add_error(
                "correction_note",
                forms.ValidationError(
                    _("Say what the correction changed, or untick the reports it resolves."),
                    code="correction_note_missing",
                ),
            )
        return cleaned


class CorrectionAdminMixin:
    """For the Article admin: a "Correction" fieldset on an existing article's page, for staff
    who may record corrections, and the correction recorded when the form is saved with a
    note. Saving without a note records none."""

    def may_correct(self, request, obj) -> bool:
        return (
            obj is not None and obj.pk is not None and request.user.has_perm(CORRECTION_PERMISSION)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        shown = set(flatten_fieldsets(fieldsets))
        if self.may_correct(request, obj) and not shown.intersection(CORRECTION_FIELDS):
            fieldsets.append(
                (
                    _("Correction"),
                    {
                        "fields": CORRECTION_FIELDS,
                        "description": _(
                            "A correction is recorded on the revision this save makes."
                        ),
                    },
                )
            )
        return fieldsets

    def save_model(self, request, obj, form, change):
        note = form.cleaned_data.get("correction_note")
        correcting = bool(change and note and self.may_correct(request, obj))
        if correcting:
            # The revision's own change reason (django-simple-history) names the correction.
            obj._change_reason = Truncator(note).chars(CHANGE_REASON_LENGTH)
        super().save_model(request, obj, form, change)
        if correcting:
            correction_record(
                article=obj,
                editor=request.user,
                text=note,
                reports=form.cleaned_data.get("correction_reports") or (),
            )
