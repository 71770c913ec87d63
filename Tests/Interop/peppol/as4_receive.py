"""Receives Peppol AS4 UserMessages with the PyPI `as4` package (0.2.0): its parse_peppol_message
verifies the signature (signer chain to --trust, CN == eb:From PartyId, coverage of eb:Messaging,
Body and every payload, digests), decrypts, gunzips, checks the SBDH, and builds the signed
receipt (or signed ebMS error signal) the package answers with.

usage, one message from a file:
  as4_receive.py --receiver-cert ap2.pem --receiver-key ap2.key --trust ca.pem[,root.pem]
                 --in message.mime --content-type "multipart/related; ..."
                 --payload-out payload.xml --receipt-out receipt.xml
usage, an HTTP server on 127.0.0.1:PORT (PORT 0 picks a free one), POST /as4:
  as4_receive.py --receiver-cert ap2.pem --receiver-key ap2.key --trust ca.pem[,root.pem]
                 --serve PORT --payload-dir DIR

--trust: comma-separated PEM files (each may hold several certificates); self-signed ones are the
anchors, the rest intermediates; if none is self-signed, all are anchors.

File mode writes RECEIPT_OUT (the signal exactly as the package would answer: a bare SOAP 1.2
envelope) and RECEIPT_OUT.content-type; on success also PAYLOAD_OUT (the business document, the
SBD's second child, as a standalone UTF-8 XML document) and PAYLOAD_OUT.sbdh (the whole decrypted
StandardBusinessDocument as received). Prints one JSON line (message_id, from_party, to_party,
sender, recipient, document type, process, ok, error). Exit 0 if the package accepted the message;
1 if it answered an ebMS error (the signed error signal is still written to RECEIPT_OUT, and the
error code and detail go to stderr); 2 on any other failure.

Serve mode prints "listening 127.0.0.1:PORT" once ready, then one JSON line per request; for each
accepted message writes DIR/<message-id>.xml (business document) and DIR/<message-id>.sbdh.xml,
and answers HTTP 200 with the package's signal (Content-Type application/soap+xml;charset=utf-8),
also when it is an error signal. Chunked request bodies are accepted. Runs until killed.
"""
import argparse
import copy
import json
import os
import re
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from lxml import etree

from as4 import AS4LocalPrivateKey
from as4.peppol import create_peppol_internal_party, parse_peppol_message, peppol_security_policy

SBDH_NS = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"


def load_certs(paths):
    certs = []
    for path in paths:
        with open(path, "rb") as f:
            certs += x509.load_pem_x509_certificates(f.read())
    return certs


def receiver(a):
    cert = load_certs([a.receiver_cert])[0]
    with open(a.receiver_key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    trusted = load_certs([p for p in a.trust.split(",") if p])
    anchors = [c for c in trusted if c.subject == c.issuer] or trusted
    intermediates = [c for c in trusted if c not in anchors]
    policy = peppol_security_policy(*anchors, intermediates=intermediates)
    return create_peppol_internal_party(cn, cert, AS4LocalPrivateKey(key)), policy


def receive(local_party, policy, content_type, body):
    """Returns (exchange, signal headers, signal bytes, summary dict, business doc, sbd bytes)."""
    exchange = parse_peppol_message({"Content-Type": content_type}, body, local_party, security_policy=policy)
    headers, signal = exchange.build_signal()
    message = exchange.message
    summary = {"message_id": message.message_id or None, "ok": exchange.successful}
    document = sbd = None
    if message.soap_envelope is not None and message.soap_envelope.header.messaging.user_message is not None:
        party_info = message.soap_envelope.header.messaging.user_message.party_info
        summary.update(from_party=party_info.party_from.party_id.value, to_party=party_info.party_to.party_id.value)
    if exchange.successful:
        sbd = next(iter(message.decrypted_data.values()))
        summary.update(sender=message.sender, recipient=message.recipient,
                       document_type=message.document_type_identifier_value, process=message.process_identifier)
        root = etree.fromstring(sbd, etree.XMLParser(resolve_entities=False, no_network=True))
        business = [child for child in root if isinstance(child.tag, str) and
                    child.tag != f"{{{SBDH_NS}}}StandardBusinessDocumentHeader"]
        if len(business) != 1:
            raise ValueError(f"the SBD holds {len(business)} business documents, not 1")
        document = etree.tostring(etree.ElementTree(copy.deepcopy(business[0])),
                                  xml_declaration=True, encoding="UTF-8")
    else:
        error = message.parse_error
        summary["error"] = f"{error.error_code} {error.short_description}: {error.detail}" if error else "?"
        if error is not None and error.__cause__ is not None:
            summary["error"] += f" ({error.__cause__})"
    return exchange, headers, signal, summary, document, sbd


def serve(a, local_party, policy):
    os.makedirs(a.payload_dir, exist_ok=True)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def read_body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                            pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size))
                    self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length", "0")))

        def answer(self, status, content_type, data):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self):
            if self.path.split("?")[0] != "/as4":
                return self.answer(404, "text/plain", b"POST /as4\n")
            body = self.read_body()
            try:
                _, headers, signal, summary, document, sbd = receive(
                    local_party, policy, self.headers.get("Content-Type", ""), body)
            except Exception as exc:  # noqa: BLE001 - report, answer 500, keep serving
                print(json.dumps({"ok": False, "exception": f"{type(exc).__name__}: {exc}"}), flush=True)
                return self.answer(500, "text/plain", f"{type(exc).__name__}: {exc}\n".encode())
            if document is not None:
                stem = os.path.join(a.payload_dir, re.sub(r"[^A-Za-z0-9._@-]", "_", summary["message_id"]))
                with lock:
                    with open(stem + ".xml", "wb") as f:
                        f.write(document)
                    with open(stem + ".sbdh.xml", "wb") as f:
                        f.write(sbd)
                summary["saved"] = stem + ".xml"
            print(json.dumps(summary), flush=True)
            self.answer(200, headers["Content-Type"], signal)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", a.serve), Handler)
    print(f"listening 127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("receiver-cert", "receiver-key", "trust"):
        p.add_argument("--" + name, required=True)
    p.add_argument("--in", dest="input")
    p.add_argument("--content-type")
    p.add_argument("--payload-out")
    p.add_argument("--receipt-out")
    p.add_argument("--serve", type=int, metavar="PORT")
    p.add_argument("--payload-dir")
    a = p.parse_args()
    local_party, policy = receiver(a)
    if a.serve is not None:
        if not a.payload_dir:
            p.error("--serve needs --payload-dir")
        return serve(a, local_party, policy)
    if not all((a.input, a.content_type, a.payload_out, a.receipt_out)):
        p.error("file mode needs --in, --content-type, --payload-out and --receipt-out")
    with open(a.input, "rb") as f:
        body = f.read()
    exchange, headers, signal, summary, document, sbd = receive(local_party, policy, a.content_type, body)
    with open(a.receipt_out, "wb") as f:
        f.write(signal)
    with open(a.receipt_out + ".content-type", "w") as f:
        f.write(headers["Content-Type"])
    print(json.dumps(summary))
    if not exchange.successful:
        print(f"as4_receive: the as4 package rejected the message: {summary['error']}", file=sys.stderr)
        return 1
    with open(a.payload_out, "wb") as f:
        f.write(document)
    with open(a.payload_out + ".sbdh", "wb") as f:
        f.write(sbd)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - a test helper reports every failure the same way
        print(f"as4_receive: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(2)
