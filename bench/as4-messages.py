"""Builds N Peppol AS4 user messages with the PyPI `as4` package (an AS4 sender we did not write),
each carrying the corpus's typical SI-UBL invoice with its own number, for bench/as4-receive.sh.

usage: as4-messages.py N SENDER.pem SENDER.key RECEIVER.pem RECEIVER_ID INVOICE.xml OUTDIR

Writes OUTDIR/N.body (the HTTP body) and OUTDIR/N.ct (its Content-Type), N = 1 … N.
"""
import os
import sys
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "Tests", "Interop", "peppol"))
from as4_send import BILLING_PROCESS, common_name, load_cert, load_key  # noqa: E402

from as4 import AS4LocalPrivateKey  # noqa: E402
from as4.peppol import (  # noqa: E402
    BusdoxDocidQnsDocumentIdentifier,
    PeppolAS4MessageBuilderArgs,
    PeppolAS4Profile,
    PeppolSendingExchange,
    create_peppol_external_party,
    create_peppol_internal_party,
)

SI_UBL = ("urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice"
          "##urn:cen.eu:en16931:2017#compliant#urn:fdc:nen.nl:nlcius:v1.0::2.1")


def main():
    count, sender_pem, sender_key, receiver_pem, receiver_id, invoice_path, out = sys.argv[1:8]
    sender, receiver = load_cert(sender_pem), load_cert(receiver_pem)
    key = AS4LocalPrivateKey(load_key(sender_key))
    template = open(invoice_path, "rb").read()
    os.makedirs(out, exist_ok=True)
    for n in range(1, int(count) + 1):
        exchange = PeppolSendingExchange(
            profile=PeppolAS4Profile,
            local_party=create_peppol_internal_party(common_name(sender), sender, key),
            remote_party=create_peppol_external_party(common_name(receiver), receiver),
        )
        payload = template.replace(b"NUMBERX", b"AS4-%08d" % n)
        headers, body = exchange.build(payload, PeppolAS4MessageBuilderArgs(
            sender="0106:12345678", recipient=receiver_id,
            document_type_identifier=BusdoxDocidQnsDocumentIdentifier.from_identifier_value(SI_UBL),
            document_identification_instance_identifier=str(uuid.uuid4()), process_identifier=BILLING_PROCESS,
            c1_country_id="NL"))
        with open(os.path.join(out, f"{n}.body"), "wb") as f:
            f.write(body)
        with open(os.path.join(out, f"{n}.ct"), "w") as f:
            f.write(headers["Content-Type"])
        if n % 500 == 0:
            print(f"{n} messages", file=sys.stderr)


if __name__ == "__main__":
    main()
