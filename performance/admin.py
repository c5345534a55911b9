from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Indicator, IndicatorValue


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "board", "partnership", "good_direction"]
    list_filter = ["good_direction", "board", "partnership"]
    search_fields = ["code", "title"]
    filter_horizontal = ["measures"]
    inlines = [IndicatorValueInline]
