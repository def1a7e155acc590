#!/usr/bin/python3
"""A loopback SMTP server for tests: every message it accepts is written to DIR.

    python3 tests/tools/smtp_sink.py --dir DIR [--port 0] [--reject ADDRESS ...]

Prints "listening on smtp://127.0.0.1:PORT" once it accepts connections, then runs until
SIGTERM/SIGINT. Message n (from 1, in arrival order) is DIR/n.eml (the bytes received after
DATA, dot-unstuffed) and DIR/n.json, parsed with Python's email package, independently of the
code under test:

    {"mail_from", "rcpt_to": [...], "subject" (decoded), "message_id", "date",
     "headers": {"Name": "decoded value", ...},
     "text" (the text/plain body, decoded, LF line ends),
     "attachments": [{"filename", "content_type", "content_base64"}]}

The .json file is written first and the .eml renamed into place last, so a reader that sees
n.eml finds both complete; a sink restarted on the same folder continues the numbering.
RCPT TO an address given with --reject is answered 550.
Uses Debian's python3-aiosmtpd (re-runs itself with /usr/bin/python3 if another python3 lacks it).
"""
import argparse
import asyncio
import base64
import email
import email.policy
import json
import os
import signal
import sys

try:
    from aiosmtpd.smtp import SMTP
except ImportError:
    if os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3") and os.path.exists(
        "/usr/bin/python3"
    ):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    sys.exit("smtp_sink.py needs aiosmtpd: apt-get install python3-aiosmtpd")


def parse(raw: bytes, mail_from: str, rcpt_to: list) -> dict:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    attachments = []
    for part in message.iter_attachments():
        attachments.append(
            {
                "filename": part.get_filename() or "",
                "content_type": part.get_content_type(),
                "content_base64": base64.b64encode(part.get_payload(decode=True) or b"").decode(),
            }
        )
    return {
        "mail_from": mail_from,
        "rcpt_to": rcpt_to,
        "subject": str(message.get("subject", "")),
        "message_id": str(message.get("message-id", "")),
        "date": str(message.get("date", "")),
        "headers": {name: str(value) for name, value in message.items()},
        "text": body.get_content().replace("\r\n", "\n") if body is not None else "",
        "attachments": attachments,
    }


class Sink:
    def __init__(self, folder: str, reject: set):
        self.folder = folder
        self.reject = {address.lower() for address in reject}
        # A sink restarted on the same folder continues the numbering.
        numbers = [int(name[:-4]) for name in os.listdir(folder)
                   if name.endswith(".eml") and name[:-4].isdigit()]
        self.count = max(numbers, default=0)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.reject:
            return "550 5.1.1 <%s>: mailbox unavailable" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = self.count
        raw = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        try:
            parsed = parse(raw, envelope.mail_from, list(envelope.rcpt_tos))
        except Exception as error:  # a message Python cannot parse is still recorded
            parsed = {"mail_from": envelope.mail_from, "rcpt_to": list(envelope.rcpt_tos),
                      "parse_error": repr(error)}
        with open(os.path.join(self.folder, "%d.json" % n), "w", encoding="utf-8") as out:
            json.dump(parsed, out, ensure_ascii=False, indent=1)
        partial = os.path.join(self.folder, ".%d.eml.part" % n)
        with open(partial, "wb") as out:
            out.write(raw)
        os.rename(partial, os.path.join(self.folder, "%d.eml" % n))
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description="Loopback SMTP sink for tests")
    parser.add_argument("--dir", required=True, help="folder for received messages")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--reject", action="append", default=[], help="answer RCPT TO with 550")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    sink = Sink(args.dir, set(args.reject))
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = loop.run_until_complete(
        loop.create_server(
            lambda: SMTP(sink, decode_data=False, hostname="sink.candela.test"),
            host="127.0.0.1",
            port=args.port,
        )
    )
    port = server.sockets[0].getsockname()[1]
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, loop.stop)
    print("listening on smtp://127.0.0.1:%d" % port, flush=True)
    try:
        loop.run_forever()
    finally:
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()


if __name__ == "__main__":
    main()
