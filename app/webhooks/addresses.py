"""Which URLs a webhook may be sent to (server-side request forgery guard).

Only http(s). In production (PANTAU_ENV=production) a host that is, or resolves to, a loopback,
link-local (169.254.0.0/16 holds the cloud metadata service), private, unique-local (fd00::/8),
multicast or unspecified address is refused, both when the subscription is made and again at
every delivery (the DNS answer may have changed since).
"""
from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class RefusedUrl(ValueError):
    pass


def parse(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an acceptable-looking http(s) URL, else RefusedUrl (Indonesian text)."""
    if not isinstance(url, str) or len(url) > 2000 or any(c.isspace() or not c.isprintable() for c in url):
        raise RefusedUrl("URL tidak valid.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RefusedUrl("URL tidak valid.") from None
    if parts.scheme not in ("http", "https"):
        raise RefusedUrl("Hanya URL http:// atau https:// yang diterima.")
    if not parts.hostname or parts.username or parts.password:
        raise RefusedUrl("URL harus memuat nama host, tanpa nama pengguna atau kata sandi.")
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def forbidden(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (ip.is_loopback or ip.is_link_local or ip.is_private or ip.is_multicast or ip.is_unspecified
            or ip.is_reserved or not ip.is_global)


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise RefusedUrl("Nama host tidak dapat di-resolve.") from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def check(url: str, *, production: bool) -> tuple[str, str, int, str | None]:
    """(scheme, host, port, address to connect to); in production the address is one that passed the
    check, so the connection cannot be re-pointed by a second DNS answer."""
    scheme, host, port = parse(url)
    if not production:
        return scheme, host, port, None
    addresses = resolve(host, port)
    if not addresses or any(forbidden(a) for a in addresses):
        raise RefusedUrl("Alamat tujuan tidak diizinkan (loopback, link-local, jaringan privat atau metadata).")
    return scheme, host, port, addresses[0]
