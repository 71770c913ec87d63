"""Makes a throw-away Peppol-like test PKI with python-cryptography (RSA-2048, SHA-256).

usage: make_pki.py OUTDIR [--expired] [--ocsp-url URL]

Writes PEM files into OUTDIR (created if missing); keys are unencrypted PKCS#8:
  root.pem                      "efactuur TEST Root CA" (self-signed, CA, keyCertSign+cRLSign)
  ca.pem                        "efactuur TEST ACCESS POINT CA", issued by root (CA, pathlen 0)
  ap1.pem ap1.key               access point CN=POP000001, issued by ca
  ap2.pem ap2.key               access point CN=POP000002, issued by ca
  other-root.pem other-ca.pem   an independent root -> AP CA chain nobody trusts
  ap-other.pem ap-other.key     CN=POP000001, issued by other-ca (unknown CA)
with --expired also:
  ap-expired.pem ap-expired.key CN=POP000001, issued by ca, expired yesterday

with --ocsp-url also (and every access point certificate of ca names URL as its OCSP responder):
  ca.key                        the AP CA's key, to sign OCSP answers with (`openssl ocsp -rkey`)
  ap-revoked.pem ap-revoked.key CN=POP000001, issued by ca, revoked
  index.txt                     the CA's database as `openssl ocsp -index` reads it: ap1, ap2 valid,
                                ap-revoked revoked

ap-other, ap-expired and ap-revoked carry ap1's CN, so they replace ap1 in a test and only the chain or
the validity period is wrong. Prints the written file names, one a line. Exit 0 on success.
"""
import argparse
import datetime as dt
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

NOW = dt.datetime.now(dt.timezone.utc)
DAY = dt.timedelta(days=1)


def name(cn, ou="FOR TEST ONLY"):
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "efactuur test"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou),
        x509.NameAttribute(NameOID.COMMON_NAME, cn),
    ])


def issue(subject, key, issuer=None, issuer_key=None, ca=False, pathlen=None,
          not_before=NOW - DAY, not_after=NOW + 730 * DAY, ocsp_url=None):
    issuer_name = issuer.subject if issuer is not None else subject
    signer = issuer_key if issuer_key is not None else key
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    aki_source = issuer.public_key() if issuer is not None else key.public_key()
    b = (x509.CertificateBuilder()
         .subject_name(subject).issuer_name(issuer_name).public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(not_before).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=pathlen if ca else None), critical=True)
         .add_extension(ski, critical=False)
         .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(aki_source), critical=False))
    if ca:
        b = b.add_extension(x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False), critical=True)
    else:
        b = b.add_extension(x509.KeyUsage(
            digital_signature=True, content_commitment=False, key_encipherment=True,
            data_encipherment=True, key_agreement=False, key_cert_sign=False, crl_sign=False,
            encipher_only=False, decipher_only=False), critical=True)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
    if ocsp_url is not None:
        b = b.add_extension(x509.AuthorityInformationAccess([
            x509.AccessDescription(AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(ocsp_url))]),
            critical=False)
    return b.sign(signer, hashes.SHA256())


def index_line(cert, revoked=False):
    """A line of an OpenSSL CA database (`openssl ocsp -index`): status, expiry, revocation
    time, serial, file, subject."""
    stamp = lambda t: t.strftime("%y%m%d%H%M%SZ")  # noqa: E731
    subject = "".join("/" + a.rfc4514_string() for a in cert.subject)
    return "\t".join(["R" if revoked else "V", stamp(cert.not_valid_after_utc), stamp(NOW - DAY) if revoked else "",
                      format(cert.serial_number, "X"), "unknown", subject]) + "\n"


def new_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("outdir")
    parser.add_argument("--expired", action="store_true", help="also write ap-expired.pem/.key")
    parser.add_argument("--ocsp-url", help="name this OCSP responder in the access point certificates")
    args = parser.parse_args()
    os.makedirs(args.outdir, exist_ok=True)

    def write(stem, cert, key=None):
        path = os.path.join(args.outdir, stem + ".pem")
        with open(path, "wb") as f:
            f.write(cert.public_bytes(serialization.Encoding.PEM))
        print(path)
        if key is not None:
            path = os.path.join(args.outdir, stem + ".key")
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
            print(path)

    def chain(prefix, label):
        root_key, ca_key = new_key(), new_key()
        ca_validity = dict(not_before=NOW - 1095 * DAY, not_after=NOW + 3650 * DAY)
        root = issue(name(f"{label} Root CA"), root_key, ca=True, **ca_validity)
        ca = issue(name(f"{label} ACCESS POINT CA"), ca_key, root, root_key, ca=True, pathlen=0, **ca_validity)
        write(prefix + "root", root)
        write(prefix + "ca", ca)
        return ca, ca_key

    ca, ca_key = chain("", "efactuur TEST")
    index = []
    for stem, cn in (("ap1", "POP000001"), ("ap2", "POP000002")):
        key = new_key()
        cert = issue(name(cn, "PEPPOL TEST AP"), key, ca, ca_key, ocsp_url=args.ocsp_url)
        write(stem, cert, key)
        index.append(index_line(cert))
    if args.ocsp_url:
        key = new_key()
        cert = issue(name("POP000001", "PEPPOL TEST AP"), key, ca, ca_key, ocsp_url=args.ocsp_url)
        write("ap-revoked", cert, key)
        index.append(index_line(cert, revoked=True))
        path = os.path.join(args.outdir, "ca.key")
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(ca_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                         serialization.NoEncryption()))
        print(path)
        path = os.path.join(args.outdir, "index.txt")
        with open(path, "w") as f:
            f.writelines(index)
        print(path)
    other_ca, other_ca_key = chain("other-", "UNKNOWN TEST")
    key = new_key()
    write("ap-other", issue(name("POP000001", "PEPPOL TEST AP"), key, other_ca, other_ca_key), key)
    if args.expired:
        key = new_key()
        write("ap-expired", issue(name("POP000001", "PEPPOL TEST AP"), key, ca, ca_key,
                                  not_before=NOW - 730 * DAY, not_after=NOW - DAY), key)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception as exc:  # noqa: BLE001 - a test helper reports every failure the same way
        print(f"make_pki: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
