"""The certificats de réalisation (CERT-1, CERT-2): certificates, their batches and the batches' items."""

import django.db.models.deletion
import django.db.models.expressions
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("attendance", "0001_sessions_carnet"),
        ("conventions", "0012_certificate_kind"),
        ("students", "0009_student_identity"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CertificateBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('s9', 'Fin du semestre 9'), ('fin', 'Fin du contrat'), ('rupture', 'Rupture du contrat')], max_length=8, verbose_name='période')),
                ('state', models.CharField(choices=[('attente', 'En attente'), ('en_cours', 'En cours'), ('termine', 'Terminé'), ('echecs', 'Terminé avec des échecs')], default='attente', max_length=10, verbose_name='état')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='certificats demandés')),
                ('done', models.PositiveIntegerField(default=0, verbose_name='certificats émis')),
                ('failed', models.PositiveIntegerField(default=0, verbose_name='échecs')),
                ('requested_at', models.DateTimeField(auto_now_add=True, verbose_name='demandé le')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='terminé le')),
                ('dossier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='conventions.dossier', verbose_name='dossier seul')),
                ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='demandé par')),
                ('year', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificate_batches', to='students.academicyear', verbose_name='année')),
            ],
            options={
                'verbose_name': 'lot de certificats',
                'verbose_name_plural': 'lots de certificats',
                'ordering': ('-requested_at', '-pk'),
            },
        ),
        migrations.CreateModel(
            name='Certificate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('s9', 'Fin du semestre 9'), ('fin', 'Fin du contrat'), ('rupture', 'Rupture du contrat')], max_length=8, verbose_name='période')),
                ('version', models.PositiveSmallIntegerField(verbose_name='version')),
                ('period_start', models.DateField(verbose_name='du')),
                ('period_end', models.DateField(verbose_name='au')),
                ('minutes', models.PositiveIntegerField(verbose_name='minutes réalisées')),
                ('issued_at', models.DateTimeField(verbose_name='émis le')),
                ('code', models.CharField(max_length=12, unique=True, verbose_name='code de vérification')),
                ('content', models.JSONField(verbose_name='contenu certifié')),
                ('sha256', models.CharField(max_length=64, verbose_name='empreinte SHA-256')),
                ('document', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conventions.document', verbose_name='document')),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='certificates', to='conventions.dossier', verbose_name='dossier')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='émis par')),
                ('batch', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='certificates', to='attendance.certificatebatch', verbose_name='lot')),
            ],
            options={
                'verbose_name': 'certificat de réalisation',
                'verbose_name_plural': 'certificats de réalisation',
                'ordering': ('-issued_at', '-pk'),
            },
        ),
        migrations.CreateModel(
            name='CertificateBatchItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('attente', 'En attente'), ('fait', 'Émis'), ('echec', 'Échec')], default='attente', max_length=8, verbose_name='état')),
                ('error', models.TextField(blank=True, verbose_name='erreur')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='tentatives')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='attendance.certificatebatch', verbose_name='lot')),
                ('certificate', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='attendance.certificate', verbose_name='certificat')),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='conventions.dossier', verbose_name='dossier')),
            ],
            options={
                'verbose_name': "certificat d'un lot",
                'verbose_name_plural': "certificats d'un lot",
                'ordering': ('batch', 'pk'),
            },
        ),
        migrations.AddConstraint(
            model_name='certificatebatch',
            constraint=models.CheckConstraint(condition=models.Q(('done__lte', django.db.models.expressions.CombinedExpression(models.F('total'), '-', models.F('failed')))), name='certificate_batch_counts', violation_error_message='Un lot ne compte pas plus de certificats que demandés.'),
        ),
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.UniqueConstraint(fields=('dossier', 'kind', 'version'), name='certificate_version_unique', violation_error_message='Cette version du certificat existe déjà.'),
        ),
        migrations.AddConstraint(
            model_name='certificate',
            constraint=models.CheckConstraint(condition=models.Q(('period_start__lte', models.F('period_end'))), name='certificate_period_ordered', violation_error_message="La période d'un certificat finit après son début."),
        ),
        migrations.AddConstraint(
            model_name='certificatebatchitem',
            constraint=models.UniqueConstraint(fields=('batch', 'dossier'), name='certificate_batch_item_once', violation_error_message='Ce dossier figure déjà dans ce lot.'),
        ),
    ]
