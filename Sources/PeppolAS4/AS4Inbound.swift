import CompressNIO
import Crypto
import Foundation
import HardenedXML
import NIOCore
import X509

/// A user message that passed every check, opened.
public struct ReceivedMessage: Sendable {
    public var header: UserMessage
    public var businessHeader: BusinessDocumentHeader
    /// The business document's bytes as they stand in the SBD.
    public var document: [UInt8]
    public var signer: Certificate
    /// For the receipt: the request's signature references, canonical.
    public var signedReferences: [[UInt8]]
}

/// How much an inbound message may take, before and after gunzip.
public struct AS4Limits: Sendable {
    /// The HTTP body (envelope and encrypted attachment).
    public var maxMessageBytes: Int
    /// The SBD after gunzip.
    public var maxDocumentBytes: Int
    public var maxEnvelopeBytes: Int

    public init(maxMessageBytes: Int = 110 << 20, maxDocumentBytes: Int = 101 << 20, maxEnvelopeBytes: Int = 4 << 20) {
        self.maxMessageBytes = maxMessageBytes
        self.maxDocumentBytes = maxDocumentBytes
        self.maxEnvelopeBytes = maxEnvelopeBytes
    }
}

/// Opens a Peppol AS4 user message addressed to this access point, in the order that keeps
/// hostile input cheap: the size, the MIME parts, the envelope (XML limits, no DTD), the
/// signature over the header, the sender's certificate chain and its CN against the From party,
/// the content key and the attachment (GCM tag), the signed digest of the gzip, a bounded
/// gunzip, and the SBDH against the ebMS properties.
public struct AS4Inbound: Sendable {
    public var identity: AccessPointIdentity
    public var trust: AS4Trust
    public var limits: AS4Limits

    public init(identity: AccessPointIdentity, trust: AS4Trust, limits: AS4Limits = AS4Limits()) {
        self.identity = identity
        self.trust = trust
        self.limits = limits
    }

    /// The message id of a request, read without checking anything else: what an error signal
    /// refers to when the message is refused.
    public static func messageID(body: [UInt8], contentType: String) -> String? {
        guard let message = try? MIMEMessage.parse(body: body, contentType: contentType),
            let tree = try? XMLReader(limits: .init(maxBytes: 4 << 20)).read(message.envelope)
        else { return nil }
        return tree.child("Header", in: AS4Namespace.soap12)?.child("Messaging", in: AS4Namespace.ebms)?
            .child("UserMessage", in: AS4Namespace.ebms)?.child("MessageInfo", in: AS4Namespace.ebms)?
            .child("MessageId", in: AS4Namespace.ebms)?.text.trimmingXMLWhitespace
    }

    /// The message opened; `documentSink`, when given, receives the business document's elements
    /// as the SBD is read (``XMLReader/read(_:diverting:to:)``), so the receiver reads it once.
    public func open(
        body: [UInt8], contentType: String, documentInto documentSink: (any XMLElementSink)? = nil
    ) async throws(AS4Error) -> ReceivedMessage {
        guard body.count <= limits.maxMessageBytes else {
            throw AS4Error(.other, "the message is larger than \(limits.maxMessageBytes) bytes")
        }
        let message = try MIMEMessage.parse(body: body, contentType: contentType)
        guard message.envelope.count <= limits.maxEnvelopeBytes else {
            throw AS4Error(.invalidHeader, "the SOAP envelope is larger than \(limits.maxEnvelopeBytes) bytes")
        }
        let document = try SignedDocument(parsing: message.envelope, limits: XMLReader.Limits(maxBytes: limits.maxEnvelopeBytes))
        let header = try UserMessage.read(try document.tree.only("Header", in: AS4Namespace.soap12).only("Messaging", in: AS4Namespace.ebms))
        guard message.attachments.count == 1, message.attachments[0].contentID == header.payloadID else {
            throw AS4Error(.invalidHeader, "the message must have exactly one attachment, the one its PartInfo names")
        }
        let signature = try SignatureVerification.verify(document, attachmentIDs: [header.payloadID])
        try await trust.check(signature.signer)
        guard try AS4Certificate.commonName(of: signature.signer) == header.fromParty else {
            throw AS4Error(.failedAuthentication, "the signer's certificate is not that of the From party \(header.fromParty)")
        }
        guard header.toParty == identity.partyID else {
            throw AS4Error(.valueInconsistent, "the message is for the access point \(header.toParty), this is \(identity.partyID)")
        }

        let compressed = try decrypt(message.attachments[0], document: document)
        try signature.checkAttachment(header.payloadID, compressed)
        let sbd = try gunzip(compressed)
        let (businessHeader, businessDocument) = try BusinessDocumentHeader.unwrap(
            sbd, limits: XMLReader.Limits(maxBytes: limits.maxDocumentBytes), documentInto: documentSink)
        guard businessHeader.sender.lowercased() == header.originalSender.lowercased(),
            businessHeader.receiver.lowercased() == header.finalRecipient.lowercased(),
            businessHeader.documentType == header.documentType, businessHeader.process == header.process
        else {
            throw AS4Error(.valueInconsistent, "the SBDH's sender, receiver, document type or process differs from the ebMS header's")
        }
        return ReceivedMessage(
            header: header, businessHeader: businessHeader, document: businessDocument,
            signer: signature.signer, signedReferences: signature.references)
    }

    /// The attachment's plaintext: the EncryptedData that names it, the EncryptedKey that names
    /// that and is encrypted to this access point's certificate.
    private func decrypt(_ attachment: MIMEMessage.Attachment, document: SignedDocument) throws(AS4Error) -> [UInt8] {
        let security = try document.tree.only("Header", in: AS4Namespace.soap12).only("Security", in: AS4Namespace.wsse)
        let data = try security.only("EncryptedData", in: AS4Namespace.xenc, code: .policyNoncompliance)
        guard try data.only("EncryptionMethod", in: AS4Namespace.xenc).attribute("Algorithm") == AS4Algorithm.aes128GCM else {
            throw AS4Error(.policyNoncompliance, "the attachment must be encrypted with AES-128-GCM")
        }
        let cipherReference = try data.only("CipherData", in: AS4Namespace.xenc).only("CipherReference", in: AS4Namespace.xenc)
        guard cipherReference.attribute("URI") == "cid:" + attachment.contentID else {
            throw AS4Error(.policyNoncompliance, "the encrypted data is not the attachment")
        }
        let key = try security.only("EncryptedKey", in: AS4Namespace.xenc, code: .policyNoncompliance)
        let method = try key.only("EncryptionMethod", in: AS4Namespace.xenc)
        guard method.attribute("Algorithm") == AS4Algorithm.rsaOAEP,
            method.child("DigestMethod", in: AS4Namespace.ds)?.attribute("Algorithm") == AS4Algorithm.sha256,
            method.child("MGF", in: AS4Namespace.xenc11)?.attribute("Algorithm") == AS4Algorithm.mgf1SHA256
        else {
            throw AS4Error(.policyNoncompliance, "the content key must be sent by RSA-OAEP with SHA-256 and MGF1-SHA-256")
        }
        guard let dataID = data.attribute("Id"),
            key.child("ReferenceList", in: AS4Namespace.xenc)?.children("DataReference", in: AS4Namespace.xenc)
                .contains(where: { $0.attribute("URI") == "#" + dataID }) == true
        else {
            throw AS4Error(.policyNoncompliance, "the encrypted key does not name the encrypted attachment")
        }
        // The key must be encrypted to us: its KeyInfo names a token holding our certificate.
        if let tokenURI = key.child("KeyInfo", in: AS4Namespace.ds)?.child("SecurityTokenReference", in: AS4Namespace.wsse)?
            .child("Reference", in: AS4Namespace.wsse)?.attribute("URI"), tokenURI.hasPrefix("#"),
            let token = security.children("BinarySecurityToken", in: AS4Namespace.wsse).first(where: {
                $0.attribute("Id", in: AS4Namespace.wsu) == String(tokenURI.dropFirst())
            })
        {
            // Compared as DER, without parsing it: it must be ours byte for byte.
            guard try SignatureVerification.base64(token.text, "BinarySecurityToken") == identity.certificateDER else {
                throw AS4Error(.failedDecryption, "the content key is encrypted to another certificate than this access point's")
            }
        }
        let wrapped = try SignatureVerification.base64(
            try key.only("CipherData", in: AS4Namespace.xenc).value("CipherValue", in: AS4Namespace.xenc), "CipherValue")
        let contentKey = try identity.unwrapKey(wrapped)
        do {
            let box = try AES.GCM.SealedBox(combined: attachment.bytes)
            return Array(try AES.GCM.open(box, using: contentKey))
        } catch {
            throw AS4Error(.failedDecryption, "the attachment cannot be decrypted: it was changed or not encrypted with this key")
        }
    }

    /// Gunzips at most `maxDocumentBytes`: a gzip bomb stops at the limit.
    private func gunzip(_ bytes: [UInt8]) throws(AS4Error) -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        do {
            var plain = try buffer.decompress(with: .gzip(), maxSize: limits.maxDocumentBytes)
            return plain.readBytes(length: plain.readableBytes) ?? []
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw AS4Error(.decompressionFailure, "the payload is larger than \(limits.maxDocumentBytes) bytes once gunzipped")
        } catch {
            throw AS4Error(.decompressionFailure, "the payload cannot be gunzipped: \(error)")
        }
    }
}
