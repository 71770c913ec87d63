import EInvoice
import Foundation
import HardenedXML

/// A Peppol BIS Invoice Response 3 (a UBL ApplicationResponse): how a receiver on another access
/// point tells the sender what became of its invoice. The platform's statuses travel as these, so
/// a sender on another access point sees Gelezen, Verwerkt, Goedgekeurd and Afgewezen as a sender
/// on the same platform does.
public struct InvoiceResponse: Sendable, Equatable {
    public static let customizationID = "urn:fdc:peppol.eu:poacc:trns:invoice_response:3"
    public static let profileID = "urn:fdc:peppol.eu:poacc:bis:invoice_response:3"
    static let namespace = "urn:oasis:names:specification:ubl:schema:xsd:ApplicationResponse-2"
    public static let documentType = PeppolDocumentType(
        documentType: "\(namespace)::ApplicationResponse##\(customizationID)::2.1", process: profileID)

    public var id: String
    public var issueDate: String
    /// Participant ids (`0106:12345678`) and names of who answers and who is answered.
    public var sender: String
    public var senderName: String
    public var receiver: String
    public var receiverName: String
    /// The invoice answered: its number and issue date.
    public var invoiceID: String
    public var invoiceIssueDate: String?
    /// UNCL 4343 (the Peppol subset): AB received, IP in process, AP accepted, RE rejected, …
    public var responseCode: String
    public var reason: String?

    /// The response code for a status a receiver sets, nil for one that is not told (Afgeleverd).
    static func responseCode(for status: DocumentStatus) -> String? {
        switch status.code {
        case DocumentStatus.gelezen.code: "AB"
        case DocumentStatus.verwerkt.code: "IP"
        case DocumentStatus.goedgekeurd.code: "AP"
        case DocumentStatus.afgewezen.code: "RE"
        default: nil
        }
    }

    /// The status a response code sets on the sender's document; nil for codes without one here
    /// (UQ, CA, PD).
    var status: DocumentStatus? {
        switch responseCode {
        case "AB": .gelezen
        case "IP": .verwerkt
        case "AP": .goedgekeurd
        case "RE": .afgewezen
        default: nil
        }
    }

    public func xml() -> String {
        let e = { (value: String) in HardenedXML.XMLElement.escaped(value, quotes: true) }
        func party(_ element: String, _ participant: String, _ name: String) -> String {
            let (scheme, value) = Self.split(participant)
            return "<cac:\(element)><cbc:EndpointID schemeID=\"\(e(scheme))\">\(e(value))</cbc:EndpointID>"
                + "<cac:PartyLegalEntity><cbc:RegistrationName>\(e(name))</cbc:RegistrationName></cac:PartyLegalEntity></cac:\(element)>"
        }
        return """
            <ApplicationResponse xmlns="\(Self.namespace)" \
            xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" \
            xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">\
            <cbc:CustomizationID>\(Self.customizationID)</cbc:CustomizationID><cbc:ProfileID>\(Self.profileID)</cbc:ProfileID>\
            <cbc:ID>\(e(id))</cbc:ID><cbc:IssueDate>\(e(issueDate))</cbc:IssueDate>\
            \(party("SenderParty", sender, senderName))\(party("ReceiverParty", receiver, receiverName))\
            <cac:DocumentResponse><cac:Response><cbc:ResponseCode>\(e(responseCode))</cbc:ResponseCode>\
            \(reason.map { "<cac:Status><cbc:StatusReasonCode>OTH</cbc:StatusReasonCode><cbc:StatusReason>\(e($0))</cbc:StatusReason></cac:Status>" } ?? "")\
            </cac:Response><cac:DocumentReference><cbc:ID>\(e(invoiceID))</cbc:ID>\
            \(invoiceIssueDate.map { "<cbc:IssueDate>\(e($0))</cbc:IssueDate>" } ?? "")\
            <cbc:DocumentTypeCode>380</cbc:DocumentTypeCode></cac:DocumentReference></cac:DocumentResponse></ApplicationResponse>
            """
    }

    /// Reads an Invoice Response; nil when `root` is not an ApplicationResponse. An
    /// ApplicationResponse of another kind (a Message Level Response, say) is refused.
    public init?(_ root: HardenedXML.XMLElement) throws(PlatformError) {
        guard root.name == "ApplicationResponse", root.namespace == Self.namespace else { return nil }
        let cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
        let cac = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
        func text(_ element: HardenedXML.XMLElement?, _ name: String) -> String? {
            element?.child(name, in: cbc).map(\.text.trimmingXMLWhitespace).flatMap { $0.isEmpty ? nil : $0 }
        }
        guard text(root, "CustomizationID") == Self.customizationID else {
            throw PlatformError.invalidPayload("an ApplicationResponse that is not a Peppol BIS Invoice Response 3")
        }
        func party(_ name: String) -> (String, String)? {
            guard let party = root.child(name, in: cac), let endpoint = party.child("EndpointID", in: cbc),
                let scheme = endpoint.attribute("schemeID")
            else { return nil }
            return (
                "\(scheme):\(endpoint.text.trimmingXMLWhitespace)",
                text(party.child("PartyLegalEntity", in: cac), "RegistrationName") ?? ""
            )
        }
        let response = root.child("DocumentResponse", in: cac)
        guard let id = text(root, "ID"), let issueDate = text(root, "IssueDate"), let sender = party("SenderParty"),
            let receiver = party("ReceiverParty"), let code = text(response?.child("Response", in: cac), "ResponseCode"),
            let invoiceID = text(response?.child("DocumentReference", in: cac), "ID")
        else {
            throw PlatformError.invalidPayload("the invoice response lacks its ID, date, parties, response code or document reference")
        }
        self.init(
            id: id, issueDate: issueDate, sender: sender.0, senderName: sender.1, receiver: receiver.0, receiverName: receiver.1,
            invoiceID: invoiceID, invoiceIssueDate: text(response?.child("DocumentReference", in: cac), "IssueDate"),
            responseCode: code,
            reason: text(response?.child("Response", in: cac)?.child("Status", in: cac), "StatusReason"))
    }

    public init(
        id: String, issueDate: String, sender: String, senderName: String, receiver: String, receiverName: String,
        invoiceID: String, invoiceIssueDate: String?, responseCode: String, reason: String?
    ) {
        self.id = id
        self.issueDate = issueDate
        self.sender = sender
        self.senderName = senderName
        self.receiver = receiver
        self.receiverName = receiverName
        self.invoiceID = invoiceID
        self.invoiceIssueDate = invoiceIssueDate
        self.responseCode = responseCode
        self.reason = reason
    }

    static func split(_ participant: String) -> (scheme: String, value: String) {
        guard let colon = participant.firstIndex(of: ":") else { return ("", participant) }
        return (String(participant[..<colon]), String(participant[participant.index(after: colon)...]))
    }
}

extension PlatformService {
    /// After a receiver set `status` on a document that came over Peppol: the Invoice Response
    /// goes back to the sender's access point through the outside-delivery queue (durable, retried,
    /// its receipt kept), as a document in the receiver's outbox.
    func queueInvoiceResponse(to document: StoredDocument, change: StatusChange) async throws {
        let status = change.status
        guard configuration.peppol != nil, document.route == .toPeppol, let organisation = document.receiverPartyID,
            let code = InvoiceResponse.responseCode(for: status)
        else { return }
        let invoice = try? XMLReader().read(document.payload.utf8)
        let cbc = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
        let invoiceID = invoice?.child("ID", in: cbc)?.text.trimmingXMLWhitespace ?? document.subject
        let now = clock()
        let response = InvoiceResponse(
            id: UUID().uuidString.lowercased(), issueDate: now.formatted(Date.ISO8601FormatStyle().year().month().day()),
            sender: document.receiverReference, senderName: document.receiverName ?? organisation, receiver: document.senderPartyID,
            receiverName: document.senderName, invoiceID: invoiceID,
            invoiceIssueDate: invoice?.child("IssueDate", in: cbc)?.text.trimmingXMLWhitespace, responseCode: code, reason: change.reason)
        let payload = response.xml()
        let queued = StatusChange(status: .inWachtrij, userID: nil, userEmail: nil, accountID: nil, accountName: "efactuur", changedOn: now)
        let draft = DocumentDraft(
            senderPartyID: organisation, receiverPartyID: nil, receiverReference: document.senderPartyID, receiverEmail: nil,
            subject: "\(Template.factuurreactie.name) \(invoiceID): \(status.name)", templateID: Template.factuurreactie.id, route: .toPeppol,
            identity: "response:\(document.externalID):\(status.code)", initialStatus: queued, payload: payload,
            payloadSHA256: DocumentDigest.sha256(payload), deliveryClaimedUntil: now.addingTimeInterval(OutsideDelivery.claim),
            peppolReceiver: document.senderPartyID)
        let stored = try await store.storeDocument(draft, now: now)
        if let queuedDocument = try await store.document(externalID: stored.externalID) {
            _ = try await attemptDelivery(QueuedDelivery(externalID: stored.externalID, revision: stored.revision, attempts: 0), of: queuedDocument)
        }
    }

    /// An Invoice Response that arrived over Peppol: the status it carries is set on the document
    /// it answers (the one this platform sent to the response's sender), once per AS4 MessageId.
    func applyInvoiceResponse(
        _ response: InvoiceResponse, organisation: Organisation, from sender: String, messageID: String, receipt: [UInt8]
    ) async throws -> PeppolMessageRecord {
        guard
            let document = try await store.outboxDocument(
                senderPartyID: organisation.partyID, peppolReceiver: sender, invoiceID: response.invoiceID)
        else {
            throw PlatformError.documentNotFound("\(response.invoiceID) sent to \(sender)")
        }
        let now = clock()
        let change = StatusChange(
            status: response.status ?? document.status.status, userID: nil, userEmail: nil, accountID: nil,
            accountName: "\(response.senderName.isEmpty ? sender : response.senderName) (Peppol)", changedOn: now,
            reason: StatusReason.received(response.reason))
        let record = PeppolMessageRecord(
            messageID: messageID, direction: .received, externalID: document.externalID, revision: document.revision,
            participant: sender, receipt: receipt, recordedOn: now)
        return try await store.recordInvoiceResponse(record, change: response.status == nil ? nil : change)
    }
}
