"""A proxy that lets nothing through: tools under test get it as HTTP_PROXY and HTTPS_PROXY,
so any request for an address other than Kiln's on 127.0.0.1 arrives here, fails, and is
counted. A test asserts the count stayed zero."""

from __future__ import annotations

import socket
import threading


class LoopbackTrap:
    """Listens on a free loopback port; counts and refuses every connection."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.requests: list[bytes] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.requests.append(conn.recv(512))
                    conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                except OSError:
                    self.requests.append(b"")

    def env(self) -> dict[str, str]:
        """Proxy variables (both spellings) that send everything but 127.0.0.1 here, and no metadata service."""
        return {
            "HTTP_PROXY": self.url, "HTTPS_PROXY": self.url, "http_proxy": self.url, "https_proxy": self.url,
            "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1", "AWS_EC2_METADATA_DISABLED": "true",
        }

    def close(self) -> None:
        self.sock.close()
