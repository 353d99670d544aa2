from django.apps import AppConfig


class SigninConfig(AppConfig):
    name = "contratpro.signin"
    label = "signin"
    verbose_name = "Connexion"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import checks, idle  # noqa: F401 (checks registers the deployment check)

        # Every login (the form, CAS, force_login in tests) starts the idle clock.
        user_logged_in.connect(idle.stamp_at_login, dispatch_uid="signin-idle-stamp")
