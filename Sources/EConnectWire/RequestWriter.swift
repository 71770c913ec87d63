import Foundation
import HardenedXML

// The caller's side of the requests: each message written with the WSDL's element names and order.

extension RequestMessage {
    /// The operation this message is the body of.
    public var operation: Operation {
        switch self {
        case .login: .login
        case .getAccountDetails: .getAccountDetails
        case .getAccountParties: .getAccountParties
        case .getParties: .getParties
        case .getParty: .getParty
        case .sendDocument: .sendDocument
        case .listDocuments(.inbox, _): .getInboxDocuments
        case .listDocuments(.outbox, _): .getOutboxDocuments
        case .listDocuments(.drafts, _): .getDocuments
        case .getDocument(.inbox, _): .getInboxDocument
        case .getDocument(.outbox, _): .getOutboxDocument
        case .getDocument(.drafts, _): .getDocument
        case .getDocumentStatus(.inbox, _): .getInboxDocumentStatus
        case .getDocumentStatus(.outbox, _), .getDocumentStatus(.drafts, _): .getOutboxDocumentStatus
        case .setInboxDocumentStatus: .setInboxDocumentStatus
        case .getDocumentPdf: .getDocumentPdf
        }
    }

    func writeChildren(into xml: inout XMLText) {
        switch self {
        case .login(let key, let secret):
            xml.leaf("ConsumerKey", key)
            xml.leaf("ConsumerSecret", secret)
        case .getAccountDetails:
            break
        case .getAccountParties(let paging):
            write(paging, into: &xml)
        case .getParties(let search, let paging):
            xml.open("Search")
            xml.leaf("ReferenceId", search.referenceID)
            xml.leaf("Name", search.name)
            xml.leaf("ChamberNumber", search.chamberNumber)
            xml.leaf("Residence", search.residence)
            xml.leaf("CountryCode", search.countryCode)
            xml.close("Search")
            write(paging, into: &xml)
        case .getParty(let referenceID):
            xml.leaf("ReferenceId", referenceID)
        case .sendDocument(let request):
            xml.open("Via")
            xml.leaf("ReferenceId", request.via)
            xml.close("Via")
            xml.open("To")
            xml.leaf("ReferenceId", request.toReference)
            xml.leaf("EmailAddress", request.toEmail)
            xml.close("To")
            xml.leaf("Subject", request.subject)
            xml.open("Payload")
            xml.raw(request.payload)
            xml.close("Payload")
            xml.leaf("TemplateId", request.templateID)
        case .listDocuments(let mailbox, let request):
            xml.leaf("GroupId", request.groupID)
            if mailbox != .drafts { xml.leaf("EConnectPartyId", request.partyID) }
            write(request.paging, into: &xml)
            write(request.search, into: &xml)
        case .getDocument(.drafts, let id):
            xml.leaf("DocumentId", id)
        case .getDocument(_, let id), .getDocumentStatus(_, let id), .getDocumentPdf(let id):
            xml.leaf("ExternalId", id)
        case .setInboxDocumentStatus(let externalID, let statusCode):
            xml.leaf("ExternalId", externalID)
            xml.leaf("StatusCode", statusCode)
        }
    }

    private func write(_ paging: Paging, into xml: inout XMLText) {
        xml.open("Paging")
        xml.leaf("Limit", String(paging.limit))
        xml.leaf("StartPage", paging.startPage)
        xml.close("Paging")
    }

    private func write(_ search: DocumentSearch, into xml: inout XMLText) {
        guard search != DocumentSearch() else { return }
        xml.open("Search")
        xml.leaf("ExternalId", search.externalID)
        xml.leaf("DocumentId", search.documentID)
        xml.leaf("Subject", search.subject)
        for (name, span) in [("CreatedOn", search.createdOn), ("ModifiedOn", search.modifiedOn)] {
            guard let span else { continue }
            // Both are required and nillable, `To` first.
            xml.open(name)
            for (end, date) in [("To", span.to), ("From", span.from)] {
                if let date {
                    xml.leaf(end, WireDate.format(date))
                } else {
                    xml.raw("<\(end) xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/>")
                }
            }
            xml.close(name)
        }
        for (name, party) in [("Sender", search.sender), ("Reciever", search.receiver)] {
            guard let party else { continue }
            // A Bedrijfs-ID (XC…) is a party id; anything else is searched as a name.
            xml.open(name)
            xml.leaf(party.hasPrefix("XC") ? "EConnectPartyId" : "Name", party)
            xml.close(name)
        }
        if let code = search.statusCode {
            xml.open("Status")
            xml.leaf("Code", code)
            xml.close("Status")
        }
        if search.templateID != nil || search.templateMasterID != nil {
            xml.open("Template")
            xml.leaf("Id", search.templateID)
            xml.leaf("MasterId", search.templateMasterID)
            xml.close("Template")
        }
        xml.close("Search")
    }
}

extension Envelope {
    /// A typed request as a client sends it.
    public static func request(_ message: RequestMessage, securityToken: String?, version: APIVersion) -> String {
        var body = XMLText(reservingCapacity: 1024)
        message.writeChildren(into: &body)
        return request(message.operation.rawValue, body: body.text, securityToken: securityToken, version: version)
    }
}
