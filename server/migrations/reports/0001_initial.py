from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from server.domain.lifecycle import Status
from server.models.reports import LegStatus, Priority
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index


# The default category catalogue, frozen as it was first shipped: (code, name, urgent,
# default priority, (accept, first response, resolve) working minutes at normal priority).
CATALOGUE = [
    ("sanitation", "环境卫生", False, "normal", (60, 240, 1980)),
    ("illegal_building", "违章搭建", False, "normal", (120, 480, 6600)),
    ("greening", "绿化", False, "low", (120, 480, 3300)),
    ("noise", "噪音", False, "normal", (30, 120, 660)),
    ("leak", "房屋漏水", False, "high", (30, 120, 1980)),
    ("elevator", "电梯", True, "high", (15, 60, 660)),
    ("parking", "停车", False, "normal", (60, 240, 1320)),
    ("public_security", "治安", True, "high", (15, 60, 660)),
    ("dispute", "邻里纠纷", False, "normal", (120, 480, 3300)),
    ("elderly", "为老服务", False, "high", (60, 240, 1980)),
    ("facilities", "公共设施", False, "normal", (60, 240, 3300)),
    ("other", "其他", False, "normal", (120, 480, 3300)),
]
SCALE = {"urgent": 0.25, "high": 0.5, "normal": 1.0, "low": 2.0}


async def seed_catalogue(apps, schema_editor):
    client = schema_editor.client
    for sort, (code, name, urgent, prio, budgets) in enumerate(CATALOGUE):
        await client.execute_script(
            "INSERT INTO report_category (code, name, urgent, default_priority, active, sort) "
            f"VALUES ('{code}', '{name}', {'TRUE' if urgent else 'FALSE'}, '{prio}', TRUE, {sort}) "
            "ON CONFLICT (code) DO NOTHING"
        )
        for p, scale in SCALE.items():
            a, r, z = (max(5, round(b * scale)) for b in budgets)
            await client.execute_script(
                "INSERT INTO report_category_sla (category_id, priority, accept_minutes, "
                f"respond_minutes, resolve_minutes) SELECT id, '{p}', {a}, {r}, {z} "
                f"FROM report_category WHERE code = '{code}' "
                "ON CONFLICT (category_id, priority) DO NOTHING"
            )


async def text_search_indexes(apps, schema_editor):
    """Indexes Tortoise cannot declare. On PostgreSQL: trigram indexes so ILIKE '%词%'
    searches of Chinese text are fast, and covering (scope, status) indexes so the tab
    counts never touch the table. Elsewhere plain (scope, status) indexes."""
    client = schema_editor.client
    if client.capabilities.dialect != "postgres":
        await client.execute_script(
            "CREATE INDEX IF NOT EXISTS report_community_status ON report (community_id, status);"
            "CREATE INDEX IF NOT EXISTS report_street_status ON report (street_id, status);"
        )
        return
    await client.execute_script(
        "CREATE INDEX IF NOT EXISTS report_community_status ON report (community_id, status) "
        "INCLUDE (owner_id, paused_at, due_at);"
        "CREATE INDEX IF NOT EXISTS report_street_status ON report (street_id, status) "
        "INCLUDE (owner_id, paused_at, due_at);"
        "CREATE EXTENSION IF NOT EXISTS pg_trgm;"
        "CREATE INDEX IF NOT EXISTS report_title_trgm ON report USING gin (title gin_trgm_ops);"
        "CREATE INDEX IF NOT EXISTS report_description_trgm ON report "
        "USING gin (description gin_trgm_ops);"
    )


class Migration(migrations.Migration):
    dependencies = [('core', '0001_initial')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Category',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=32)),
                ('name', fields.CharField(max_length=32)),
                ('urgent', fields.BooleanField(default=False)),
                ('default_priority', fields.CharEnumField(default=Priority.normal, description='low: low\nnormal: normal\nhigh: high\nurgent: urgent', enum_type=Priority, max_length=8)),
                ('active', fields.BooleanField(default=True)),
                ('sort', fields.IntField(default=0)),
            ],
            options={'table': 'report_category', 'app': 'reports', 'pk_attr': 'id', 'table_description': 'A kind of matter residents can report. Urgent kinds reach the on-call desk off hours.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CategorySla',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('category', fields.ForeignKeyField('reports.Category', source_field='category_id', db_constraint=True, to_field='id', related_name='slas', on_delete=OnDelete.CASCADE)),
                ('priority', fields.CharEnumField(description='low: low\nnormal: normal\nhigh: high\nurgent: urgent', enum_type=Priority, max_length=8)),
                ('accept_minutes', fields.IntField()),
                ('respond_minutes', fields.IntField()),
                ('resolve_minutes', fields.IntField()),
            ],
            options={'table': 'report_category_sla', 'app': 'reports', 'unique_together': (('category', 'priority'),), 'pk_attr': 'id', 'table_description': 'Working-time budgets, in minutes, for one category at one priority.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Photo',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('sha256', fields.CharField(db_index=True, max_length=64)),
                ('mime', fields.CharField(max_length=16)),
                ('size', fields.IntField()),
                ('width', fields.IntField()),
                ('height', fields.IntField()),
                ('uploader_type', fields.CharField(max_length=16)),
                ('uploader_id', fields.IntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'photo', 'app': 'reports', 'unique_together': (('sha256', 'uploader_type', 'uploader_id'),), 'pk_attr': 'id', 'table_description': 'Who uploaded which picture. The file itself is stored once under its SHA-256.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Report',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('community', fields.ForeignKeyField('core.Community', source_field='community_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.RESTRICT)),
                ('street_id', fields.IntField()),
                ('category', fields.ForeignKeyField('reports.Category', source_field='category_id', db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.RESTRICT)),
                ('priority', fields.CharEnumField(default=Priority.normal, description='low: low\nnormal: normal\nhigh: high\nurgent: urgent', enum_type=Priority, max_length=8)),
                ('status', fields.CharEnumField(default=Status.submitted, description='submitted: submitted\naccepted: accepted\ndispatched: dispatched\nin_progress: in_progress\nwaiting: waiting\nresolved: resolved\nclosed: closed\nrejected: rejected\nmerged: merged\nreopened: reopened', enum_type=Status, max_length=16)),
                ('resident', fields.ForeignKeyField('core.Resident', source_field='resident_id', null=True, db_constraint=True, to_field='id', related_name='reports', on_delete=OnDelete.RESTRICT)),
                ('reported_by_staff', fields.ForeignKeyField('core.Staff', source_field='reported_by_staff_id', null=True, db_constraint=True, to_field='id', related_name='reported', on_delete=OnDelete.RESTRICT)),
                ('owner', fields.ForeignKeyField('core.Staff', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name='owned_reports', on_delete=OnDelete.RESTRICT)),
                ('title', fields.CharField(max_length=60)),
                ('description', fields.TextField(unique=False)),
                ('lat', fields.FloatField(null=True)),
                ('lng', fields.FloatField(null=True)),
                ('address', fields.CharField(default='', max_length=200)),
                ('hide_name', fields.BooleanField(default=False)),
                ('photos', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('source', fields.CharField(default='resident', max_length=16)),
                ('idempotency_key', fields.CharField(null=True, unique=True, max_length=160)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('owner_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('first_response_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('accept_due', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('respond_due', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('resolve_due', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('paused_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('escalation_level', fields.SmallIntField(default=0)),
                ('merged_into', fields.ForeignKeyField('reports.Report', source_field='merged_into_id', null=True, db_constraint=True, to_field='id', related_name='merged_reports', on_delete=OnDelete.RESTRICT)),
                ('reject_reason', fields.TextField(null=True, unique=False)),
                ('rating', fields.SmallIntField(null=True)),
                ('rating_comment', fields.TextField(null=True, unique=False)),
                ('reopen_count', fields.SmallIntField(default=0)),
            ],
            options={'table': 'report', 'app': 'reports', 'indexes': [Index(fields=['community_id', 'due_at', 'id']), Index(fields=['street_id', 'due_at', 'id']), Index(fields=['owner_id', 'status']), Index(fields=['resident_id', 'created_at']), Index(fields=['status', 'due_at', 'id']), Index(fields=['category_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "A resident's matter and its handling (a work order)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='DispatchLeg',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('reports.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='legs', on_delete=OnDelete.CASCADE)),
                ('department', fields.ForeignKeyField('core.Department', source_field='department_id', db_constraint=True, to_field='id', related_name='legs', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=LegStatus.pending, description='pending: pending\naccepted: accepted\nworking: working\nreported: reported\nrecalled: recalled', enum_type=LegStatus, max_length=12)),
                ('instructions', fields.TextField(default='', unique=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('dispatched_by_id', fields.IntField()),
                ('dispatched_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('officer_id', fields.IntField(null=True)),
                ('accepted_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reported_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('result', fields.TextField(null=True, unique=False)),
                ('photos', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'report_dispatch_leg', 'app': 'reports', 'unique_together': (('report', 'department'),), 'indexes': [Index(fields=['department_id', 'status', 'due_at'])], 'pk_attr': 'id', 'table_description': 'A report handed to one department, with its own deadline.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Escalation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('reports.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='escalations', on_delete=OnDelete.CASCADE)),
                ('deadline', fields.CharField(max_length=16)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('level', fields.SmallIntField()),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('worker', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'report_escalation', 'app': 'reports', 'unique_together': (('report', 'deadline', 'due_at', 'level'),), 'pk_attr': 'id', 'table_description': 'One escalation of one missed deadline. The unique key makes it happen once only,'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('reports.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharField(max_length=16)),
                ('held_on', fields.DateField()),
                ('participants', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('outcome', fields.TextField(unique=False)),
                ('recorded_by_id', fields.IntField()),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'report_meeting', 'app': 'reports', 'pk_attr': 'id', 'table_description': 'A summons (约请) or joint meeting (联席会议) held about a report.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReportEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('reports.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('actor_type', fields.CharField(max_length=16)),
                ('actor_id', fields.IntField(null=True)),
                ('kind', fields.CharField(max_length=32)),
                ('from_status', fields.CharField(null=True, max_length=16)),
                ('to_status', fields.CharField(null=True, max_length=16)),
                ('note', fields.TextField(default='', unique=False)),
                ('public', fields.BooleanField(default=True)),
                ('data', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'report_event', 'app': 'reports', 'indexes': [Index(fields=['report_id', 'at'])], 'pk_attr': 'id', 'table_description': "One entry of a report's timeline. Internal entries are never shown to residents."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ReportFollower',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('report', fields.ForeignKeyField('reports.Report', source_field='report_id', db_constraint=True, to_field='id', related_name='followers', on_delete=OnDelete.CASCADE)),
                ('resident', fields.ForeignKeyField('core.Resident', source_field='resident_id', db_constraint=True, to_field='id', related_name='followed_reports', on_delete=OnDelete.CASCADE)),
                ('via_report_id', fields.BigIntField(null=True)),
            ],
            options={'table': 'report_follower', 'app': 'reports', 'unique_together': (('report', 'resident'),), 'pk_attr': 'id', 'table_description': "A resident told of this report's progress: its reporter, and reporters merged into it."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='WorkerLoad',
            fields=[
                ('staff', fields.OneToOneField('core.Staff', source_field='staff_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='report_load', on_delete=OnDelete.CASCADE)),
                ('open_count', fields.IntField(default=0)),
                ('weighted', fields.IntField(default=0)),
                ('last_assigned_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'report_worker_load', 'app': 'reports', 'pk_attr': 'staff_id', 'table_description': "A staff member's open reports, weighted by priority. Its rows are what creates and"},
            bases=['Model'],
        ),
        ops.RunPython(seed_catalogue, ops.RunPython.noop),
        ops.RunPython(text_search_indexes, ops.RunPython.noop),
    ]
