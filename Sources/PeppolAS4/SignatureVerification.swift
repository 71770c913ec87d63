import CLibXML2
import Crypto
import Foundation
import HardenedXML
import Synchronization
import X509
import _CryptoExtras

/// A message signature that holds: what it covers, who made it, and the digests of the
/// attachments, which the receiver compares after decrypting them.
public struct VerifiedSignature: Sendable {
    /// The certificate from the `wsse:BinarySecurityToken` the signature names. Whether it is
    /// trusted is a separate question: see ``AS4Trust``.
    public var signer: Certificate
    /// The signed SHA-256 of each attachment before encryption, by content id (without `cid:`).
    public var attachmentDigests: [String: [UInt8]]
    /// Each `ds:Reference` of the signature in exclusive canonical form, in order: what a signed
    /// receipt repeats as its non-repudiation information.
    public var references: [[UInt8]]

    /// Refuses an attachment whose bytes are not the ones that were signed.
    public func checkAttachment(_ contentID: String, _ bytes: some DataProtocol) throws(AS4Error) {
        guard let digest = attachmentDigests[contentID] else {
            throw AS4Error(.policyNoncompliance, "the attachment <\(contentID)> is not signed")
        }
        guard Array(SHA256.hash(data: bytes)) == digest else {
            throw AS4Error(.failedAuthentication, "the attachment <\(contentID)> is not what was signed")
        }
    }
}

/// Checks the WS-Security signature of a Peppol AS4 message as the profile requires it.
///
/// Exactly one signature, RSA-SHA256 over exclusive C14N, with one reference to the header's one
/// `eb:Messaging`, one to the SOAP Body and one per attachment, and nothing else; each `#id`
/// reference must name, by a unique id, the very element it is required to cover (no signature
/// wrapping); the key is the certificate in the security header that KeyInfo points to.
enum SignatureVerification {
    static func verify(_ document: SignedDocument, attachmentIDs: [String]) throws(AS4Error) -> VerifiedSignature {
        let envelope = document.tree
        guard envelope.name == "Envelope", envelope.namespace == AS4Namespace.soap12 else {
            throw AS4Error(.invalidHeader, "the message is not a SOAP 1.2 envelope")
        }
        let header = try envelope.only("Header", in: AS4Namespace.soap12)
        let body = try envelope.only("Body", in: AS4Namespace.soap12)
        let messaging = try header.only("Messaging", in: AS4Namespace.ebms)
        let security = try header.only("Security", in: AS4Namespace.wsse, code: .policyNoncompliance)
        let signature = try security.only("Signature", in: AS4Namespace.ds, code: .policyNoncompliance)
        let signedInfo = try signature.only("SignedInfo", in: AS4Namespace.ds, code: .failedAuthentication)

        let canonicalization = try signedInfo.only("CanonicalizationMethod", in: AS4Namespace.ds)
        guard canonicalization.attribute("Algorithm") == AS4Namespace.excC14N else {
            throw AS4Error(.policyNoncompliance, "SignedInfo must be canonicalized with exclusive C14N")
        }
        guard try signedInfo.only("SignatureMethod", in: AS4Namespace.ds).attribute("Algorithm") == AS4Algorithm.rsaSHA256 else {
            throw AS4Error(.policyNoncompliance, "the signature must be RSA-SHA256")
        }

        let messagingID = messaging.attribute("Id", in: AS4Namespace.wsu)
        let bodyID = body.attribute("Id", in: AS4Namespace.wsu)
        var coveredMessaging = false
        var coveredBody = false
        var attachmentDigests: [String: [UInt8]] = [:]
        var references: [[UInt8]] = []
        let referenceNodes = try domChildren(of: document, path: signedInfoPath, named: XMLName(AS4Namespace.ds, "Reference"))
        let referenceElements = signedInfo.children("Reference", in: AS4Namespace.ds)
        guard referenceElements.count == referenceNodes.count else {
            throw AS4Error(.failedAuthentication, "the signature's references cannot be read")
        }
        for (reference, node) in zip(referenceElements, referenceNodes) {
            references.append(try document.exclusiveCanonicalForm(of: node, inclusivePrefixes: []))
            guard try reference.only("DigestMethod", in: AS4Namespace.ds).attribute("Algorithm") == AS4Algorithm.sha256 else {
                throw AS4Error(.policyNoncompliance, "digests must be SHA-256")
            }
            let expected = try base64(try reference.value("DigestValue", in: AS4Namespace.ds), "DigestValue")
            let transforms = reference.child("Transforms", in: AS4Namespace.ds)?.children("Transform", in: AS4Namespace.ds) ?? []
            let uri = reference.attribute("URI") ?? ""
            if uri.hasPrefix("cid:") {
                let contentID = String(uri.dropFirst(4))
                guard transforms.count == 1, transforms[0].attribute("Algorithm") == AS4Algorithm.attachmentSignature else {
                    throw AS4Error(.policyNoncompliance, "the attachment reference must use the SwA content signature transform")
                }
                guard attachmentIDs.contains(contentID), attachmentDigests.updateValue(expected, forKey: contentID) == nil else {
                    throw AS4Error(
                        .failedAuthentication, "the signature covers an attachment <\(contentID)> the message does not have, or covers it twice")
                }
                continue
            }
            guard uri.hasPrefix("#"), uri.count > 1 else {
                throw AS4Error(.failedAuthentication, "the signature references \"\(uri)\", which is neither an id nor an attachment")
            }
            let id = String(uri.dropFirst())
            guard let target = document.element(withID: id) else {
                throw AS4Error(.failedAuthentication, "the signature references the id \"\(id)\", which no element has")
            }
            let path = document.path(of: target)
            if id == messagingID, path == messagingPath, !coveredMessaging {
                coveredMessaging = true
            } else if id == bodyID, path == bodyPath, !coveredBody {
                coveredBody = true
            } else {
                throw AS4Error(.failedAuthentication, "the signature references \"\(id)\", which is not the message's eb:Messaging or Body")
            }
            guard transforms.count == 1, transforms[0].attribute("Algorithm") == AS4Namespace.excC14N else {
                throw AS4Error(.policyNoncompliance, "\(id) must be transformed by exclusive C14N alone")
            }
            let canonical = try document.exclusiveCanonicalForm(of: target, inclusivePrefixes: inclusivePrefixes(of: transforms[0]))
            guard Array(SHA256.hash(data: canonical)) == expected else {
                throw AS4Error(.failedAuthentication, "the digest of \(path.first?.localName ?? id) does not match: it was changed after signing")
            }
        }
        guard coveredMessaging, coveredBody else {
            throw AS4Error(.policyNoncompliance, "the signature must cover eb:Messaging and the SOAP Body")
        }
        guard attachmentDigests.count == attachmentIDs.count else {
            throw AS4Error(.policyNoncompliance, "every attachment must be signed")
        }

        let signer = try signerCertificate(signature: signature, security: security)
        guard let key = _RSA.Signing.PublicKey(signer.publicKey) else {
            throw AS4Error(.policyNoncompliance, "the signer's key is not an RSA key")
        }
        let signedInfoNode = try domElement(of: document, path: signedInfoPath)
        let canonicalSignedInfo = try document.exclusiveCanonicalForm(
            of: signedInfoNode, inclusivePrefixes: inclusivePrefixes(of: canonicalization))
        let value = try base64(try signature.value("SignatureValue", in: AS4Namespace.ds), "SignatureValue")
        guard key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: value), for: canonicalSignedInfo, padding: .insecurePKCS1v1_5)
        else {
            throw AS4Error(.failedAuthentication, "the signature value does not verify with the signer's certificate")
        }
        return VerifiedSignature(signer: signer, attachmentDigests: attachmentDigests, references: references)
    }

    /// The certificate of the `wsse:BinarySecurityToken` the signature's KeyInfo refers to.
    private static func signerCertificate(signature: HardenedXML.XMLElement, security: HardenedXML.XMLElement) throws(AS4Error) -> Certificate {
        let reference = try signature.only("KeyInfo", in: AS4Namespace.ds)
            .only("SecurityTokenReference", in: AS4Namespace.wsse)
            .only("Reference", in: AS4Namespace.wsse)
        guard let uri = reference.attribute("URI"), uri.hasPrefix("#") else {
            throw AS4Error(.policyNoncompliance, "the signature's key must be a BinarySecurityToken in the message")
        }
        let tokens = security.children("BinarySecurityToken", in: AS4Namespace.wsse).filter {
            $0.attribute("Id", in: AS4Namespace.wsu) == String(uri.dropFirst())
        }
        guard tokens.count == 1, tokens[0].attribute("ValueType") == AS4Algorithm.x509v3 else {
            throw AS4Error(.policyNoncompliance, "the signature's key must be one X.509 v3 BinarySecurityToken")
        }
        return try certificate(fromBase64: tokens[0].text)
    }

    static func certificate(fromBase64 text: String) throws(AS4Error) -> Certificate {
        let der = try base64(text, "BinarySecurityToken")
        if let known = readCertificates.withLock({ $0[der] }) { return known }
        let certificate: Certificate
        do {
            certificate = try Certificate(derEncoded: der)
        } catch {
            throw AS4Error(.failedAuthentication, "the certificate cannot be read")
        }
        // Kept before anyone is trusted, so bounded in number and in size: an access point's
        // certificate is 1–2 KB; a padded one up to the envelope's limit is read, not kept.
        if der.count <= maxKeptCertificateBytes {
            readCertificates.withLock {
                if $0.count >= 64 { $0.removeAll() }  // a flood of new certificates only empties it
                $0[der] = certificate
            }
        }
        return certificate
    }

    /// Certificates read before, by their DER: a partner's messages and receipts all carry the
    /// same one, and reading it cost more than checking the signature it makes.
    private static let readCertificates = Mutex<[[UInt8]: Certificate]>([:])
    private static let maxKeptCertificateBytes = 16 << 10

    static func base64(_ text: String, _ what: String) throws(AS4Error) -> [UInt8] {
        guard let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters), !data.isEmpty else {
            throw AS4Error(.invalidHeader, "\(what) is not base64")
        }
        return Array(data)
    }

    private static func inclusivePrefixes(of method: HardenedXML.XMLElement) -> [String] {
        guard let list = method.child("InclusiveNamespaces", in: AS4Namespace.excC14N)?.attribute("PrefixList") else { return [] }
        return list.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
    }

    // Paths are innermost first, as SignedDocument.path(of:) gives them.
    private static let messagingPath = [
        XMLName(AS4Namespace.ebms, "Messaging"), XMLName(AS4Namespace.soap12, "Header"), XMLName(AS4Namespace.soap12, "Envelope"),
    ]
    private static let bodyPath = [XMLName(AS4Namespace.soap12, "Body"), XMLName(AS4Namespace.soap12, "Envelope")]
    private static let signedInfoPath = [
        XMLName(AS4Namespace.soap12, "Header"), XMLName(AS4Namespace.wsse, "Security"),
        XMLName(AS4Namespace.ds, "Signature"), XMLName(AS4Namespace.ds, "SignedInfo"),
    ]

    /// The libxml2 node at `path` (from below the root down), each step the first such child;
    /// the XMLElement tree has already shown that each is the only one.
    private static func domElement(of document: SignedDocument, path: [XMLName]) throws(AS4Error) -> xmlNodePtr {
        var node = document.root
        for step in path {
            guard let next = document.children(of: node).first(where: { CanonicalDocument.name(of: $0) == step }) else {
                throw AS4Error(.invalidHeader, "\(step.localName) is missing")
            }
            node = next
        }
        return node
    }

    private static func domChildren(of document: SignedDocument, path: [XMLName], named name: XMLName) throws(AS4Error) -> [xmlNodePtr] {
        document.children(of: try domElement(of: document, path: path)).filter { CanonicalDocument.name(of: $0) == name }
    }
}
