from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RevokedSession',
            fields=[
                ('family', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('subject_type', fields.CharField(max_length=16)),
                ('subject_id', fields.IntField()),
                ('reason', fields.CharField(max_length=16)),
                ('revoked_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'revoked_session', 'app': 'core', 'pk_attr': 'family', 'table_description': 'A sign-in (a token family) that has ended: by logout or by reuse of a refresh'},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='RefreshToken',
            options={'table': 'refresh_token', 'app': 'core', 'pk_attr': 'jti', 'table_description': 'One refresh token, by its id. Rotated on use, revoked on logout. Every token a'},
        ),
        ops.AddField(
            model_name='RefreshToken',
            name='family',
            field=fields.CharField(null=True, db_index=True, max_length=64),
        ),
    ]
