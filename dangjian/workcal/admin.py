"""Admin pages for the calendar (the admin site is for superusers only, see dangjian/urls.py).

Saves and deletes go through the services, so every edit is validated and recorded.
"""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _

from dangjian.workcal import services
from dangjian.workcal.models import CalendarDay, CalendarYear


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "is_workday", "name", "source"]

    def clean(self):
        data = super().clean()
        day = self.instance.date if self.instance.pk else data.get("date")
        if day is None:
            return data
        errors = services.calendar_day_errors(
            day=day, is_workday=data.get("is_workday", False), name=data.get("name") or "",
            source=data.get("source") or "",
        )  # fmt: skip
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    form = CalendarDayForm
    list_display = ["date", "is_workday", "name", "source", "updated_by", "updated_at"]
    list_filter = ["is_workday"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"
    readonly_fields = ["updated_by", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        # The date identifies the override: to move it, delete this row and add another.
        return [*self.readonly_fields, "date"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = services.calendar_day_set(
            actor=request.user, day=obj.date, is_workday=obj.is_workday, name=obj.name, source=obj.source
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.calendar_day_clear(actor=request.user, day=obj.date)

    def delete_queryset(self, request, queryset):
        for day in queryset.values_list("date", flat=True):
            services.calendar_day_clear(actor=request.user, day=day)


class CalendarYearForm(forms.ModelForm):
    class Meta:
        model = CalendarYear
        fields = ["year", "complete", "source"]

    def clean(self):
        data = super().clean()
        year = self.instance.year if self.instance.pk else data.get("year")
        if not self.instance.pk and not data.get("complete"):
            self.add_error("complete", _("新建年度时请勾选“已完整录入”：录入节假日调整后再标记该年度。"))
        elif year is not None and data.get("complete"):
            errors = services.calendar_year_errors(year=year, source=data.get("source") or "")
            for field, messages in errors.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    form = CalendarYearForm
    list_display = ["year", "complete", "source", "updated_by", "updated_at"]
    readonly_fields = ["updated_by", "updated_at"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "year"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if obj.complete:
            saved = services.calendar_year_mark_complete(actor=request.user, year=obj.year, source=obj.source)
        else:
            saved = services.calendar_year_mark_incomplete(actor=request.user, year=obj.year)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False  # untick 已完整录入 instead
