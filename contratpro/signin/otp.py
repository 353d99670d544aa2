"""The second factor (AUTH-2): a TOTP device from django-otp for the office
and superusers (``roles.needs_second_factor``), enrolled once by scanning
a QR code, then a six-digit code after each password."""

from base64 import b32encode

import django_otp
import segno
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

DEVICE_NAME = "Application d'authentification"


def confirmed_devices(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True)


def has_device(user):
    return confirmed_devices(user).exists()


def enrolment_device(user):
    """The device being enrolled: the user's unconfirmed one, created once,
    so that reloading the page shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_in_groups(device):
    """The base32 secret in groups of four, for typing it by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device):
    """The device's ``otpauth://`` URL as an inline SVG (no style attribute:
    the Content-Security-Policy forbids inline styles)."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=4, title=_("QR code à scanner avec votre application d'authentification")
    )


@transaction.atomic
def confirm_enrolment(request, device, token):
    """A first valid code confirms the device and verifies this session."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    return True


def verify(request, token):
    """A code from one of the user's confirmed devices verifies this session
    (each device throttles repeated wrong codes)."""
    with transaction.atomic():
        for device in confirmed_devices(request.user).select_for_update():
            if device.verify_token(token):
                django_otp.login(request, device)
                return True
    return False


def reset(user):
    """Forget the user's devices (a lost phone): they enrol again at their
    next sign-in. Returns how many went."""
    count, _ = TOTPDevice.objects.filter(user=user).delete()
    return count
