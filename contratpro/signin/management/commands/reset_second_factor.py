"""``manage.py reset_second_factor <login>``: forget a person's
authentication app (a lost or replaced phone, AUTH-2). At their next
sign-in they enrol a new one."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from contratpro.signin import otp


class Command(BaseCommand):
    help = "Efface l'application d'authentification d'une personne : elle en enregistre une nouvelle à sa prochaine connexion."

    def add_arguments(self, parser):
        parser.add_argument("login")

    def handle(self, *args, login, **options):
        user = get_user_model()._default_manager.filter(username=login).first()
        if user is None:
            raise CommandError(f"Aucun compte « {login} ».")
        count = otp.reset(user)
        self.stdout.write(f"{login} : {count} application(s) effacée(s) ; une nouvelle sera demandée à la prochaine connexion.")
