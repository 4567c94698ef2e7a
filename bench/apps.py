from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Benchmarks (`bench_week`, `bench_page`, `bench_rush`): measured, never timed in tests."""

    name = "bench"
