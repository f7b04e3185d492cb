"""Where events may be sent (SSRF protection, interop R31): https only, and never to a host that resolves to a
private, loopback, link-local or otherwise non-public address, unless the settings allow it (tests, closed
networks). Checked when a subscription is made or changed, and again at every delivery, which then connects to the
address it checked (so a name that resolves differently a moment later, DNS rebinding, cannot move it).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

from ..problems import TargetNotAllowed
from ..settings import Settings


class Target:
    """A checked target: the URL, and the address to connect to."""

    def __init__(self, url: str, host: str, address: str) -> None:
        self.url, self.host, self.address = url, host, address


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def check_target(url: str, settings: Settings) -> Target:
    """The target's URL and the first address its host resolves to; TargetNotAllowed (422) when the scheme or any
    of its addresses is not allowed, or the host does not resolve."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise TargetNotAllowed("The URL cannot be read.") from exc
    host = parts.hostname
    if parts.scheme != "https" and not (parts.scheme == "http" and settings.webhooks_allow_http):
        raise TargetNotAllowed("Events are sent over https only.")
    if not host or parts.username is not None or parts.password is not None:
        raise TargetNotAllowed("The URL needs a host, and no user name or password in it.")
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise TargetNotAllowed(f"The host {host} does not resolve.") from exc
    addresses = [str(info[4][0]) for info in found]
    if not addresses:
        raise TargetNotAllowed(f"The host {host} does not resolve.")
    if not settings.webhooks_allow_private and not all(_public(a) for a in addresses):
        raise TargetNotAllowed(
            f"The host {host} resolves to a private, loopback or link-local address; events go to public addresses."
        )
    return Target(url, host, addresses[0])
