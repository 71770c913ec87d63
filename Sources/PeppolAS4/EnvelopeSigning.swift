import Crypto
import Foundation
import HardenedXML

/// A `ds:Reference` as the sender made it: what a receipt's non-repudiation information must
/// repeat.
public struct SignedReference: Sendable, Hashable, Codable {
    public var uri: String
    /// The SHA-256 digest, base64 as written in DigestValue.
    public var digest: String
}

/// Writes a signed SOAP 1.2 envelope for AS4: the `eb:Messaging` and an empty Body, a
/// `wsse:Security` header with whatever else the message needs (encryption), the signer's
/// certificate as a BinarySecurityToken, and an RSA-SHA256 signature over the exclusive C14N of
/// Messaging and Body and over each attachment's bytes.
///
/// The envelope is written as text with fixed prefixes, then read back by libxml2 to
/// canonicalize exactly what a receiver will canonicalize: the digests are of the bytes that
/// are sent, not of a model of them.
enum EnvelopeSigning {
    struct Signed {
        var envelope: [UInt8]
        var references: [SignedReference]
    }

    static func sign(
        messagingXML: (String) -> String, securityChildren: String = "", attachments: [(contentID: String, bytes: [UInt8])],
        identity: AccessPointIdentity
    ) throws(AS4Error) -> Signed {
        let messagingID = "msg-" + randomToken()
        let bodyID = "body-" + randomToken()
        let tokenID = "X509-" + randomToken()
        let token = """
            <wsse:BinarySecurityToken EncodingType="\(AS4Algorithm.base64Binary)" ValueType="\(AS4Algorithm.x509v3)" \
            wsu:Id="\(tokenID)">\(identity.certificateBase64)</wsse:BinarySecurityToken>
            """
        func envelope(signature: String) -> [UInt8] {
            Array(
                """
                <?xml version="1.0" encoding="UTF-8"?><S12:Envelope xmlns:S12="\(AS4Namespace.soap12)"><S12:Header>\
                <wsse:Security xmlns:wsse="\(AS4Namespace.wsse)" xmlns:wsu="\(AS4Namespace.wsu)" S12:mustUnderstand="true">\
                \(securityChildren)\(token)\(signature)</wsse:Security>\(messagingXML(messagingID))</S12:Header>\
                <S12:Body xmlns:wsu="\(AS4Namespace.wsu)" wsu:Id="\(bodyID)"/></S12:Envelope>
                """.utf8)
        }
        // The envelope is read once: Messaging and Body are digested from it, and so is SignedInfo,
        // which holds a unique placeholder where each of their digests goes. A digest is base64,
        // which C14N copies unchanged, so putting it in place of its placeholder in SignedInfo's
        // canonical form gives what canonicalizing the finished SignedInfo would.
        let signedIDs = [messagingID, bodyID]
        var references = signedIDs.map { SignedReference(uri: "#" + $0, digest: "DIGEST-" + randomToken()) }
        for attachment in attachments {
            references.append(
                SignedReference(uri: "cid:" + attachment.contentID, digest: Data(SHA256.hash(data: attachment.bytes)).base64EncodedString()))
        }
        let inclusive = "<ec:InclusiveNamespaces xmlns:ec=\"\(AS4Namespace.excC14N)\" PrefixList=\"S12\"/>"
        var signedInfo = "<ds:SignedInfo><ds:CanonicalizationMethod Algorithm=\"\(AS4Namespace.excC14N)\">\(inclusive)</ds:CanonicalizationMethod>"
        signedInfo += "<ds:SignatureMethod Algorithm=\"\(AS4Algorithm.rsaSHA256)\"/>"
        for reference in references {
            let transform =
                reference.uri.hasPrefix("cid:")
                ? "<ds:Transform Algorithm=\"\(AS4Algorithm.attachmentSignature)\"/>"
                : "<ds:Transform Algorithm=\"\(AS4Namespace.excC14N)\">\(inclusive)</ds:Transform>"
            signedInfo += """
                <ds:Reference URI="\(HardenedXML.XMLElement.escaped(reference.uri, quotes: true))"><ds:Transforms>\(transform)</ds:Transforms>\
                <ds:DigestMethod Algorithm="\(AS4Algorithm.sha256)"/><ds:DigestValue>\(reference.digest)</ds:DigestValue></ds:Reference>
                """
        }
        signedInfo += "</ds:SignedInfo>"
        let placeholder = "SIGNATURE-VALUE-" + randomToken()
        let signature = """
            <ds:Signature xmlns:ds="\(AS4Namespace.ds)" Id="SIG-\(randomToken())">\(signedInfo)\
            <ds:SignatureValue>\(placeholder)</ds:SignatureValue><ds:KeyInfo><wsse:SecurityTokenReference>\
            <wsse:Reference URI="#\(tokenID)" ValueType="\(AS4Algorithm.x509v3)"/></wsse:SecurityTokenReference></ds:KeyInfo></ds:Signature>
            """
        var withSignature = envelope(signature: signature)
        let parsed = try CanonicalDocument(libxml2Reading: withSignature)
        guard let signedInfoNode = parsed.firstElement(named: XMLName(AS4Namespace.ds, "SignedInfo")) else {
            throw AS4Error(.other, "the envelope lost its SignedInfo")
        }
        var canonicalSignedInfo = try parsed.exclusiveCanonicalForm(of: signedInfoNode, inclusivePrefixes: ["S12"])
        for (index, id) in signedIDs.enumerated() {
            guard let element = parsed.element(withID: id) else { throw AS4Error(.other, "the envelope lost \(id)") }
            let digestPlaceholder = references[index].digest
            let canonical = try parsed.exclusiveCanonicalForm(of: element, inclusivePrefixes: ["S12"])
            references[index].digest = Data(SHA256.hash(data: canonical)).base64EncodedString()
            canonicalSignedInfo = replacing(digestPlaceholder, with: references[index].digest, in: canonicalSignedInfo)
            withSignature = replacing(digestPlaceholder, with: references[index].digest, in: withSignature)
        }
        let value = try identity.sign(canonicalSignedInfo)
        let signed = replacing(placeholder, with: Data(value).base64EncodedString(), in: withSignature)
        return Signed(envelope: signed, references: references)
    }
}

/// `bytes` with the one occurrence of `placeholder` replaced by `value`.
func replacing(_ placeholder: String, with value: String, in bytes: [UInt8]) -> [UInt8] {
    guard let range = ByteSearch.firstRange(of: Array(placeholder.utf8), in: bytes, from: 0) else { return bytes }
    var result = bytes
    result.replaceSubrange(range, with: Array(value.utf8))
    return result
}
