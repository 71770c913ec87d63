"""Decrypts the payload of a Peppol AS4 UserMessage without the `as4` package (only
python-cryptography, lxml and the stdlib), checking each step against the profile:

  1. parse the multipart/related body; the root part (the `start` parameter, else the first part)
     must be application/soap+xml; the others are attachments, keyed by Content-ID without <>;
  2. exactly one xenc:EncryptedKey in wsse:Security, EncryptionMethod xmlenc11#rsa-oaep with
     ds:DigestMethod xmlenc#sha256 and xenc11:MGF xmlenc11#mgf1sha256 (both must be present, the
     defaults would be SHA-1); unwrap the key with RSA-OAEP(SHA-256, MGF1-SHA-256), 16 bytes;
  3. its ReferenceList names exactly one xenc:EncryptedData, xmlenc11#aes128-gcm, whose
     CipherReference URI is cid:X with the Attachment-Ciphertext-Transform; the MIME part with
     Content-ID <X> (also tried %-decoded, RFC 2392) is 12-byte IV || ciphertext || 16-byte tag;
  4. ds:Signature/SignedInfo must hold exactly one ds:Reference with that cid:X URI, transform
     SwAProfile-1.1#Attachment-Content-Signature-Transform, DigestMethod xmlenc#sha256, and its
     DigestValue must equal SHA-256 of the decrypted, still gzipped bytes;
  5. gunzip, refusing more than 200 MB (209,715,200 bytes) of output.

usage: decrypt_attachment.py --receiver-key ap2.key --in message.mime
                             --content-type "multipart/related; ..." --out payload.bin

Writes the gunzipped payload (for Peppol: the SBD XML) to --out and prints one JSON line (cid,
encrypted, compressed and payload sizes, digest). Exit 0 if every check passes, 1 with the failed
check on stderr otherwise (nothing is written then).
"""
import argparse
import base64
import email.policy
import gzip
import hashlib
import io
import json
import sys
import urllib.parse
import zlib
from email.parser import BytesParser

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from lxml import etree

LIMIT = 200 * 1024 * 1024
NS = {
    "S12": "http://www.w3.org/2003/05/soap-envelope",
    "wsse": "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
    "xenc": "http://www.w3.org/2001/04/xmlenc#",
    "xenc11": "http://www.w3.org/2009/xmlenc11#",
    "ds": "http://www.w3.org/2000/09/xmldsig#",
}
RSA_OAEP = "http://www.w3.org/2009/xmlenc11#rsa-oaep"
MGF1_SHA256 = "http://www.w3.org/2009/xmlenc11#mgf1sha256"
SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
AES128_GCM = "http://www.w3.org/2009/xmlenc11#aes128-gcm"
SWA = "http://docs.oasis-open.org/wss/oasis-wss-SwAProfile-1.1#"


class CheckFailed(Exception):
    pass


def require(condition, message):
    if not condition:
        raise CheckFailed(message)


def one(element, path, what):
    found = element.findall(path, NS)
    require(len(found) == 1, f"expected exactly one {what}, found {len(found)}")
    return found[0]


def algorithm(element, path, what):
    found = element.find(path, NS)
    require(found is not None, f"{what} is missing")
    return found.get("Algorithm")


def parse_mime(content_type, body):
    message = BytesParser(policy=email.policy.default).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\nMIME-Version: 1.0\r\n\r\n" + body)
    require(message.get_content_type() == "multipart/related",
            f"Content-Type is {message.get_content_type()}, not multipart/related")
    parts = list(message.iter_parts())
    require(len(parts) >= 2, f"multipart/related has {len(parts)} part(s), expected the SOAP part and a payload")
    start = message.get_param("start")
    cid = lambda part: str(part.get("Content-ID", "")).strip().strip("<>")  # noqa: E731
    root = next((p for p in parts if start and cid(p) == start.strip("<>")), parts[0])
    require(root.get_content_type() == "application/soap+xml",
            f"root MIME part is {root.get_content_type()}, not application/soap+xml")
    attachments = {cid(p): p.get_payload(decode=True) for p in parts if p is not root}
    return root.get_payload(decode=True), attachments


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in ("receiver-key", "in", "content-type", "out"):
        p.add_argument("--" + name, required=True)
    a = p.parse_args()
    with open(a.receiver_key, "rb") as f:
        key = serialization.load_pem_private_key(f.read(), password=None)
    with open(getattr(a, "in"), "rb") as f:
        soap, attachments = parse_mime(a.content_type, f.read())

    envelope = etree.fromstring(soap, etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    security = one(envelope, "S12:Header/wsse:Security", "S12:Header/wsse:Security")

    encrypted_key = one(security, "xenc:EncryptedKey", "xenc:EncryptedKey in wsse:Security")
    method = one(encrypted_key, "xenc:EncryptionMethod", "EncryptedKey/EncryptionMethod")
    require(method.get("Algorithm") == RSA_OAEP, f"key transport is {method.get('Algorithm')}, not {RSA_OAEP}")
    require(algorithm(method, "ds:DigestMethod", "OAEP ds:DigestMethod") == SHA256, "OAEP digest is not SHA-256")
    require(algorithm(method, "xenc11:MGF", "OAEP xenc11:MGF") == MGF1_SHA256, "OAEP MGF is not MGF1-SHA-256")
    wrapped = base64.b64decode(one(encrypted_key, "xenc:CipherData/xenc:CipherValue", "CipherValue").text or "")
    try:
        session_key = key.decrypt(wrapped, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()),
                                                        algorithm=hashes.SHA256(), label=None))
    except ValueError as exc:
        raise CheckFailed(f"RSA-OAEP unwrap failed: {exc}") from exc
    require(len(session_key) == 16, f"unwrapped key is {len(session_key)} bytes, not 16 (AES-128)")

    data_ref = one(encrypted_key, "xenc:ReferenceList/xenc:DataReference", "DataReference").get("URI", "")
    require(data_ref.startswith("#"), f"DataReference URI {data_ref!r} is not a same-document reference")
    encrypted_data = [e for e in envelope.iter("{%s}EncryptedData" % NS["xenc"]) if e.get("Id") == data_ref[1:]]
    require(len(encrypted_data) == 1, f"{len(encrypted_data)} xenc:EncryptedData carry Id {data_ref[1:]!r}")
    encrypted_data = encrypted_data[0]
    require(algorithm(encrypted_data, "xenc:EncryptionMethod", "EncryptedData/EncryptionMethod") == AES128_GCM,
            "EncryptedData is not aes128-gcm")
    cipher_ref = one(encrypted_data, "xenc:CipherData/xenc:CipherReference", "CipherReference")
    uri = cipher_ref.get("URI", "")
    require(uri.startswith("cid:"), f"CipherReference URI {uri!r} is not a cid: URI")
    transforms = [t.get("Algorithm") for t in cipher_ref.findall("xenc:Transforms/ds:Transform", NS)]
    require(transforms == [SWA + "Attachment-Ciphertext-Transform"], f"CipherReference transforms are {transforms}")
    content_id = uri[4:]
    if content_id not in attachments:
        content_id = urllib.parse.unquote(content_id)
    require(content_id in attachments, f"no MIME part has Content-ID <{uri[4:]}>; parts: {sorted(attachments)}")
    blob = attachments[content_id]
    require(len(blob) >= 28, f"attachment is {len(blob)} bytes, shorter than IV + tag")
    try:
        compressed = AESGCM(session_key).decrypt(blob[:12], blob[12:], None)
    except InvalidTag as exc:
        raise CheckFailed("AES-GCM tag does not verify") from exc

    signed_info = one(security, "ds:Signature/ds:SignedInfo", "ds:Signature/ds:SignedInfo in wsse:Security")
    references = [r for r in signed_info.findall("ds:Reference", NS)
                  if urllib.parse.unquote(r.get("URI", "")) == urllib.parse.unquote(uri)]
    require(len(references) == 1, f"{len(references)} signature references name {uri}")
    reference = references[0]
    transforms = [t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", NS)]
    require(transforms == [SWA + "Attachment-Content-Signature-Transform"], f"{uri} reference transforms are {transforms}")
    require(algorithm(reference, "ds:DigestMethod", "Reference/DigestMethod") == SHA256, f"{uri} digest is not SHA-256")
    digest = base64.b64encode(hashlib.sha256(compressed).digest()).decode()
    signed_digest = "".join((one(reference, "ds:DigestValue", "DigestValue").text or "").split())
    require(digest == signed_digest, f"SHA-256 of the decrypted attachment is {digest}, the signature says {signed_digest}")

    try:
        with gzip.GzipFile(fileobj=io.BytesIO(compressed)) as stream:
            payload = stream.read(LIMIT + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise CheckFailed(f"attachment is not valid gzip: {exc}") from exc
    require(len(payload) <= LIMIT, f"decompressed payload exceeds {LIMIT} bytes")
    with open(a.out, "wb") as f:
        f.write(payload)
    print(json.dumps({"cid": uri, "encrypted_bytes": len(blob), "compressed_bytes": len(compressed),
                      "payload_bytes": len(payload), "sha256_compressed": digest}))
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CheckFailed as exc:
        print(f"decrypt_attachment: check failed: {exc}", file=sys.stderr)
        sys.exit(1)
    except Exception as exc:  # noqa: BLE001 - a test helper reports every failure the same way
        print(f"decrypt_attachment: {type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
