"""Verifies, offline, a receipt answering a message that as4_send.py built, with the `as4`
package's own check (PeppolSendingExchange.receive_signal): the body must be a SOAP 1.2 envelope
(not MIME) holding a signed eb:SignalMessage whose BinarySecurityToken equals the receiver
certificate recorded at send time, whose signature covers eb:Messaging, whose RefToMessageId is
the message's MessageId, that carries no eb:Error, and whose NonRepudiationInformation lists
exactly the ds:References the message signed (verify_non_repudiation).

usage: verify_receipt.py --exchange message.mime.exchange.json --receipt receipt.xml

Prints one JSON line {message_id, receipt_message_id, state}; exit 0 if the receipt verifies,
1 with the reason on stderr otherwise.
"""
import argparse
import base64
import json
import sys

from cryptography import x509

from as4 import AS4PrivateKey
from as4.peppol import PeppolSendingExchange, create_peppol_internal_party

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
from as4_send import check_receipt  # noqa: E402


class NoKey(AS4PrivateKey):
    """Checking a receipt needs no private key; restore() only wants a party to attach."""

    def sign(self, data, padding, algorithm):
        raise RuntimeError("no private key here")

    def decrypt(self, ciphertext, padding):
        raise RuntimeError("no private key here")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--exchange", required=True)
    p.add_argument("--receipt", required=True)
    a = p.parse_args()
    with open(a.exchange) as f:
        stored = f.read()
    fields = json.loads(stored)
    # restore() takes the stored remote party (with the receiver certificate the receipt must be
    # signed by) from the JSON; the local party only has to carry the same PartyId.
    certificate = x509.load_der_x509_certificate(
        base64.b64decode(fields["remote_party"]["credentials"]["certificate"]))
    local = create_peppol_internal_party(fields["local_party"]["identity"]["party_id"], certificate, NoKey())
    exchange = PeppolSendingExchange.restore(stored, local)
    with open(a.receipt, "rb") as f:
        body = f.read()
    try:
        check_receipt(exchange, body)
    finally:
        receipt_id = None
        if exchange.receipt and exchange.receipt.soap_envelope:
            signal = exchange.receipt.soap_envelope.header.messaging.signal_message
            receipt_id = signal.message_info.message_id.value if signal else None
        print(json.dumps({"message_id": exchange.message_id, "receipt_message_id": receipt_id,
                          "state": str(exchange.state)}))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # noqa: BLE001 - a test helper reports every failure the same way
        print(f"verify_receipt: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
