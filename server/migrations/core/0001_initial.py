from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from server.models.people import Role
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='AuditLog',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('actor_type', fields.CharField(max_length=16)),
                ('actor_id', fields.IntField(null=True)),
                ('action', fields.CharField(max_length=64)),
                ('entity', fields.CharField(max_length=32)),
                ('entity_id', fields.CharField(null=True, max_length=64)),
                ('ip', fields.CharField(null=True, max_length=64)),
                ('request_id', fields.CharField(null=True, max_length=64)),
                ('detail', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'audit_log', 'app': 'core', 'indexes': [Index(fields=['entity', 'entity_id'])], 'pk_attr': 'id', 'table_description': 'Who did what to which record, when, and from where.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='District',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=64)),
            ],
            options={'table': 'district', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OutboxEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('topic', fields.CharField(max_length=64)),
                ('aggregate_type', fields.CharField(max_length=32)),
                ('aggregate_id', fields.CharField(max_length=64)),
                ('community_id', fields.IntField(null=True)),
                ('payload', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('available_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.CharField(null=True, max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('processed_at', fields.DatetimeField(null=True, db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_event', 'app': 'core', 'indexes': [Index(fields=['processed_at', 'available_at'])], 'pk_attr': 'id', 'table_description': 'A domain event written in the same transaction as the change it describes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('jti', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=64)),
                ('subject_type', fields.CharField(max_length=16)),
                ('subject_id', fields.IntField()),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'refresh_token', 'app': 'core', 'pk_attr': 'jti', 'table_description': 'One refresh token, by its id. Rotated on use, revoked on logout.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Resident',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('openid', fields.CharField(unique=True, max_length=64)),
                ('unionid', fields.CharField(null=True, max_length=64)),
                ('session_key', fields.CharField(default='', max_length=128)),
                ('phone', fields.CharField(null=True, max_length=20)),
                ('nickname', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_login_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'resident', 'app': 'core', 'pk_attr': 'id', 'table_description': 'A mini-program user. Its session_key stays on the server and is never serialised.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Street',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('district', fields.ForeignKeyField('core.District', source_field='district_id', db_constraint=True, to_field='id', related_name='streets', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=64)),
            ],
            options={'table': 'street', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Community',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('street', fields.ForeignKeyField('core.Street', source_field='street_id', db_constraint=True, to_field='id', related_name='communities', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=64)),
                ('time_zone', fields.CharField(default='Asia/Shanghai', max_length=64)),
            ],
            options={'table': 'community', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Department',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('street', fields.ForeignKeyField('core.Street', source_field='street_id', db_constraint=True, to_field='id', related_name='departments', on_delete=OnDelete.CASCADE)),
                ('code', fields.CharField(max_length=32)),
                ('name', fields.CharField(max_length=64)),
            ],
            options={'table': 'department', 'app': 'core', 'unique_together': (('street', 'code'),), 'pk_attr': 'id', 'table_description': 'A district force sitting at the street office (城管, 房办, 绿化市容 …).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Estate',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='estates', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=64)),
                ('address', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'estate', 'app': 'core', 'unique_together': (('community', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Staff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('username', fields.CharField(unique=True, max_length=64)),
                ('password_hash', fields.CharField(max_length=255)),
                ('display_name', fields.CharField(max_length=64)),
                ('role', fields.CharEnumField(description='worker: worker\nsecretary: secretary\nstreet_dispatcher: street_dispatcher\ndepartment_officer: department_officer\nadmin: admin', enum_type=Role, max_length=24)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', null=True, db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('street', fields.ForeignKeyField('core.Street', source_field='street_id', null=True, db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('department', fields.ForeignKeyField('core.Department', source_field='department_id', null=True, db_constraint=True, to_field='id', related_name='staff', on_delete=OnDelete.RESTRICT)),
                ('phone', fields.CharField(default='', max_length=20)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'staff', 'app': 'core', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Grid',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='grids', on_delete=OnDelete.RESTRICT)),
                ('name', fields.CharField(max_length=64)),
                ('worker', fields.ForeignKeyField('core.Staff', source_field='worker_id', null=True, db_constraint=True, to_field='id', related_name='grids', on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'grid', 'app': 'core', 'unique_together': (('community', 'name'),), 'pk_attr': 'id', 'table_description': 'A group of buildings one worker looks after.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Building',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('estate', fields.ForeignKeyField('core.Estate', source_field='estate_id', db_constraint=True, to_field='id', related_name='buildings', on_delete=OnDelete.RESTRICT)),
                ('grid', fields.ForeignKeyField('core.Grid', source_field='grid_id', null=True, db_constraint=True, to_field='id', related_name='buildings', on_delete=OnDelete.SET_NULL)),
                ('name', fields.CharField(max_length=32)),
                ('floors', fields.SmallIntField(default=6)),
            ],
            options={'table': 'building', 'app': 'core', 'unique_together': (('estate', 'name'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Household',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='households', on_delete=OnDelete.RESTRICT)),
                ('building', fields.ForeignKeyField('core.Building', source_field='building_id', db_constraint=True, to_field='id', related_name='households', on_delete=OnDelete.RESTRICT)),
                ('unit', fields.CharField(default='', max_length=16)),
                ('floor', fields.SmallIntField(default=1)),
                ('room', fields.CharField(max_length=16)),
                ('notes', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'household', 'app': 'core', 'unique_together': (('building', 'unit', 'room'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ResidentHousehold',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('resident', fields.ForeignKeyField('core.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name='bindings', on_delete=OnDelete.CASCADE)),
                ('household', fields.ForeignKeyField('core.Household', source_field='household_id', db_constraint=True, to_field='id', related_name='bindings', on_delete=OnDelete.CASCADE)),
                ('verified_by', fields.ForeignKeyField('core.Staff', source_field='verified_by_id', null=True, db_constraint=True, to_field='id', related_name='verified_bindings', on_delete=OnDelete.SET_NULL)),
                ('verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'resident_household', 'app': 'core', 'unique_together': (('resident', 'household'),), 'pk_attr': 'id', 'table_description': "A resident's claim to a household, which counts once a staff member verifies it."},
            bases=['Model'],
        ),
    ]
