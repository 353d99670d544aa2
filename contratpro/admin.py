from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + ((None, {"fields": ("phone",)}),)
    list_display = ("username", "last_name", "first_name", "email", "is_staff")
    search_fields = ("username", "last_name", "first_name", "email")
