from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from articles.models import SourceComment
from core.text import validate_plain_text
from discussions.mentions import MENTION_LIMIT, mention_names
from discussions.models import MAX_BODY_LENGTH, PolicyRule


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_BODY_LENGTH}),
        max_length=MAX_BODY_LENGTH,
        error_messages={
            "required": _("Write something before posting: the comment is empty."),
            "max_length": _(
                "A comment can be at most %(limit_value)d characters long "
                "(this one has %(show_value)d)."
            ),
            "null_characters_not_allowed": _("Remove the NUL characters from the comment."),
        },
        help_text=_(
            "Plain text. *emphasis*, **strong**, [links](https://…), > quotes, `code`, "
            "- lists, 1. numbered lists and @username mentions work."
        ),
    )
    parent = forms.CharField(required=False, widget=forms.HiddenInput)
    # The id of the article's source comment this comment answers ("Reply to this").
    source_comment = forms.CharField(required=False, widget=forms.HiddenInput)
    # A honeypot: hidden from people (and screen readers); bots that fill it are dropped.
    website = forms.CharField(required=False)

    def __init__(self, *args, article=None, quoted=None, **kwargs):
        """article: the article posted to, whose source comments alone may be quoted;
        quoted: the source comment an empty form starts out quoting."""
        super().__init__(*args, **kwargs)
        self.article = article
        # The source comment the form shows quoted and posts (its hidden field).
        self.quoted = quoted

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_body(self):
        body = self.cleaned_data["body"]
        validate_plain_text(body)
        if not body.strip():
            raise forms.ValidationError(
                self.fields["body"].error_messages["required"], code="required"
            )
        mentioned = len(mention_names(body))
        if mentioned > MENTION_LIMIT:
            raise forms.ValidationError(
                ngettext(
                    "A comment can mention at most {limit} person (this one mentions {count}).",
                    "A comment can mention at most {limit} people (this one mentions {count}).",
                    MENTION_LIMIT,
                ).format(limit=MENTION_LIMIT, count=mentioned),
                code="too_many_mentions",
            )
        return body

    def clean_parent(self):
        value = (self.cleaned_data.get("parent") or "").strip()
        if not value:
            return None
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise forms.ValidationError(
                _("The comment you are replying to is not a valid comment number."),
                code="bad_parent",
            )
        return int(value)

    def clean_source_comment(self):
        """Return the quoted SourceComment of this article, or None."""
        value = (self.cleaned_data.get("source_comment") or "").strip()
        if not value:
            return None
        found = None
        if value.isascii() and value.isdigit() and len(value) <= 18 and self.article is not None:
            found = SourceComment.objects.filter(pk=int(value), article=self.article).first()
        if found is None:
            raise forms.ValidationError(
                _("The source comment you are replying to is not one of this article's."),
                code="bad_source_comment",
            )
        self.quoted = found
        return found


class EditForm(forms.Form):
    body = CommentForm.base_fields["body"]

    clean_body = CommentForm.clean_body


class FlagForm(forms.Form):
    rule = forms.ModelChoiceField(
        queryset=PolicyRule.objects.all(),
        to_field_name="number",
        label=_("Which rule does it break?"),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the Comment Policy's rules.")},
    )
    note = forms.CharField(
        label=_("Anything the moderators should know? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_note(self):
        note = self.cleaned_data["note"]
        validate_plain_text(note)
        return note
