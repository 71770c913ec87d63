import CLibXML2
import Crypto
import Foundation
import HardenedXML
import X509
import _CryptoExtras

/// An enveloped XML signature over a whole document, as a Peppol SMP signs its
/// SignedServiceMetadata: one reference to `""` with the enveloped-signature transform, C14N 1.0,
/// RSA-SHA256, and the signer's certificate in `ds:KeyInfo/ds:X509Data`.
public enum EnvelopedSignature {
    static let envelopedTransform = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    static let inclusiveC14N = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"

    /// `document` with a signature appended as the last child of its root element. The document
    /// is one this access point wrote (its SMP's metadata): libxml2 reads it as it is, so the
    /// function is for this package's modules only.
    package static func sign(_ document: [UInt8], with identity: AccessPointIdentity) throws(AS4Error) -> [UInt8] {
        let unsigned = try CanonicalDocument(libxml2Reading: document)
        let digest = Data(SHA256.hash(data: try unsigned.canonicalForm(of: nil, excluding: nil, exclusive: false)))
            .base64EncodedString()
        let signedInfo = """
            <ds:SignedInfo><ds:CanonicalizationMethod Algorithm="\(inclusiveC14N)"/>\
            <ds:SignatureMethod Algorithm="\(AS4Algorithm.rsaSHA256)"/><ds:Reference URI=""><ds:Transforms>\
            <ds:Transform Algorithm="\(envelopedTransform)"/></ds:Transforms>\
            <ds:DigestMethod Algorithm="\(AS4Algorithm.sha256)"/><ds:DigestValue>\(digest)</ds:DigestValue></ds:Reference></ds:SignedInfo>
            """
        let placeholder = "SIGNATURE-VALUE-" + randomToken()
        let signature = """
            <ds:Signature xmlns:ds="\(AS4Namespace.ds)">\(signedInfo)<ds:SignatureValue>\(placeholder)</ds:SignatureValue>\
            <ds:KeyInfo><ds:X509Data><ds:X509Certificate>\(identity.certificateBase64)</ds:X509Certificate></ds:X509Data></ds:KeyInfo>\
            </ds:Signature>
            """
        // The root's end tag is the last "</" of the document.
        guard let end = document.lastIndex(of: 0x3C), end + 1 < document.count, document[end + 1] == 0x2F else {
            throw AS4Error(.other, "the document to sign has no end tag")
        }
        let withSignature = Array(document[..<end]) + Array(signature.utf8) + Array(document[end...])
        let parsed = try CanonicalDocument(libxml2Reading: withSignature)
        guard let signedInfoNode = parsed.firstElement(named: XMLName(AS4Namespace.ds, "SignedInfo")) else {
            throw AS4Error(.other, "the signature lost its SignedInfo")
        }
        let value = try identity.sign(try parsed.canonicalForm(of: signedInfoNode, excluding: nil, exclusive: false))
        let signed = replacing(placeholder, with: Data(value).base64EncodedString(), in: withSignature)
        return signed
    }

    /// Checks the enveloped signature of `document` and returns the certificate that made it;
    /// whether that certificate is trusted is the caller's question (``AS4Trust``).
    public static func verify(_ document: [UInt8], limits: XMLReader.Limits = .init()) throws(AS4Error) -> Certificate {
        let parsed = try SignedDocument(parsing: document, limits: limits)
        let signatures = parsed.children(of: parsed.root).filter { CanonicalDocument.name(of: $0) == XMLName(AS4Namespace.ds, "Signature") }
        let signatureElements = parsed.tree.children("Signature", in: AS4Namespace.ds)
        guard signatures.count == 1, signatureElements.count == 1 else {
            throw AS4Error(.failedAuthentication, "the document must carry exactly one signature, as a child of its root")
        }
        let signature = signatureElements[0]
        let signedInfo = try signature.only("SignedInfo", in: AS4Namespace.ds, code: .failedAuthentication)
        guard try signedInfo.only("SignatureMethod", in: AS4Namespace.ds).attribute("Algorithm") == AS4Algorithm.rsaSHA256 else {
            throw AS4Error(.policyNoncompliance, "the signature must be RSA-SHA256")
        }
        func isExclusive(_ algorithm: String?) throws(AS4Error) -> Bool {
            switch algorithm {
            case inclusiveC14N: return false
            case AS4Namespace.excC14N: return true
            default: throw AS4Error(.policyNoncompliance, "canonicalization \(algorithm ?? "none") is not supported")
            }
        }
        let signedInfoExclusive = try isExclusive(try signedInfo.only("CanonicalizationMethod", in: AS4Namespace.ds).attribute("Algorithm"))
        let reference = try signedInfo.only("Reference", in: AS4Namespace.ds, code: .failedAuthentication)
        guard reference.attribute("URI") == "" else {
            throw AS4Error(.failedAuthentication, "the signature must cover the whole document (URI=\"\")")
        }
        let transforms =
            reference.child("Transforms", in: AS4Namespace.ds)?.children("Transform", in: AS4Namespace.ds).map {
                $0.attribute("Algorithm") ?? ""
            } ?? []
        guard transforms.first == envelopedTransform, transforms.count <= 2 else {
            throw AS4Error(.failedAuthentication, "the signature must be enveloped (one enveloped-signature transform, then C14N)")
        }
        let referenceExclusive = transforms.count == 2 ? try isExclusive(transforms[1]) : false
        guard try reference.only("DigestMethod", in: AS4Namespace.ds).attribute("Algorithm") == AS4Algorithm.sha256 else {
            throw AS4Error(.policyNoncompliance, "digests must be SHA-256")
        }
        let expected = try SignatureVerification.base64(try reference.value("DigestValue", in: AS4Namespace.ds), "DigestValue")
        let canonical = try parsed.canonicalForm(of: nil, excluding: signatures[0], exclusive: referenceExclusive)
        guard Array(SHA256.hash(data: canonical)) == expected else {
            throw AS4Error(.failedAuthentication, "the document was changed after it was signed")
        }
        let certificate = try SignatureVerification.certificate(
            fromBase64: try signature.only("KeyInfo", in: AS4Namespace.ds).only("X509Data", in: AS4Namespace.ds)
                .value("X509Certificate", in: AS4Namespace.ds))
        guard let key = _RSA.Signing.PublicKey(certificate.publicKey) else {
            throw AS4Error(.policyNoncompliance, "the signer's key is not an RSA key")
        }
        guard let signedInfoNode = parsed.children(of: signatures[0]).first(where: { CanonicalDocument.name(of: $0).localName == "SignedInfo" })
        else {
            throw AS4Error(.failedAuthentication, "the signature has no SignedInfo")
        }
        let value = try SignatureVerification.base64(try signature.value("SignatureValue", in: AS4Namespace.ds), "SignatureValue")
        let signedBytes = try parsed.canonicalForm(of: signedInfoNode, excluding: nil, exclusive: signedInfoExclusive)
        guard key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: value), for: signedBytes, padding: .insecurePKCS1v1_5) else {
            throw AS4Error(.failedAuthentication, "the signature value does not verify with the signer's certificate")
        }
        return certificate
    }
}
