from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from glossary.models import Term


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("term", "romanisation", "language", "definition", "updated_at")
    list_filter = ("language",)
    search_fields = ("term", "romanisation", "other_spellings", "definition")
    filter_horizontal = ("related",)
    prepopulated_fields = {"slug": ("romanisation",)}
    readonly_fields = ("updated_at",)
    fieldsets = (
        (None, {"fields": ("term", "romanisation", "other_spellings", "language", "slug")}),
        (_("Meaning"), {"fields": ("definition", "note", "related")}),
        (_("Changes"), {"fields": ("updated_at",)}),
    )
