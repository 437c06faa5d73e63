"""Where the status webhook may call: https to a public address, no
redirects, errors told in generic words (issue 19, item 13).

The server must not be a way into the shop's own network: a URL whose host
is (or resolves to) a loopback, private, link-local, reserved or multicast
address is refused when saved (an address written as such) and again when
called (after resolving the name). ``[ecom] webhook_private_hosts = True``
(development and tests only) allows http and such hosts.
"""
import ipaddress
import socket
import urllib.error
import urllib.parse
import urllib.request

from trytond import config

MAX_ANSWER = 64 << 10  # what is read of the storefront's answer


class Refused(Exception):
    "The URL may not be called; the message says why, in generic words"


def private_allowed():
    return config.getboolean('ecom', 'webhook_private_hosts', default=False)


def _public(address):
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


# why a URL is refused: key (message msg_webhook_url_<key>) -> English
PROBLEMS = {
    'invalid': "is not a valid URL",
    'https': "must start with https://",
    'public': "must name a public host",
    'resolve': "cannot be resolved",
    }


def url_problem(url, resolve=False):
    """The key of PROBLEMS why url may not be called, or None; with
    resolve, the host name is looked up and each address checked"""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        return 'invalid'
    allowed = private_allowed()
    if parts.scheme != 'https' and not (allowed and parts.scheme == 'http'):
        return 'https'
    host = parts.hostname
    if not host:
        return 'invalid'
    if allowed:
        return None
    if host == 'localhost' or host.endswith('.localhost'):
        return 'public'
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        if not resolve:
            return None
        try:
            addresses = {info[4][0] for info in socket.getaddrinfo(
                    host, port or 443, proto=socket.IPPROTO_TCP)}
        except OSError:
            return 'resolve'
    if not all(_public(a) for a in addresses):
        return 'public'
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise Refused(f"the storefront answered a redirection (HTTP {code})")


_opener = urllib.request.build_opener(_NoRedirect)


def post(url, body, headers, timeout):
    """POST body to url once checked; Refused (generic reason) when it may
    not be called or the call failed"""
    problem = url_problem(url, resolve=True)
    if problem:
        raise Refused(f"the webhook URL {PROBLEMS[problem]}")
    request = urllib.request.Request(
        url, data=body, headers=headers, method='POST')
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(MAX_ANSWER)
    except Refused:
        raise
    except urllib.error.HTTPError as error:
        raise Refused(f"the storefront answered HTTP {error.code}") from None
    except TimeoutError:
        raise Refused("the storefront did not answer in time") from None
    except (urllib.error.URLError, OSError):
        raise Refused("the storefront could not be reached") from None
