"""The bench's tờ trình figures at a tiny scale: the import creates every row, the bulk approval approves every item
with no more statements per item than a single approval, the reads take the same statements at 1 and many items."""

import json

import pytest
from django.core.management import call_command


@pytest.mark.django_db(transaction=True)
@pytest.mark.db_owner  # the bench loads its data as the owner does (it resets sequences and vacuums)
def test_the_bench_measures_the_import_and_the_bulk_approval(tmp_path):
    output = tmp_path / "bench.json"
    call_command("bench", scale=600, approvals=2, repeat=1, rounds=1, processes=1, in_place=True, import_rows=40,
                 bulk=8, output=output, stdout=open(tmp_path / "out.txt", "w"))
    lists = json.loads(output.read_text())["lists"]
    imported, bulk = lists["import"], lists["bulk approve"]
    assert imported["rows"] == imported["created"] == 40 and imported["problems"] == 0
    assert imported["statements_per_row"] < 1  # created in batches: a few statements a batch, not a dozen a row
    assert bulk["items"] == bulk["done"] == 8 and bulk["refused"] == 0
    assert bulk["statements_per_item"] <= bulk["single approve statements"]
    assert bulk["tờ trình page reads, 1 item"] == bulk["tờ trình page reads, 8 items"]
