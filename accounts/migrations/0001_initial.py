# Invitations moved from the boards app to accounts: the table stays (boards_invitation),
# only Django's record of which app owns the model changes.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Keep the admin permissions and log entries of invitations: the content type moves
    with the model instead of a new one being made."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="accounts", model="invitation").exists():
        ContentType.objects.filter(app_label="boards", model="invitation").update(app_label="accounts")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="boards", model="invitation").exists():
        ContentType.objects.filter(app_label="accounts", model="invitation").update(app_label="boards")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('boards', '0005_move_invitation_to_accounts'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Invitation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('email', models.EmailField(help_text='Stored lower-cased.', max_length=254)),
                        ('role', models.CharField(choices=[('manager', 'Manager'), ('chair', 'Chair'), ('member', 'Member'), ('executive', 'Executive')], max_length=20)),
                        ('job_title', models.CharField(blank=True, help_text='Copied to the membership on acceptance.', max_length=200)),
                        ('token_hash', models.CharField(help_text='SHA-256 of the token in the link.', max_length=64, unique=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('sent_at', models.DateTimeField(help_text='When the latest e-mail was sent (resending renews the link).')),
                        ('expires_at', models.DateTimeField()),
                        ('accepted_at', models.DateTimeField(blank=True, null=True)),
                        ('revoked_at', models.DateTimeField(blank=True, null=True)),
                        ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='invitations_accepted', to=settings.AUTH_USER_MODEL)),
                        ('board', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invitations', to='boards.board')),
                        ('invited_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='invitations_sent', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'boards_invitation',
                        'ordering': ['board', '-created_at'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('accepted_at__isnull', True), ('revoked_at__isnull', True)), fields=('board', 'email'), name='invitation_one_pending_per_board_and_email'), models.CheckConstraint(condition=models.Q(('role__in', ['manager', 'chair', 'member', 'executive'])), name='invitation_role_valid'), models.CheckConstraint(condition=models.Q(('accepted_at__isnull', True), ('revoked_at__isnull', True), _connector='OR'), name='invitation_not_both_accepted_and_revoked')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
