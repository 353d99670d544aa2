"""AUTH-1: in production the links mailed without a request (invitations)
point to the portal's public HTTPS address: ``check --deploy`` warns while
CONTRATPRO_PUBLIC_URL is the development default or not https."""

import pytest
from django.core import checks
from django.test import override_settings


def deploy_warnings():
    return [message.id for message in checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
            if message.id == "signin.W001"]


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000", "http://contrats-pro.mines-ales.fr", "https://", ""])
def test_auth_1_deploy_check_warns_on_a_public_url_that_is_not_the_portal_s(url):
    """AUTH-1: with DEBUG off, the default, an http or an empty address is
    reported (``check --deploy --fail-level WARNING`` fails on it)."""
    with override_settings(DEBUG=False, CONTRATPRO_PUBLIC_URL=url):
        assert deploy_warnings() == ["signin.W001"]


def test_auth_1_deploy_check_accepts_the_public_https_address():
    """AUTH-1: the public HTTPS address passes; the demo (DEBUG) is never
    warned about its local address."""
    with override_settings(DEBUG=False, CONTRATPRO_PUBLIC_URL="https://contrats-pro.mines-ales.fr"):
        assert deploy_warnings() == []
    with override_settings(DEBUG=True, CONTRATPRO_PUBLIC_URL="http://127.0.0.1:8000"):
        assert deploy_warnings() == []
