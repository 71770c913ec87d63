"""Builds a Peppol AS4 UserMessage with the PyPI `as4` package (0.2.0), exactly as the package
does it (SBDH-wrapped payload, gzip, RSA-SHA256 signature, AES-128-GCM under RSA-OAEP), and
optionally sends it and checks the receipt with the package's own verification.

usage: as4_send.py --sender-cert ap1.pem --sender-key ap1.key --receiver-cert ap2.pem
                   --payload invoice.xml --sender-id 0106:12345678 --receiver-id 0106:87654321
                   --out message.mime [--url URL]
                   [--doctype ID] [--process ID] [--country NL]
                   [--from-party CN] [--to-party CN]

Without --url: writes the HTTP body to OUT and the Content-Type header value to OUT.content-type.
With --url: POSTs the message, writes the HTTP response body to OUT and its Content-Type to
OUT.content-type, then verifies it as the package does (PeppolSendingExchange.receive_signal:
signature by --receiver-cert, RefToMessageId, no ebMS error, verify_non_repudiation against
the references that were signed); exit 0 only if that passes.
Either way writes OUT.exchange.json (the package's serialised sending exchange: message id and
signed references, no private key) for verify_receipt.py, and prints one JSON line: message_id,
conversation_id, attachment cid, http headers (and, with --url, http_status and receipt state).

--doctype defaults to the Peppol BIS Billing 3 Invoice or CreditNote id, chosen by the payload's
root element; --process to urn:fdc:peppol.eu:2017:poacc:billing:01:1.0; the eb:From / eb:To
PartyIds to the CN of --sender-cert / --receiver-cert. Exit 1 with a message on stderr on failure.
"""
import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from lxml import etree

from as4 import AS4LocalPrivateKey
from as4.peppol import (
    BusdoxDocidQnsDocumentIdentifier,
    PeppolAS4MessageBuilderArgs,
    PeppolAS4Profile,
    PeppolSendingExchange,
    create_peppol_external_party,
    create_peppol_internal_party,
)

BIS3 = "##urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0::2.1"
DOCTYPES = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice" + BIS3,
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote" + BIS3,
}
BILLING_PROCESS = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"


def load_cert(path):
    with open(path, "rb") as f:
        return x509.load_pem_x509_certificate(f.read())


def load_key(path):
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def common_name(cert):
    return cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def check_receipt(exchange, body):
    """The package's own receipt check; returns the exchange, raises on an unproven receipt."""
    exchange.receive_signal(body)
    if not exchange.successful:
        error = exchange.error
        raise RuntimeError(f"receiver answered ebMS error {error.error_code if error else '?'}: "
                           f"{error.error_detail.value if error and error.error_detail else ''} "
                           f"(state {exchange.state})")
    return exchange


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("sender-cert", "sender-key", "receiver-cert", "payload", "sender-id", "receiver-id", "out"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--url")
    p.add_argument("--doctype")
    p.add_argument("--process", default=BILLING_PROCESS)
    p.add_argument("--country", default="NL")
    p.add_argument("--from-party", help="eb:From PartyId (default: CN of --sender-cert)")
    p.add_argument("--to-party", help="eb:To PartyId (default: CN of --receiver-cert)")
    a = p.parse_args()

    sender_cert, receiver_cert = load_cert(a.sender_cert), load_cert(a.receiver_cert)
    with open(a.payload, "rb") as f:
        payload = f.read()
    doctype = a.doctype or DOCTYPES.get(etree.QName(etree.fromstring(payload)).localname)
    if doctype is None:
        raise ValueError("payload root is neither Invoice nor CreditNote; pass --doctype")

    exchange = PeppolSendingExchange(
        profile=PeppolAS4Profile,
        local_party=create_peppol_internal_party(
            a.from_party or common_name(sender_cert), sender_cert, AS4LocalPrivateKey(load_key(a.sender_key))),
        remote_party=create_peppol_external_party(a.to_party or common_name(receiver_cert), receiver_cert),
    )
    headers, body = exchange.build(payload, PeppolAS4MessageBuilderArgs(
        sender=a.sender_id,
        recipient=a.receiver_id,
        document_type_identifier=BusdoxDocidQnsDocumentIdentifier.from_identifier_value(doctype),
        document_identification_instance_identifier=str(uuid.uuid4()),
        process_identifier=a.process,
        c1_country_id=a.country,
    ))
    summary = {
        "message_id": exchange.message_id,
        "conversation_id": exchange.conversation_id,
        "attachment_cid": next(iter(exchange.message.mime_attachments)),
        "headers": headers,
    }

    if a.url:
        exchange.mark_sent()
        request = urllib.request.Request(a.url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, content_type, answer = response.status, response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            status, content_type, answer = exc.code, exc.headers.get("Content-Type", ""), exc.read()
        body, headers = answer, {"Content-Type": content_type}
        summary["http_status"] = status

    with open(a.out, "wb") as f:
        f.write(body)
    with open(a.out + ".content-type", "w") as f:
        f.write(headers["Content-Type"])

    try:
        if a.url:
            check_receipt(exchange, body)
    finally:
        if a.url:
            summary["receipt_state"] = str(exchange.state)
        with open(a.out + ".exchange.json", "w") as f:
            f.write(exchange.model_dump_json())
        print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # noqa: BLE001 - a test helper reports every failure the same way
        print(f"as4_send: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
