"""The workshop network: this machine's address there, and a QR code participants scan.

The address is read from the machine's own interfaces (no packet is sent anywhere): the
first private IPv4 address (a Wi-Fi router's 192.168.x.x, 10.x.x.x or 172.16-31.x.x),
else any non-loopback IPv4 address.
"""

from __future__ import annotations

import io
import ipaddress
from pathlib import Path

ALL_INTERFACES = "0.0.0.0"


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other than loopback, private ones first."""
    import socket

    import psutil

    found: list[ipaddress.IPv4Address] = []
    for addrs in psutil.net_if_addrs().values():
        for a in addrs:
            if a.family != socket.AF_INET:
                continue
            ip = ipaddress.IPv4Address(a.address)
            if not ip.is_loopback and not ip.is_link_local and ip not in found:
                found.append(ip)
    found.sort(key=lambda ip: (not ip.is_private, int(ip)))
    return [str(ip) for ip in found]


def url(host: str, port: int) -> str:
    return f"http://{host}:{port}/"


def qr_text(text: str) -> str:
    """``text`` as a QR code drawn with block characters, for the terminal."""
    import qrcode

    qr = qrcode.QRCode(border=2)
    qr.add_data(text)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()


def qr_png(text: str, path: Path) -> Path:
    """The same QR code as a PNG (to project on the screen for the class)."""
    import qrcode

    img = qrcode.make(text, border=2, box_size=12)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        img.save(out)
    return path
