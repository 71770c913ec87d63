import Foundation
import HardenedXML

/// The ebMS 3 `eb:UserMessage` of a Peppol AS4 message: who sends what to whom.
public struct UserMessage: Sendable, Equatable {
    public var messageID: String
    public var timestamp: Date
    public var conversationID: String
    /// The access points, by their certificates' common names (`POP000306`).
    public var fromParty: String
    public var toParty: String
    /// The process id (eb:Service) and the document type id (eb:Action, without `busdox-docid-qns::`).
    public var process: String
    public var documentType: String
    /// The participant ids of the business sender and receiver (`0106:12345678`).
    public var originalSender: String
    public var finalRecipient: String
    /// The Content-ID of the one attachment, the SBD.
    public var payloadID: String

    public init(
        messageID: String = UUID().uuidString.lowercased() + "@efactuur", timestamp: Date = Date(),
        conversationID: String = UUID().uuidString.lowercased(), fromParty: String, toParty: String, process: String,
        documentType: String, originalSender: String, finalRecipient: String,
        payloadID: String = "payload-" + UUID().uuidString.lowercased() + "@efactuur"
    ) {
        self.messageID = messageID
        self.timestamp = timestamp
        self.conversationID = conversationID
        self.fromParty = fromParty
        self.toParty = toParty
        self.process = process
        self.documentType = documentType
        self.originalSender = originalSender
        self.finalRecipient = finalRecipient
        self.payloadID = payloadID
    }

    /// The `eb:Messaging` element with this user message, carrying `wsu:Id` for the signature.
    func messagingXML(id: String) -> String {
        let e = { (value: String) in HardenedXML.XMLElement.escaped(value, quotes: true) }
        return """
            <eb:Messaging xmlns:eb="\(AS4Namespace.ebms)" xmlns:wsu="\(AS4Namespace.wsu)" S12:mustUnderstand="true" wsu:Id="\(id)">\
            <eb:UserMessage><eb:MessageInfo><eb:Timestamp>\(AS4Time.format(timestamp))</eb:Timestamp>\
            <eb:MessageId>\(e(messageID))</eb:MessageId></eb:MessageInfo>\
            <eb:PartyInfo>\
            <eb:From><eb:PartyId type="\(PeppolIdentifiers.partyIdType)">\(e(fromParty))</eb:PartyId><eb:Role>\(PeppolIdentifiers.initiatorRole)</eb:Role></eb:From>\
            <eb:To><eb:PartyId type="\(PeppolIdentifiers.partyIdType)">\(e(toParty))</eb:PartyId><eb:Role>\(PeppolIdentifiers.responderRole)</eb:Role></eb:To>\
            </eb:PartyInfo>\
            <eb:CollaborationInfo><eb:AgreementRef>\(PeppolIdentifiers.agreement)</eb:AgreementRef>\
            <eb:Service type="\(PeppolIdentifiers.processScheme)">\(e(process))</eb:Service>\
            <eb:Action>\(PeppolIdentifiers.documentScheme)::\(e(documentType))</eb:Action>\
            <eb:ConversationId>\(e(conversationID))</eb:ConversationId></eb:CollaborationInfo>\
            <eb:MessageProperties>\
            <eb:Property name="originalSender" type="\(PeppolIdentifiers.participantScheme)">\(e(originalSender))</eb:Property>\
            <eb:Property name="finalRecipient" type="\(PeppolIdentifiers.participantScheme)">\(e(finalRecipient))</eb:Property>\
            </eb:MessageProperties>\
            <eb:PayloadInfo><eb:PartInfo href="cid:\(e(payloadID))"><eb:PartProperties>\
            <eb:Property name="MimeType">application/xml</eb:Property>\
            <eb:Property name="CompressionType">application/gzip</eb:Property>\
            </eb:PartProperties></eb:PartInfo></eb:PayloadInfo>\
            </eb:UserMessage></eb:Messaging>
            """
    }

    /// Reads the user message of `messaging`, checking what the Peppol profile fixes.
    static func read(_ messaging: HardenedXML.XMLElement) throws(AS4Error) -> UserMessage {
        let eb = AS4Namespace.ebms
        guard messaging.children("SignalMessage", in: eb).isEmpty else {
            throw AS4Error(.invalidHeader, "a user message must not carry signals")
        }
        let user = try messaging.only("UserMessage", in: eb)
        let info = try user.only("MessageInfo", in: eb)
        let partyInfo = try user.only("PartyInfo", in: eb)
        func party(_ name: String) throws(AS4Error) -> String {
            let id = try partyInfo.only(name, in: eb).only("PartyId", in: eb)
            guard id.attribute("type") == PeppolIdentifiers.partyIdType else {
                throw AS4Error(.invalidHeader, "the \(name) PartyId must have type \(PeppolIdentifiers.partyIdType)")
            }
            return id.text.trimmingXMLWhitespace
        }
        let collaboration = try user.only("CollaborationInfo", in: eb)
        guard try collaboration.value("AgreementRef", in: eb) == PeppolIdentifiers.agreement else {
            throw AS4Error(.valueNotRecognized, "the agreement must be \(PeppolIdentifiers.agreement)")
        }
        let service = try collaboration.only("Service", in: eb)
        guard service.attribute("type") == PeppolIdentifiers.processScheme else {
            throw AS4Error(.valueNotRecognized, "the Service type must be \(PeppolIdentifiers.processScheme)")
        }
        let action = try collaboration.value("Action", in: eb)
        let actionPrefix = PeppolIdentifiers.documentScheme + "::"
        guard action.hasPrefix(actionPrefix) else {
            throw AS4Error(.valueNotRecognized, "the Action must be a \(PeppolIdentifiers.documentScheme) document type id")
        }
        var properties: [String: String] = [:]
        for property in try user.only("MessageProperties", in: eb).children("Property", in: eb) {
            guard let name = property.attribute("name") else { continue }
            guard property.attribute("type") == PeppolIdentifiers.participantScheme else {
                throw AS4Error(.invalidHeader, "the \(name) property must have type \(PeppolIdentifiers.participantScheme)")
            }
            guard properties.updateValue(property.text.trimmingXMLWhitespace, forKey: name) == nil else {
                throw AS4Error(.invalidHeader, "the \(name) property is given twice")
            }
        }
        guard let originalSender = properties["originalSender"], let finalRecipient = properties["finalRecipient"] else {
            throw AS4Error(.invalidHeader, "the originalSender and finalRecipient properties are required")
        }
        let parts = try user.only("PayloadInfo", in: eb).children("PartInfo", in: eb)
        guard parts.count == 1, let href = parts[0].attribute("href"), href.hasPrefix("cid:") else {
            throw AS4Error(.invalidHeader, "a Peppol message has exactly one payload, an attachment")
        }
        var partProperties: [String: String] = [:]
        for property in parts[0].child("PartProperties", in: eb)?.children("Property", in: eb) ?? [] {
            if let name = property.attribute("name") { partProperties[name] = property.text.trimmingXMLWhitespace }
        }
        guard partProperties["CompressionType"] == "application/gzip" else {
            throw AS4Error(.policyNoncompliance, "the payload must be gzipped (CompressionType application/gzip)")
        }
        let stamp = try info.value("Timestamp", in: eb)
        guard let timestamp = AS4Time.parse(stamp) else { throw AS4Error(.invalidHeader, "the Timestamp \(stamp) is not a date and time") }
        return UserMessage(
            messageID: try info.value("MessageId", in: eb), timestamp: timestamp,
            conversationID: try collaboration.value("ConversationId", in: eb), fromParty: try party("From"),
            toParty: try party("To"), process: service.text.trimmingXMLWhitespace,
            documentType: String(action.dropFirst(actionPrefix.count)), originalSender: originalSender,
            finalRecipient: finalRecipient, payloadID: String(href.dropFirst(4)))
    }
}
