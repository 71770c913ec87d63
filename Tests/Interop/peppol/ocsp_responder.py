"""An OCSP responder (RFC 6960, HTTP POST) for the test PKI of make_pki.py --ocsp-url, with
python-cryptography building and signing the answers: the status of each certificate comes from
the CA's `index.txt` (V valid, R revoked), the answers are signed with the CA's key, and a
request's nonce is echoed.

usage: ocsp_responder.py PKIDIR PORT

(`openssl ocsp` would do the same, but OpenSSL 3.0's responder spins without answering when a
request's body arrives in a TCP segment after its headers, as AsyncHTTPClient sends it.)
Prints "ready" once it listens; ends when its standard input closes (the test that started it
ended, however it ended).
"""
import datetime as dt
import http.server
import os
import sys
import threading

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

folder, port = sys.argv[1], int(sys.argv[2])
with open(os.path.join(folder, "ca.pem"), "rb") as f:
    CA = x509.load_pem_x509_certificate(f.read())
with open(os.path.join(folder, "ca.key"), "rb") as f:
    CA_KEY = serialization.load_pem_private_key(f.read(), password=None)
REVOKED, VALID = {}, set()
with open(os.path.join(folder, "index.txt")) as f:
    for line in f:
        fields = line.rstrip("\n").split("\t")
        serial = int(fields[3], 16)
        if fields[0] == "R":
            REVOKED[serial] = dt.datetime.strptime(fields[2], "%y%m%d%H%M%SZ").replace(tzinfo=dt.timezone.utc)
        else:
            VALID.add(serial)


def answer(body):
    request = ocsp.load_der_ocsp_request(body)
    now = dt.datetime.now(dt.timezone.utc)
    serial = request.serial_number
    if serial in REVOKED:
        status, revoked_at = ocsp.OCSPCertStatus.REVOKED, REVOKED[serial]
    elif serial in VALID:
        status, revoked_at = ocsp.OCSPCertStatus.GOOD, None
    else:
        status, revoked_at = ocsp.OCSPCertStatus.UNKNOWN, None
    builder = ocsp.OCSPResponseBuilder().add_response_by_hash(
        issuer_name_hash=request.issuer_name_hash, issuer_key_hash=request.issuer_key_hash,
        serial_number=serial, algorithm=request.hash_algorithm, cert_status=status,
        this_update=now - dt.timedelta(minutes=1), next_update=now + dt.timedelta(minutes=10),
        revocation_time=revoked_at, revocation_reason=x509.ReasonFlags.key_compromise if revoked_at else None,
    ).responder_id(ocsp.OCSPResponderEncoding.HASH, CA)
    for extension in request.extensions:
        if isinstance(extension.value, x509.OCSPNonce):
            builder = builder.add_extension(extension.value, critical=False)
    return builder.sign(CA_KEY, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the http.server spelling
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            data = answer(body)
        except Exception:  # noqa: BLE001 - a malformed request gets OCSP's own refusal
            data = ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST).public_bytes(
                serialization.Encoding.DER)
        self.send_response(200)
        self.send_header("Content-Type", "application/ocsp-response")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def exit_with_parent():
    sys.stdin.buffer.read()
    os._exit(0)


threading.Thread(target=exit_with_parent, daemon=True).start()
server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("ready", flush=True)
server.serve_forever()
