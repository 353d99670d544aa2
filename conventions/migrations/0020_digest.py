import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """The digests (issue 15, NOTIF-1): one claim per digest, person and period."""

    dependencies = [
        ('conventions', '0019_billing_followup'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DigestClaim',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('weekly', 'récapitulatif de la semaine'), ('daily', 'récapitulatif du jour')], max_length=10, verbose_name='récapitulatif')),
                ('period', models.DateField(verbose_name='période du')),
                ('recipient', models.CharField(max_length=40, verbose_name='destinataire')),
                ('payload', models.JSONField(blank=True, default=dict, verbose_name='contenu')),
                ('notification_ids', models.JSONField(blank=True, default=list, verbose_name='notifications envoyées')),
                ('sweep', models.CharField(db_index=True, max_length=32, verbose_name='passage')),
                ('state', models.CharField(choices=[('claimed', 'à envoyer'), ('sending', "en cours d'envoi"), ('sent', 'envoyé'), ('failed', "échec de l'envoi"), ('cancelled', 'sans objet (plus rien à dire)')], default='claimed', max_length=10, verbose_name='état')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='tentatives')),
                ('error', models.CharField(blank=True, max_length=500, verbose_name='erreur')),
                ('claimed_at', models.DateTimeField(auto_now_add=True, verbose_name='réservé le')),
                ('lease_until', models.DateTimeField(blank=True, null=True, verbose_name="envoi réservé jusqu'au")),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='envoyé le')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='personne')),
            ],
            options={
                'verbose_name': 'récapitulatif envoyé',
                'verbose_name_plural': 'récapitulatifs envoyés',
                'ordering': ('-claimed_at', '-pk'),
                'indexes': [models.Index(fields=['state', 'updated_at'], name='digest_claim_state')],
                'constraints': [models.UniqueConstraint(fields=('kind', 'period', 'recipient'), name='digest_claim_once', violation_error_message='Ce récapitulatif est déjà prévu pour cette personne (NOTIF-1).'), models.CheckConstraint(condition=models.Q(models.Q(('recipient__startswith', 'user:'), ('user__isnull', False)), models.Q(('recipient', 'office'), ('user__isnull', True)), _connector='OR'), name='digest_claim_one_recipient', violation_error_message='Un récapitulatif va à une personne ou au service (NOTIF-1).')],
            },
        ),
    ]
