"""Hypothesis profiles: bounded examples in the default test run, a long run for ``make fuzz``.

``HYPOTHESIS_PROFILE=fuzz`` (what ``make fuzz`` sets) runs ``FUZZ_EXAMPLES`` (default 1000; about 10 minutes on 2 cores) per test.
"""

import os

from hypothesis import HealthCheck, settings

_common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large]}
settings.register_profile("default", max_examples=25, derandomize=True, **_common)
settings.register_profile("fuzz", max_examples=int(os.environ.get("FUZZ_EXAMPLES", "1000")), print_blob=True, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
