from django.db import migrations, models


class Migration(migrations.Migration):
    """Billing's follow-up (issue 16): the OPCO's e-mail address on the
    funding agreement, where its invoices under subrogation are mailed (BILL-5)."""

    dependencies = [
        ('conventions', '0018_feeds'),
    ]

    operations = [
        migrations.AddField(
            model_name='billingagreement',
            name='opco_email',
            field=models.EmailField(blank=True, help_text="Sous subrogation, la facture de l'OPCO y est envoyée avec le certificat de réalisation.", max_length=254, verbose_name="adresse e-mail de l'OPCO pour ses factures"),
        ),
    ]
