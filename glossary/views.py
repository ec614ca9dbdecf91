from django.shortcuts import render
from django.views.decorators.http import require_safe

from glossary.pages import glossary_sections


@require_safe
def index(request):
    return render(request, "glossary/index.html", {"sections": glossary_sections()})
