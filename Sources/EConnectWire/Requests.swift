import Foundation
import HardenedXML

/// The SOAP 1.1 envelope namespace.
public let soapEnvelopeNamespace = "http://schemas.xmlsoap.org/soap/envelope/"

/// A request as it arrived: which version and operation, the security token from the
/// `Authentication` header, and the typed body.
public struct SOAPRequest: Sendable {
    public var version: APIVersion
    public var operation: Operation
    public var securityToken: String?
    public var body: RequestMessage

    /// Reads an envelope. The operation is the body's first element; its namespace must be one of
    /// the API's, and a SOAPAction header, when sent (quoted or not), must name the same namespace
    /// and operation.
    public static func parse(
        _ bytes: some Collection<UInt8>, soapAction: String?, limits: XMLReader.Limits = XMLReader.Limits(),
        payloadInto payloadSink: (any XMLElementSink)? = nil
    ) throws(SOAPFault) -> SOAPRequest {
        let envelope: XMLElement
        let payloadElement: DivertedElement?
        do {
            // A SendDocument's document is not part of the envelope's tree: it goes to
            // `payloadSink` as it is read, and is taken as bytes below.
            (envelope, payloadElement) = try XMLReader(limits: limits).read(
                bytes, diverting: isPayloadDocument, to: payloadSink)
        } catch {
            throw .invalidXML(error.message)
        }
        guard envelope.name == "Envelope", envelope.namespace == soapEnvelopeNamespace else {
            throw .invalidXML("the root element is not a SOAP 1.1 Envelope")
        }
        guard let body = envelope.child("Body", in: soapEnvelopeNamespace), let call = body.children.first else {
            throw .invalidXML("the envelope has no Body with an operation in it")
        }
        guard let version = APIVersion(namespace: call.namespace) else {
            throw .namespaceMismatch("'\(call.namespace)' is not \(APIVersion.v3.namespace) or \(APIVersion.v3_1.namespace)")
        }
        if let soapAction = soapAction.map(unquoted), !soapAction.isEmpty,
            soapAction != version.namespace + call.name
        {
            throw .namespaceMismatch("SOAPAction '\(soapAction)' does not match the body element {\(call.namespace)}\(call.name)")
        }
        guard let operation = Operation(rawValue: call.name) else { throw .unknownOperation(call.name) }
        let token = envelope.child("Header", in: soapEnvelopeNamespace)?
            .child("Authentication", in: version.namespace)?
            .child("SecurityToken", in: version.namespace)?.text.trimmingXMLWhitespace
        let reader = BodyReader(element: call, namespace: version.namespace, path: call.name)
        var payload: String?
        var payloadRead = false
        if operation == .sendDocument {
            let path = [
                XMLName(soapEnvelopeNamespace, "Envelope"), XMLName(soapEnvelopeNamespace, "Body"),
                XMLName(version.namespace, call.name), XMLName(version.namespace, "Payload"),
            ]
            do {
                payload = try embeddedDocument(under: path, in: bytes)
            } catch {
                throw .invalidXML(error.message)
            }
            // The sink has the excerpt's document exactly when it was found by the excerpt's path:
            // both take the first element under it, and that path is one `isPayloadDocument` accepts.
            payloadRead = payloadSink != nil && payloadElement?.ancestors == path
        }
        var message = try RequestMessage(operation, reader, payload: payload)
        if case .sendDocument(var send) = message {
            send.payloadRead = payloadRead
            message = .sendDocument(send)
        }
        return SOAPRequest(version: version, operation: operation, securityToken: token, body: message)
    }

    /// A document in an operation's `Payload`: what ``parse(_:soapAction:limits:payloadInto:)``
    /// hands to its sink instead of the envelope's tree.
    private static func isPayloadDocument(_ ancestors: [XMLName], _ element: XMLName) -> Bool {
        ancestors.count == 4 && ancestors[0] == XMLName(soapEnvelopeNamespace, "Envelope")
            && ancestors[1] == XMLName(soapEnvelopeNamespace, "Body") && APIVersion(namespace: ancestors[2].namespace) != nil
            && ancestors[3] == XMLName(ancestors[2].namespace, "Payload")
    }

    /// Where a document travels inside an envelope (`SendDocument/Payload`, `Details/Payload`).
    static let payloadElements = APIVersion.allCases.map { XMLName($0.namespace, "Payload") }

    /// The document inside the `Payload` element reached by `path`, exactly as written.
    static func embeddedDocument(under path: [XMLName], in envelope: some Collection<UInt8>) throws(XMLReadError) -> String? {
        try XMLExcerpt.firstChildElement(under: path, in: envelope).map { String(decoding: $0, as: UTF8.self) }
    }

    private static func unquoted(_ text: String) -> String {
        // Not Foundation's trimming with a CharacterSet: that costs more than the rest of the check.
        let trimmed = text.trimmingXMLWhitespace
        if trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\"") {
            return String(trimmed.dropFirst().dropLast())
        }
        return trimmed
    }
}

/// Paging of a list: how many, and the token from the previous page's `NextPage`.
public struct Paging: Sendable, Equatable {
    public var limit: Int
    public var startPage: String?

    public static let defaultLimit = 10
    public static let maximumLimit = 1000

    public init(limit: Int = Paging.defaultLimit, startPage: String? = nil) {
        self.limit = limit
        self.startPage = startPage
    }
}

/// A `From`–`To` window; either end may be open.
public struct TimeSpan: Sendable, Equatable {
    public var from: Date?
    public var to: Date?
    public init(from: Date? = nil, to: Date? = nil) {
        self.from = from
        self.to = to
    }
}

/// The `Search` filters of the list operations.
public struct DocumentSearch: Sendable, Equatable {
    public var externalID: String?
    public var documentID: String?
    public var subject: String?
    public var createdOn: TimeSpan?
    public var modifiedOn: TimeSpan?
    /// EConnectPartyId or name of the sender / receiver.
    public var sender: String?
    public var receiver: String?
    public var statusCode: String?
    public var templateMasterID: String?
    public var templateID: String?

    public init() {}
}

public enum Mailbox: String, Sendable {
    case inbox, outbox, drafts
}

public struct ListDocumentsRequest: Sendable, Equatable {
    public var groupID: String?
    public var partyID: String?
    public var paging: Paging
    public var search: DocumentSearch

    public init(groupID: String? = nil, partyID: String? = nil, paging: Paging = Paging(), search: DocumentSearch = DocumentSearch()) {
        self.groupID = groupID
        self.partyID = partyID
        self.paging = paging
        self.search = search
    }
}

/// The template ids SendDocument names.
public enum TemplateID {
    /// Factuur: SI-UBL and Peppol BIS invoices and credit notes.
    public static let factuur = "GLDT9223370666504283001RA000000006DTP2000001"
}

public struct SendDocumentRequest: Sendable {
    public var via: String
    public var toReference: String
    public var toEmail: String?
    public var subject: String?
    /// The embedded document exactly as written: UTF-8, no XML declaration (a file's bytes become
    /// one with ``payload(_:)``). The platform stores and delivers these bytes.
    public var payload: String
    /// True when ``SOAPRequest/parse(_:soapAction:limits:payloadInto:)`` read `payload` into the
    /// sink it was given, so it need not be read again.
    public var payloadRead = false
    public var templateID: String

    public init(
        via: String, toReference: String, toEmail: String? = nil, subject: String? = nil, payload: String,
        templateID: String
    ) {
        self.via = via
        self.toReference = toReference
        self.toEmail = toEmail
        self.subject = subject
        self.payload = payload
        self.templateID = templateID
    }
}

extension SendDocumentRequest {
    /// A document file as a payload: its root element exactly as written, without the byte order
    /// mark, XML declaration or anything else around it (none of that can go inside `Payload`).
    public static func payload(_ document: some Collection<UInt8>) throws(XMLReadError) -> String {
        _ = try XMLReader().read(document)  // the excerpt trusts well-formed input
        guard let root = try XMLExcerpt.rootElement(in: document) else {
            throw XMLReadError(.malformed, "document has no root element")
        }
        return String(decoding: root, as: UTF8.self)
    }
}

public struct PartySearch: Sendable, Equatable {
    public var referenceID: String?
    public var name: String?
    public var chamberNumber: String?
    public var residence: String?
    public var countryCode: String?

    public init(
        referenceID: String? = nil, name: String? = nil, chamberNumber: String? = nil, residence: String? = nil,
        countryCode: String? = nil
    ) {
        self.referenceID = referenceID
        self.name = name
        self.chamberNumber = chamberNumber
        self.residence = residence
        self.countryCode = countryCode
    }
}

/// The typed body of each operation.
public enum RequestMessage: Sendable {
    case login(consumerKey: String, consumerSecret: String)
    case getAccountDetails
    case getAccountParties(Paging)
    case getParties(PartySearch, Paging)
    case getParty(referenceID: String)
    case sendDocument(SendDocumentRequest)
    case listDocuments(Mailbox, ListDocumentsRequest)
    case getDocument(Mailbox, id: String)
    case getDocumentStatus(Mailbox, externalID: String)
    case setInboxDocumentStatus(externalID: String, statusCode: String)
    case getDocumentPdf(externalID: String)

    init(_ operation: Operation, _ body: BodyReader, payload: String?) throws(SOAPFault) {
        switch operation {
        case .login:
            self = .login(consumerKey: try body.required("ConsumerKey"), consumerSecret: try body.required("ConsumerSecret"))
        case .getAccountDetails:
            self = .getAccountDetails
        case .getAccountParties:
            self = .getAccountParties(try body.paging())
        case .getParties:
            let search = body.child("Search")
            self = .getParties(
                PartySearch(
                    referenceID: search?.optional("ReferenceId"), name: search?.optional("Name"),
                    chamberNumber: search?.optional("ChamberNumber"), residence: search?.optional("Residence"),
                    countryCode: search?.optional("CountryCode")),
                try body.paging())
        case .getParty:
            self = .getParty(referenceID: try body.required("ReferenceId"))
        case .sendDocument:
            let via = try body.requiredChild("Via").required("ReferenceId")
            let to = try body.requiredChild("To")
            _ = try body.requiredChild("Payload")
            guard let document = payload else { throw .missingField("SendDocument/Payload/*") }
            let request = SendDocumentRequest(
                via: via, toReference: try to.required("ReferenceId"), toEmail: to.optional("EmailAddress"),
                subject: body.optional("Subject"), payload: document, templateID: try body.required("TemplateId"))
            self = .sendDocument(request)
        case .getInboxDocuments, .getOutboxDocuments, .getDocuments:
            let mailbox: Mailbox = operation == .getInboxDocuments ? .inbox : operation == .getOutboxDocuments ? .outbox : .drafts
            self = .listDocuments(
                mailbox,
                ListDocumentsRequest(
                    groupID: body.optional("GroupId"), partyID: body.optional("EConnectPartyId"),
                    paging: try body.paging(), search: try body.documentSearch()))
        case .getInboxDocument:
            self = .getDocument(.inbox, id: try body.required("ExternalId"))
        case .getOutboxDocument:
            self = .getDocument(.outbox, id: try body.required("ExternalId"))
        case .getDocument:
            self = .getDocument(.drafts, id: try body.required("DocumentId"))
        case .getInboxDocumentStatus:
            self = .getDocumentStatus(.inbox, externalID: try body.required("ExternalId"))
        case .getOutboxDocumentStatus:
            self = .getDocumentStatus(.outbox, externalID: try body.required("ExternalId"))
        case .setInboxDocumentStatus:
            self = .setInboxDocumentStatus(
                externalID: try body.required("ExternalId"), statusCode: try body.required("StatusCode"))
        case .getDocumentPdf:
            self = .getDocumentPdf(externalID: try body.required("ExternalId"))
        }
    }
}

/// Reads the children of one request element, in the API namespace, with paths for messages.
struct BodyReader {
    let element: XMLElement
    let namespace: String
    let path: String

    func child(_ name: String) -> BodyReader? {
        element.child(name, in: namespace).map { BodyReader(element: $0, namespace: namespace, path: path + "/" + name) }
    }

    func requiredChild(_ name: String) throws(SOAPFault) -> BodyReader {
        guard let child = child(name) else { throw .missingField(path + "/" + name) }
        return child
    }

    /// The trimmed text of a child; nil when absent, empty or `xsi:nil`.
    func optional(_ name: String) -> String? {
        guard let child = element.child(name, in: namespace) else { return nil }
        let text = child.text.trimmingXMLWhitespace
        return text.isEmpty ? nil : text
    }

    func required(_ name: String) throws(SOAPFault) -> String {
        guard let value = optional(name) else { throw .missingField(path + "/" + name) }
        return value
    }

    func paging() throws(SOAPFault) -> Paging {
        guard let paging = child("Paging") else { return Paging() }
        var result = Paging(startPage: paging.optional("StartPage"))
        if let limitText = paging.optional("Limit") {
            guard let limit = Int(limitText), limit > 0 else {
                throw .invalidField(paging.path + "/Limit", "'\(limitText)' is not a positive whole number")
            }
            result.limit = min(limit, Paging.maximumLimit)
        }
        return result
    }

    func documentSearch() throws(SOAPFault) -> DocumentSearch {
        var search = DocumentSearch()
        guard let node = child("Search") else { return search }
        search.externalID = node.optional("ExternalId")
        search.documentID = node.optional("DocumentId")
        search.subject = node.optional("Subject")
        search.createdOn = try node.child("CreatedOn")?.timeSpan()
        search.modifiedOn = try node.child("ModifiedOn")?.timeSpan()
        search.sender = node.child("Sender").flatMap { $0.optional("EConnectPartyId") ?? $0.optional("Name") }
        // Both spellings: the WSDL's `Reciever` and the documentation's `Receiver`.
        search.receiver = (node.child("Reciever") ?? node.child("Receiver")).flatMap {
            $0.optional("EConnectPartyId") ?? $0.optional("Name")
        }
        search.statusCode = node.child("Status").flatMap { $0.optional("Code") }
        search.templateMasterID = node.child("Template").flatMap { $0.optional("MasterId") }
        search.templateID = node.child("Template").flatMap { $0.optional("Id") }
        return search
    }

    func timeSpan() throws(SOAPFault) -> TimeSpan {
        TimeSpan(from: try date("From"), to: try date("To"))
    }

    func date(_ name: String) throws(SOAPFault) -> Date? {
        guard let text = optional(name) else { return nil }
        guard let date = WireDate.parse(text) else {
            throw .invalidField(path + "/" + name, "'\(text)' is not an xs:dateTime")
        }
        return date
    }
}
