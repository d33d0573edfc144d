#!/usr/bin/env python3
"""An SMTP submission server for the email channel's tests, built on aiosmtpd.

It listens on 127.0.0.1 twice: a STARTTLS port (AUTH only after STARTTLS) and an implicit-TLS
port (SMTPS). Both require AUTH PLAIN or LOGIN with the one username and password given by flags.
Every accepted message is delivered over LMTP (to Dovecot), one LMTP transaction per recipient,
so a message sent to user@example.test lands in that user's mailbox; the reply to DATA waits for
that delivery. Each accepted envelope is also appended as one JSON line to --envelopes, if given.

Prints "ready" on stdout once both ports listen; exits when stdin closes (so the parent's death
stops it), on SIGTERM, or on SIGINT.
"""

import argparse
import asyncio
import hmac
import json
import logging
import signal
import smtplib
import ssl
import sys
import threading
import warnings

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword


class Relay:
    """The aiosmtpd handler: delivers each accepted message to every recipient over LMTP."""

    def __init__(self, lmtp_host, lmtp_port, envelopes):
        self.lmtp = (lmtp_host, lmtp_port)
        self.envelopes = envelopes

    async def handle_DATA(self, server, session, envelope):
        try:
            await asyncio.to_thread(self.deliver, envelope)
        except smtplib.SMTPRecipientsRefused as e:
            code, text = next(iter(e.recipients.values()))
            return f"{code} {text.decode(errors='replace')}"
        except (OSError, smtplib.SMTPException) as e:
            return f"451 4.3.0 LMTP delivery failed: {e}"
        if self.envelopes:
            with open(self.envelopes, "a", encoding="utf-8") as f:
                f.write(json.dumps({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos}) + "\n")
        return "250 2.0.0 OK: delivered"

    def deliver(self, envelope):
        # BODY= (8BITMIME) is the one MAIL parameter that matters to the delivery. SMTPUTF8 is not
        # offered at all, since Dovecot's LMTP does not take it.
        options = [o for o in envelope.mail_options if o.upper().startswith("BODY=")]
        # One transaction per recipient: smtplib reads one reply after DATA, LMTP sends one per RCPT.
        for rcpt in envelope.rcpt_tos:
            with smtplib.LMTP(*self.lmtp) as lmtp:
                lmtp.sendmail(envelope.mail_from, [rcpt], envelope.original_content, options)


def authenticator(user, password):
    """Accepts PLAIN and LOGIN with exactly this username and password."""

    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and hmac.compare_digest(auth_data.login, user.encode())
            and hmac.compare_digest(auth_data.password, password.encode())
        )
        # handled=False: aiosmtpd then sends the 535 reply itself (its default, True, sends nothing).
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    return check


async def serve(args):
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(args.cert, args.key)
    relay = Relay(args.lmtp_host, args.lmtp_port, args.envelopes)
    common = dict(
        hostname="localhost",
        auth_required=True,
        authenticator=authenticator(args.user, args.password),
    )
    loop = asyncio.get_running_loop()
    # STARTTLS port: AUTH (and so MAIL) is refused until the client has started TLS.
    starttls = await loop.create_server(
        lambda: SMTP(relay, tls_context=tls, require_starttls=True, auth_require_tls=True, **common),
        args.host,
        args.starttls_port,
    )
    # Implicit TLS: the connection is TLS from the first byte, which aiosmtpd does not know about,
    # so its "AUTH only after STARTTLS" rule is turned off here (and its warning about it silenced).
    smtps = await loop.create_server(
        lambda: SMTP(relay, auth_require_tls=False, **common), args.host, args.tls_port, ssl=tls
    )

    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    def wait_for_stdin_eof():
        sys.stdin.buffer.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_for_stdin_eof, daemon=True).start()

    print("ready", flush=True)
    await stop.wait()
    starttls.close()
    smtps.close()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--starttls-port", type=int, required=True)
    p.add_argument("--tls-port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--cert", required=True, help="PEM certificate chain")
    p.add_argument("--key", required=True, help="PEM private key")
    p.add_argument("--lmtp-host", default="127.0.0.1")
    p.add_argument("--lmtp-port", type=int, required=True)
    p.add_argument("--envelopes", help="a file to append each accepted envelope to, as JSON lines")
    args = p.parse_args()
    warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
