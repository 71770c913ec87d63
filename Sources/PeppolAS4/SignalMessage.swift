import Foundation
import HardenedXML
import X509

/// The signals an AS4 receiver answers with, in the HTTP response: a signed receipt carrying the
/// non-repudiation information of what it received, or an ebMS error.
public enum AS4Signal {
    /// The signed receipt for `received`: `eb:Receipt` with one `ebbp:MessagePartNRInformation`
    /// per reference of the request's signature, copied.
    public static func receipt(for received: ReceivedMessage, from identity: AccessPointIdentity) throws(AS4Error) -> [UInt8] {
        let parts = received.signedReferences.map {
            "<ebbp:MessagePartNRInformation>" + String(decoding: $0, as: UTF8.self) + "</ebbp:MessagePartNRInformation>"
        }.joined()
        let signal = """
            <eb:Receipt><ebbp:NonRepudiationInformation xmlns:ebbp="\(AS4Namespace.ebbp)">\(parts)\
            </ebbp:NonRepudiationInformation></eb:Receipt>
            """
        return try signed(signal, refTo: received.header.messageID, identity: identity)
    }

    /// An ebMS error signal refusing the message `refTo` (nil when it could not even be read).
    /// It is not signed: most refusals come before the sender is known, and signing an answer to
    /// every unauthenticated request would let anyone make this access point spend a private-key
    /// operation per request.
    public static func error(_ error: AS4Error, refTo messageID: String?) -> [UInt8] {
        let e = { (value: String) in HardenedXML.XMLElement.escaped(value, quotes: true) }
        let (category, shortDescription) = describe(error.code)
        let detail = error.peppolCode ?? error.detail
        let signal = """
            <eb:Error category="\(category)" errorCode="\(error.code.rawValue)" origin="ebMS" severity="failure" \
            shortDescription="\(shortDescription)"\(messageID.map { " refToMessageInError=\"\(e($0))\"" } ?? "")>\
            <eb:Description xml:lang="en">\(e(error.detail))</eb:Description><eb:ErrorDetail>\(e(detail))</eb:ErrorDetail></eb:Error>
            """
        return Array(
            """
            <?xml version="1.0" encoding="UTF-8"?><S12:Envelope xmlns:S12="\(AS4Namespace.soap12)"><S12:Header>\
            \(messaging(signal, refTo: messageID)("msg-" + randomToken()))</S12:Header><S12:Body/></S12:Envelope>
            """.utf8)
    }

    private static func signed(_ content: String, refTo messageID: String?, identity: AccessPointIdentity) throws(AS4Error) -> [UInt8] {
        try EnvelopeSigning.sign(messagingXML: messaging(content, refTo: messageID), attachments: [], identity: identity).envelope
    }

    /// The `eb:Messaging` of a signal, given its `wsu:Id`.
    private static func messaging(_ content: String, refTo messageID: String?) -> (String) -> String {
        let e = { (value: String) in HardenedXML.XMLElement.escaped(value, quotes: true) }
        let signalID = UUID().uuidString.lowercased() + "@efactuur"
        let timestamp = AS4Time.format(Date())
        return { (id: String) in
            """
            <eb:Messaging xmlns:eb="\(AS4Namespace.ebms)" xmlns:wsu="\(AS4Namespace.wsu)" S12:mustUnderstand="true" wsu:Id="\(id)">\
            <eb:SignalMessage><eb:MessageInfo><eb:Timestamp>\(timestamp)</eb:Timestamp>\
            <eb:MessageId>\(signalID)</eb:MessageId>\(messageID.map { "<eb:RefToMessageId>\(e($0))</eb:RefToMessageId>" } ?? "")\
            </eb:MessageInfo>\(content)</eb:SignalMessage></eb:Messaging>
            """
        }
    }

    private static func describe(_ code: AS4Error.Code) -> (category: String, shortDescription: String) {
        switch code {
        case .valueNotRecognized: ("Content", "ValueNotRecognized")
        case .valueInconsistent: ("Content", "ValueInconsistent")
        case .invalidHeader: ("Content", "InvalidHeader")
        case .failedAuthentication: ("Processing", "FailedAuthentication")
        case .failedDecryption: ("Processing", "FailedDecryption")
        case .policyNoncompliance: ("Processing", "PolicyNoncompliance")
        case .decompressionFailure: ("Content", "DecompressionFailure")
        default: ("Content", "Other")
        }
    }

    /// Reads the answer to `sent`: a receipt signed by the certificate the message was encrypted
    /// to, chaining to the Peppol CA, for this message id, repeating exactly the references that
    /// were signed. An error signal is thrown as the ``AS4Error`` it carries.
    public static func checkReceipt(body: [UInt8], contentType: String, for sent: OutboundMessage, trust: AS4Trust) async throws(AS4Error) {
        let message = try MIMEMessage.parse(body: body, contentType: contentType)
        let document = try SignedDocument(parsing: message.envelope, limits: XMLReader.Limits(maxBytes: 4 << 20))
        let messaging = try document.tree.only("Header", in: AS4Namespace.soap12).only("Messaging", in: AS4Namespace.ebms)
        let signal = try messaging.only("SignalMessage", in: AS4Namespace.ebms)
        if let error = signal.child("Error", in: AS4Namespace.ebms) {
            let detail = error.child("ErrorDetail", in: AS4Namespace.ebms)?.text.trimmingXMLWhitespace
            throw AS4Error(
                AS4Error.Code(rawValue: error.attribute("errorCode") ?? "EBMS:0004"),
                "the receiver refused the message: "
                    + (error.child("Description", in: AS4Namespace.ebms)?.text.trimmingXMLWhitespace
                        ?? error.attribute("shortDescription") ?? "no description"),
                peppolCode: detail.flatMap { $0.hasPrefix("PEPPOL:") ? $0 : nil })
        }
        let signature = try SignatureVerification.verify(document, attachmentIDs: [])
        guard signature.signer == sent.receiverCertificate else {
            throw AS4Error(.failedAuthentication, "the receipt is not signed by the access point the message was sent to")
        }
        try await trust.check(signature.signer)
        guard try signal.only("MessageInfo", in: AS4Namespace.ebms).value("RefToMessageId", in: AS4Namespace.ebms) == sent.header.messageID
        else {
            throw AS4Error(.valueInconsistent, "the receipt is for another message")
        }
        let information = try signal.only("Receipt", in: AS4Namespace.ebms).only("NonRepudiationInformation", in: AS4Namespace.ebbp)
        var repeated: Set<SignedReference> = []
        for part in information.children("MessagePartNRInformation", in: AS4Namespace.ebbp) {
            let reference = try part.only("Reference", in: AS4Namespace.ds)
            repeated.insert(
                SignedReference(uri: reference.attribute("URI") ?? "", digest: try reference.value("DigestValue", in: AS4Namespace.ds)))
        }
        guard repeated == Set(sent.references) else {
            throw AS4Error(.failedAuthentication, "the receipt's non-repudiation information is not what was sent")
        }
    }
}
