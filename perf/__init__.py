"""The benchmark of issue 7 (`manage.py bench`): a national data set built with bulk inserts, then measurements
of the real actions, selectors, pages, API and audit log against their floor. Not a Django app."""
