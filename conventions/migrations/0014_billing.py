import conventions.billing.models
import conventions.documents.models
import django.db.models.deletion
import django.db.models.expressions
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    """Invoices, credit notes, their yearly counter, payments, the funding
    agreement and the bulk-issue batches (BILL-1…6)."""

    dependencies = [
        ("conventions", "0013_incident_confirmation"),
        ('students', '0009_student_identity'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='InvoiceCounter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('series_year', models.PositiveSmallIntegerField(unique=True, verbose_name='année de la série')),
                ('last', models.PositiveIntegerField(default=0, verbose_name='dernier numéro')),
                ('last_date', models.DateField(blank=True, null=True, verbose_name='date du dernier numéro')),
            ],
            options={
                'verbose_name': 'compteur de factures',
                'verbose_name_plural': 'compteurs de factures',
            },
        ),
        migrations.CreateModel(
            name='Invoice',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(choices=[('s9', 'Semestre 9'), ('solde', 'Solde : semestre 10 et PFE')], max_length=8, verbose_name='période')),
                ('kind', models.CharField(choices=[('facture', 'Facture'), ('avoir', 'Avoir')], default='facture', max_length=8, verbose_name='nature')),
                ('addressee', models.CharField(choices=[('entreprise', 'Entreprise'), ('opco', 'OPCO (subrogation)')], default='entreprise', max_length=10, verbose_name='destinataire')),
                ('client_name', models.CharField(max_length=200, verbose_name='client')),
                ('client_siret', models.CharField(blank=True, max_length=14, verbose_name='SIRET du client')),
                ('client_address', models.TextField(blank=True, verbose_name='adresse du client')),
                ('opco_named', models.CharField(blank=True, max_length=200, verbose_name='OPCO financeur')),
                ('order_reference', models.CharField(blank=True, max_length=60, verbose_name='référence de commande du client')),
                ('description', models.CharField(max_length=300, verbose_name='désignation')),
                ('service_start', models.DateField(verbose_name='période du')),
                ('service_end', models.DateField(verbose_name='période au')),
                ('hours', models.PositiveIntegerField(verbose_name='heures de formation')),
                ('amount_ht', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='montant HT (€)')),
                ('vat_amount', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=10, verbose_name='TVA (€)')),
                ('amount_ttc', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='montant TTC (€)')),
                ('reason', models.TextField(blank=True, verbose_name="motif de l'avoir")),
                ('state', models.CharField(choices=[('brouillon', 'Brouillon'), ('emise', 'Émise'), ('payee', 'Payée')], default='brouillon', max_length=10, verbose_name='état')),
                ('series_year', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='année de la série')),
                ('sequence', models.PositiveIntegerField(blank=True, null=True, verbose_name='rang dans la série')),
                ('number', models.CharField(blank=True, max_length=12, null=True, unique=True, verbose_name='numéro')),
                ('issue_date', models.DateField(blank=True, null=True, verbose_name="date d'émission")),
                ('due_date', models.DateField(blank=True, null=True, verbose_name='échéance')),
                ('paid_on', models.DateField(blank=True, null=True, verbose_name='soldée le')),
                ('file', models.FileField(blank=True, max_length=200, storage=conventions.documents.models.private_storage, upload_to=conventions.billing.models.invoice_path, verbose_name='fichier')),
                ('sha256', models.CharField(blank=True, max_length=64, verbose_name='empreinte SHA-256')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='envoyée le')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='créée le')),
                ('corrects', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='credit_notes', to='conventions.invoice', verbose_name='facture corrigée')),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='conventions.dossier', verbose_name='dossier')),
                ('issued_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='émise par')),
                ('year', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invoices', to='students.academicyear', verbose_name='année')),
            ],
            options={
                'verbose_name': 'facture',
                'verbose_name_plural': 'factures',
                'ordering': ('-series_year', '-sequence', '-pk'),
            },
        ),
        migrations.CreateModel(
            name='InvoiceBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('period', models.CharField(choices=[('s9', 'Semestre 9'), ('solde', 'Solde : semestre 10 et PFE')], max_length=8, verbose_name='période')),
                ('state', models.CharField(choices=[('attente', 'En attente'), ('en_cours', 'En cours'), ('termine', 'Terminé'), ('echecs', 'Terminé avec des échecs')], default='attente', max_length=10, verbose_name='état')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='dossiers')),
                ('done', models.PositiveIntegerField(default=0, verbose_name='dossiers facturés')),
                ('failed', models.PositiveIntegerField(default=0, verbose_name='échecs')),
                ('send', models.BooleanField(default=True, verbose_name='envoyer par e-mail')),
                ('requested_at', models.DateTimeField(auto_now_add=True, verbose_name='demandé le')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='terminé le')),
                ('requested_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='demandé par')),
                ('year', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invoice_batches', to='students.academicyear', verbose_name='année')),
            ],
            options={
                'verbose_name': 'lot de factures',
                'verbose_name_plural': 'lots de factures',
                'ordering': ('-requested_at', '-pk'),
            },
        ),
        migrations.CreateModel(
            name='InvoiceBatchItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('attente', 'En attente'), ('fait', 'Facturé'), ('echec', 'Échec')], default='attente', max_length=8, verbose_name='état')),
                ('error', models.TextField(blank=True, verbose_name='erreur')),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='items', to='conventions.invoicebatch', verbose_name='lot')),
                ('dossier', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='conventions.dossier', verbose_name='dossier')),
            ],
            options={
                'verbose_name': "dossier d'un lot de factures",
                'verbose_name_plural': "dossiers d'un lot de factures",
                'ordering': ('batch', 'pk'),
            },
        ),
        migrations.CreateModel(
            name='Payment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('received_on', models.DateField(verbose_name='reçu le')),
                ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='montant (€)')),
                ('reference', models.CharField(blank=True, max_length=100, verbose_name='référence (virement, chèque)')),
                ('recorded_at', models.DateTimeField(auto_now_add=True, verbose_name='enregistré le')),
                ('invoice', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='payments', to='conventions.invoice', verbose_name='facture')),
                ('recorded_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='enregistré par')),
            ],
            options={
                'verbose_name': 'paiement',
                'verbose_name_plural': 'paiements',
                'ordering': ('invoice', 'received_on', 'pk'),
            },
        ),
        migrations.CreateModel(
            name='BillingAgreement',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('funded', models.BooleanField(default=True, verbose_name="financé par l'OPCO")),
                ('subrogation', models.BooleanField(default=False, verbose_name="subrogation de paiement à l'OPCO")),
                ('opco_name', models.CharField(blank=True, max_length=200, verbose_name='OPCO')),
                ('opco_siret', models.CharField(blank=True, max_length=14, verbose_name="SIRET de l'OPCO")),
                ('opco_address', models.TextField(blank=True, help_text="Une ligne par ligne d'adresse.", verbose_name="adresse de l'OPCO")),
                ('opco_reference', models.CharField(blank=True, max_length=60, verbose_name='n° de dossier de prise en charge')),
                ('hourly_rate', models.DecimalField(blank=True, decimal_places=2, max_digits=7, null=True, verbose_name='taux horaire pris en charge (€)')),
                ('fixed_amount', models.DecimalField(blank=True, decimal_places=2, max_digits=9, null=True, verbose_name="montant forfaitaire pris en charge pour l'année (€)")),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='modifié le')),
                ('dossier', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='billing_agreement', to='conventions.dossier', verbose_name='dossier')),
                ('updated_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='modifié par')),
            ],
            options={
                'verbose_name': 'prise en charge',
                'verbose_name_plural': 'prises en charge',
                'constraints': [models.CheckConstraint(condition=models.Q(('subrogation', False), models.Q(('funded', True), models.Q(('hourly_rate__isnull', False), ('fixed_amount__isnull', False), _connector='XOR')), _connector='OR'), name='billing_agreement_subrogation_amount', violation_error_message="Sous subrogation, indiquez soit un taux horaire, soit un montant forfaitaire pris en charge par l'OPCO (BILL-5)."), models.CheckConstraint(condition=models.Q(models.Q(('hourly_rate__isnull', True), ('hourly_rate__gte', 0), _connector='OR'), models.Q(('fixed_amount__isnull', True), ('fixed_amount__gte', 0), _connector='OR')), name='billing_agreement_amounts_positive', violation_error_message="Une prise en charge n'est pas négative (BILL-5).")],
            },
        ),
        migrations.AddIndex(
            model_name='invoice',
            index=models.Index(fields=['year', 'state', 'period'], name='invoice_year_state'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.UniqueConstraint(fields=('series_year', 'sequence'), name='invoice_number_once', violation_error_message='Ce numéro de facture existe déjà (BILL-4).'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('issue_date__isnull', True), ('number__isnull', True), ('sequence__isnull', True), ('state', 'brouillon')), models.Q(models.Q(('state', 'brouillon'), _negated=True), ('due_date__isnull', False), ('issue_date__isnull', False), ('number__isnull', False), ('sequence__isnull', False)), _connector='OR'), name='invoice_number_when_issued', violation_error_message='Une facture reçoit son numéro à son émission, et seulement alors (BILL-4).'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.CheckConstraint(condition=models.Q(('amount_ttc', django.db.models.expressions.CombinedExpression(models.F('amount_ht'), '+', models.F('vat_amount'))), ('amount_ht__gte', 0), ('vat_amount__gte', 0)), name='invoice_totals_add_up', violation_error_message='Le total TTC est le montant HT plus la TVA, tous positifs.'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'avoir'), ('corrects__isnull', False)), models.Q(('kind', 'facture'), ('corrects__isnull', True)), _connector='OR'), name='invoice_credit_note_corrects', violation_error_message='Un avoir corrige une facture, et une facture ne corrige rien (BILL-4).'),
        ),
        migrations.AddConstraint(
            model_name='invoice',
            constraint=models.CheckConstraint(condition=models.Q(('service_start__lte', models.F('service_end'))), name='invoice_service_period_ordered', violation_error_message='La période facturée finit après son début.'),
        ),
        migrations.AddConstraint(
            model_name='invoicebatch',
            constraint=models.CheckConstraint(condition=models.Q(('done__lte', django.db.models.expressions.CombinedExpression(models.F('total'), '-', models.F('failed')))), name='invoice_batch_counts', violation_error_message='Un lot ne compte pas plus de dossiers que demandés.'),
        ),
        migrations.AddConstraint(
            model_name='invoicebatchitem',
            constraint=models.UniqueConstraint(fields=('batch', 'dossier'), name='invoice_batch_item_once', violation_error_message='Ce dossier figure déjà dans ce lot.'),
        ),
        migrations.AddConstraint(
            model_name='payment',
            constraint=models.CheckConstraint(condition=models.Q(('amount__gt', 0)), name='payment_amount_positive', violation_error_message="Un paiement est d'un montant positif."),
        ),
    ]
