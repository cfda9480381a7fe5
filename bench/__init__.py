"""The benchmark of `manage.py bench`: a national data set built by bulk inserts, measurements, a report.

An app of its own (nothing imports it): `bench.data` builds, `bench.measure` measures, `bench.report` prints and
writes JSON, `bench.run` ties them together for the management command.
"""
