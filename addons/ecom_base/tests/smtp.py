"""A real SMTP server for the tests that send email (aiosmtpd)."""
import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def smtp_inbox():
    "(started controller, list of the messages received, port)"
    inbox = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            inbox.append(message_from_bytes(
                    envelope.original_content, policy=policy.default))
            return '250 OK'
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        port = sock.getsockname()[1]
    controller = Controller(Handler(), hostname='127.0.0.1', port=port)
    controller.start()
    return controller, inbox, port
