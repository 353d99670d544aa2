# Benchmarks share the tests' fixtures (factories, fast hasher, private storage in tmp).
from tests.conftest import *  # noqa: F401,F403
