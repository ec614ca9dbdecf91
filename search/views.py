from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_safe

from core.http import parse_page
from search.forms import SearchForm
from search.results import search
from search.text import MAX_QUERY_LENGTH, parse


@require_safe
def results(request):
    """Show the search box, and the results when there is a query."""
    form = SearchForm(request.GET)
    query = parse(form.raw_query)
    notices = list(form.notices)
    if query.shortened:
        notices.append(
            ngettext(
                "Searches are cut to their first {n} character.",
                "Searches are cut to their first {n} characters.",
                MAX_QUERY_LENGTH,
            ).format(n=MAX_QUERY_LENGTH)
        )
    page, message = None, ""
    if not query.text:
        message = gettext("Type words to search articles, source comments and reader comments.")
    elif not query.is_searchable():
        message = gettext(
            "Nothing to search for in “{query}”: type at least one letter, number or "
            "Korean, Chinese or Japanese character."
        ).format(query=query.text)
    else:
        page = search(
            query,
            kind=form.initial["type"] or None,
            language=form.initial["lang"] or None,
            page=parse_page(request.GET.get("page")),
        )
        if not page.total:
            message = gettext("No results for “{query}”.").format(query=query.text)
    asked = {"q": query.text, "type": form.initial["type"], "lang": form.initial["lang"]}
    context = {
        "form": form,
        "query": query,
        "page": page,
        "message": message,
        "notices": notices,
        # The query string of this search without its page, for the page links.
        "page_query": urlencode({k: v for k, v in asked.items() if v}),
    }
    return render(request, "search/results.html", context)
