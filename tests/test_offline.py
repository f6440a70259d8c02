"""The test run itself is offline: `make test` runs pytest through tools/offline.sh.

So every lesson run (on a kernel, in the browser, under nbval) proves it needs no network.
"""

from __future__ import annotations

import os
import socket

import pytest


def test_the_tests_run_without_a_network() -> None:
    if os.environ.get("COURSE_OFFLINE") != "1":
        reason = (
            "networking could not be disabled (needs root and `unshare -n`): this run was online"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    interfaces = sorted(name for _, name in socket.if_nameindex())
    assert interfaces == ["lo"], f"expected only the loopback interface, found {interfaces}"
