import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Each person's calendar feed (issue 15): the digest of its address's
    token, at most one active address per person."""

    dependencies = [
        ('conventions', '0017_mailtexts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CalendarFeed',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('token_hash', models.CharField(editable=False, max_length=64, unique=True, verbose_name="empreinte de l'adresse")),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='créée le')),
                ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='désactivée le')),
                ('last_read_at', models.DateTimeField(blank=True, null=True, verbose_name='dernière lecture')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='calendar_feeds', to=settings.AUTH_USER_MODEL, verbose_name='personne')),
            ],
            options={
                'verbose_name': 'agenda',
                'verbose_name_plural': 'agendas',
                'ordering': ('-created_at',),
                'constraints': [models.UniqueConstraint(condition=models.Q(('revoked_at__isnull', True)), fields=('user',), name='feeds_one_active_feed_per_user', violation_error_message="Cette personne a déjà une adresse d'agenda active (NOTIF-1).")],
            },
        ),
    ]
