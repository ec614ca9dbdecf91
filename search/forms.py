"""The search box and its filters, read from the query string."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from search import selectors
from search.text import MAX_QUERY_LENGTH

KIND_CHOICES = [
    ("", _("Everything")),
    (selectors.ARTICLE, _("Articles")),
    (selectors.SOURCE_COMMENT, _("Source comments")),
    (selectors.COMMENT, _("Reader comments")),
]
LANGUAGE_CHOICES = [("", _("Any language"))] + [
    (value, label) for value, label in Article.Language.choices if value != Article.Language.OTHER
]


class SearchForm(forms.Form):
    """Shown with what was asked (never bound, never invalid): an unknown filter value is
    dropped with a notice; the query itself is cleaned by search.text.parse."""

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_QUERY_LENGTH)
    type = forms.ChoiceField(label=_("Show"), choices=KIND_CHOICES, required=False)
    lang = forms.ChoiceField(label=_("Original language"), choices=LANGUAGE_CHOICES, required=False)

    def __init__(self, data):
        self.notices = []
        data = {key: data.get(key, "") for key in ("q", "type", "lang")}
        kinds = {value for value, _label in KIND_CHOICES}
        languages = {value for value, _label in LANGUAGE_CHOICES}
        if data["type"] not in kinds:
            self.notices.append(gettext("Unknown result type ignored: showing everything."))
            data["type"] = ""
        if data["lang"] not in languages:
            self.notices.append(gettext("Unknown language ignored: showing every language."))
            data["lang"] = ""
        self.raw_query = data["q"]
        super().__init__(initial=data)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Words, 내로남불, 内卷 …"), "autocomplete": "off"}
        )
