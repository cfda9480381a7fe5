"""The verified point of the audit chain (audit.models.VerifiedHead): where on-demand checks start."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_head_under_lock'),
    ]

    operations = [
        migrations.CreateModel(
            name='VerifiedHead',
            fields=[
                ('id', models.PositiveSmallIntegerField(default=1, editable=False, primary_key=True, serialize=False)),
                ('seq', models.PositiveBigIntegerField(default=0, verbose_name='số thứ tự đã kiểm tra')),
                ('hash', models.CharField(default='0000000000000000000000000000000000000000000000000000000000000000', max_length=64, verbose_name='mã băm đã kiểm tra')),
                ('verified_at', models.DateTimeField(null=True, verbose_name='thời điểm kiểm tra')),
                ('full', models.BooleanField(default=False, verbose_name='do lần kiểm tra toàn bộ ghi')),
                ('full_checked_at', models.DateTimeField(null=True, verbose_name='lần kiểm tra toàn bộ gần nhất')),
                ('broken_seq', models.PositiveBigIntegerField(null=True, verbose_name='sai lệch từ số thứ tự')),
                ('problem', models.CharField(blank=True, max_length=16, verbose_name='loại sai lệch')),
                ('message', models.TextField(blank=True, verbose_name='mô tả sai lệch')),
            ],
            options={
                'verbose_name': 'điểm đã kiểm tra',
                'verbose_name_plural': 'điểm đã kiểm tra',
                'db_table': 'audit_verified_head',
                'constraints': [models.CheckConstraint(condition=models.Q(('id', 1)), name='audit_verified_head_single_row')],
            },
        ),
    ]
