from django.apps import AppConfig


class BenchConfig(AppConfig):
    """`manage.py bench`: nothing imports this app."""

    name = "bench"
    verbose_name = "Benchmark"
