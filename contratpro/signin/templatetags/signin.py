"""``{% cas_login_url as url %}``: the CAS button's address on the login
page, or "" when the school's CAS is not configured (AUTH-1)."""

from django import template
from django.urls import reverse

from contratpro.signin.cas import cas_enabled

register = template.Library()


@register.simple_tag
def cas_login_url():
    return reverse("signin:cas-login") if cas_enabled() else ""
