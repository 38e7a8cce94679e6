import socket

import pytest


def test_guard_blocks_non_loopback() -> None:
    with socket.socket() as s, pytest.raises(RuntimeError, match="network"):
        s.connect(("192.0.2.1", 443))  # TEST-NET-1: never routed, and never tried


def test_guard_allows_loopback() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.socket() as client:
            client.connect(server.getsockname())
