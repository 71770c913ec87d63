import EInvoice
import EInvoiceRules
import Foundation
import HardenedXML

/// The Peppol network as the platform uses it: `PlatformPeppol` implements it with SML/SMP
/// lookups and AS4. The platform decides what goes where; the network only finds and carries.
public protocol PeppolNetwork: Sendable {
    /// Whether `participant` (`0106:12345678`) receives this document type over Peppol.
    func reaches(_ participant: String, _ type: PeppolDocumentType) async -> Bool
    /// Sends `document` to `participant`'s access point and returns the signed receipt, checked.
    /// A retry of the same document revision uses the same AS4 MessageId (`messageID(for:)`), so
    /// the receiving access point delivers it once however often it is sent.
    func deliver(_ document: StoredDocument, to participant: String) async throws -> PeppolDeliveryProof
}

/// What a delivery over Peppol proves: the AS4 MessageId and the receiver's signed receipt.
public struct PeppolDeliveryProof: Sendable {
    public var messageID: String
    public var receipt: [UInt8]

    public init(messageID: String, receipt: [UInt8]) {
        self.messageID = messageID
        self.receipt = receipt
    }
}

/// A document's identity on the Peppol network: its document type id and process id.
public struct PeppolDocumentType: Sendable, Hashable {
    public var documentType: String
    public var process: String

    public init(documentType: String, process: String) {
        self.documentType = documentType
        self.process = process
    }

    /// What the platform receives over Peppol and its SMP publishes for every verified
    /// organisation: Peppol BIS Billing 3 and SI-UBL 2.0, invoices and credit notes, and the
    /// Invoice Responses to what it sent.
    public static let received: [PeppolDocumentType] = {
        let process = Specification.peppolBillingProfile
        let roots = [
            "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2::Invoice",
            "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2::CreditNote",
        ]
        let customizations = ["urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", Specification.siUBL20]
        return customizations.flatMap { customization in
            roots.map { PeppolDocumentType(documentType: "\($0)##\(customization)::2.1", process: process) }
        } + [InvoiceResponse.documentType]
    }()

    /// The type in words: "Peppol BIS 3 — Invoice", "SI-UBL 2.0 — CreditNote", "Invoice Response".
    public var name: String {
        if self == InvoiceResponse.documentType { return "Invoice Response" }
        let customization = documentType.contains(Specification.siUBL20) ? "SI-UBL 2.0" : "Peppol BIS 3"
        return "\(customization) — \(rootElement.name)"
    }

    /// The root element the type names, from `<root namespace>::<root name>##…`: what the SBDH
    /// calls the document's Standard and Type.
    public var rootElement: (namespace: Substring, name: Substring) {
        let root = documentType.split(separator: "##", omittingEmptySubsequences: false)[0]
        let parts = root.split(separator: "::", omittingEmptySubsequences: false)
        return (parts[0], parts[parts.count - 1])
    }

    /// `<root namespace>::<root name>##<CustomizationID>::2.1`, and the ProfileID as process (the
    /// billing process when there is none): the one rule for a document's type, whether it is
    /// read from the model when sending or from the stored payload when retrying.
    public init(rootNamespace: String, rootName: String, customizationID: String?, profileID: String?) {
        let customization = customizationID?.trimmed ?? ""
        let profile = profileID?.trimmed ?? ""
        documentType = "\(rootNamespace)::\(rootName)##\(customization.isEmpty ? Specification.siUBL20 : customization)::2.1"
        process = profile.isEmpty ? Specification.peppolBillingProfile : profile
    }

    public init(_ invoice: InvoiceHead) {
        self.init(
            rootNamespace: invoice.kind == .creditNote ? UBLNamespace.creditNote : UBLNamespace.invoice,
            rootName: invoice.kind == .creditNote ? "CreditNote" : "Invoice", customizationID: invoice.customizationID,
            profileID: invoice.profileID)
    }
}

extension PlatformService {
    /// The local name of a document's root element, found lexically (the document is parsed
    /// afterwards anyway): past the XML declaration, comments and processing instructions.
    public static func rootLocalName(_ document: String) -> Substring? {
        var rest = document[...]
        while let open = rest.firstIndex(of: "<") {
            let after = rest.index(after: open)
            guard after < rest.endIndex else { return nil }
            if rest[after] == "?" || rest[after] == "!" {
                rest = rest[after...]
                continue
            }
            let name = rest[after...].prefix { !" \t\r\n/>".contains($0) }
            return name.split(separator: ":").last
        }
        return nil
    }

    /// The receiver's Peppol participant id: the reference the sender gave when it is one
    /// (`0106:12345678`, a KvK or OIN number…), else the buyer's EndpointID.
    static func peppolParticipant(reference: String, invoice: InvoiceHead) -> String? {
        if let identifier = try? PartyIdentifier(parsing: reference), !identifier.isDummy { return identifier.participantID }
        if let endpoint = invoice.buyer.endpointID, let scheme = endpoint.schemeID,
            let identifier = try? PartyIdentifier(scheme: scheme, value: endpoint.value), !identifier.isDummy
        {
            return identifier.participantID
        }
        return nil
    }

    /// Stores a document that arrived over Peppol in its receiver's inbox, exactly as it arrived,
    /// once per AS4 MessageId. The receiver must be an organisation of this platform and the
    /// document must pass validation; otherwise nothing is stored and the sender's access point
    /// gets the refusal. Returns the record kept: for a MessageId received before, the first one
    /// (with the receipt answered then). `document`, when given, is `payload` as already read for
    /// the validator.
    public func receiveFromPeppol(
        payload: String, document: Validator.ReadDocument? = nil, from sender: String, to receiver: String, messageID: String,
        receipt: [UInt8]
    ) async throws -> PeppolMessageRecord {
        guard let identifier = try? PartyIdentifier(parsing: receiver), let organisation = try await findOrganisation(identifier) else {
            throw PlatformError.receiverUnreachable(receiver)
        }
        if Self.rootLocalName(payload) == "ApplicationResponse" {
            if let response = try InvoiceResponse(try Self.tree(of: payload)) {
                return try await applyInvoiceResponse(response, organisation: organisation, from: sender, messageID: messageID, receipt: receipt)
            }
        }
        let read = try await Self.readAndValidate(payload, document: document)
        let now = clock()
        let status = StatusChange(
            status: .afgeleverd, userID: nil, userEmail: nil, accountID: nil, accountName: "Peppol", changedOn: now)
        let draft = DocumentDraft(
            senderPartyID: sender, receiverPartyID: organisation.partyID, receiverReference: receiver, receiverEmail: nil,
            subject: "\(Template.factuur.name) \(read.head.id)", templateID: Template.factuur.id, route: .toPeppol,
            identity: "peppol:" + messageID, initialStatus: status, payload: payload, payloadSHA256: read.sha256,
            outsideSenderName: read.head.seller.displayName ?? sender, invoiceID: read.head.id)
        let record = PeppolMessageRecord(
            messageID: messageID, direction: .received, externalID: "", revision: 1, participant: sender, receipt: receipt,
            recordedOn: now)
        return try await store.storeReceivedDocument(draft, message: record, now: now)
    }
}
