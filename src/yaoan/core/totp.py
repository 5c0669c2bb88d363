"""TOTP devices through django-otp: enrolment by QR code, verification with replay
protection (django-otp refuses a time step already used) and throttling."""

from __future__ import annotations

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from yaoan.core.models import User


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled; created on first call, reused afterwards."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="TOTP", confirmed=False)
    return device


def provisioning_uri(device: TOTPDevice) -> str:
    # django-otp builds otpauth://totp/ISSUER:USERNAME?secret=...&issuer=...
    return str(device.config_url)


def qr_svg(uri: str) -> str:
    return str(segno.make(uri, error="m").svg_inline(scale=5, border=2))


def base32_secret(device: TOTPDevice) -> str:
    import base64

    return base64.b32encode(device.bin_key).decode()


def issuer() -> str:
    return str(settings.OTP_TOTP_ISSUER)
