"""What is kept of a visitor's address: its network, never the address."""
import ipaddress


def ip_prefix(address):
    "The network of address (/24 or /48), or None if it is not an address"
    try:
        ip = ipaddress.ip_address((address or '').strip())
    except ValueError:
        return None
    bits = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f'{ip}/{bits}', strict=False))
