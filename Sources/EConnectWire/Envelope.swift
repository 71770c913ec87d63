import Foundation

/// Writes answers and faults as SOAP 1.1 envelopes, in the request's API namespace.
public enum Envelope {
    /// A request: `<operation>` around `body` (children already written, in the API namespace),
    /// with the `Authentication/SecurityToken` header when a token is given.
    public static func request(_ operation: String, body: String, securityToken: String?, version: APIVersion) -> String {
        var xml = XMLText(reservingCapacity: body.utf8.count + 512)
        xml.raw("<soap:Envelope xmlns:soap=\"\(soapEnvelopeNamespace)\">")
        if let securityToken {
            xml.raw("<soap:Header>")
            xml.open("Authentication", " xmlns=\"\(version.namespace)\"")
            xml.leaf("SecurityToken", securityToken)
            xml.close("Authentication")
            xml.raw("</soap:Header>")
        }
        xml.raw("<soap:Body>")
        xml.open(operation, " xmlns=\"\(version.namespace)\"")
        xml.raw(body)
        xml.close(operation)
        xml.raw("</soap:Body></soap:Envelope>")
        return xml.text
    }

    /// `<soap:Envelope>` around the operation's response element, children in WSDL order.
    public static func response(_ body: ResponseMessage, operation: Operation, version: APIVersion) -> String {
        // Room for a document or PDF up front: grown by doubling, a 100 MiB payload would be
        // held in two buffers of up to twice its size while the last one is copied.
        var xml = XMLText(reservingCapacity: 4096 + body.largeContentBytes)
        xml.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
        xml.raw("<soap:Envelope xmlns:soap=\"\(soapEnvelopeNamespace)\"><soap:Body>")
        xml.open(operation.responseElement, " xmlns=\"\(version.namespace)\"")
        write(body, into: &xml)
        xml.close(operation.responseElement)
        xml.raw("</soap:Body></soap:Envelope>")
        return xml.text
    }

    /// `requestID`, when given, goes in the detail (its own namespace, beside eConnect's
    /// `Message`), so a caller can quote it and the operator find the request's log line.
    public static func fault(_ fault: SOAPFault, version: APIVersion?, requestID: String? = nil) -> String {
        var xml = XMLText(reservingCapacity: 512)
        xml.raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>")
        xml.raw("<soap:Envelope xmlns:soap=\"\(soapEnvelopeNamespace)\"><soap:Body><soap:Fault>")
        xml.leaf("faultcode", fault.isClientFault ? "soap:Client" : "soap:Server")
        xml.leaf("faultstring", fault.faultString)
        xml.open("detail")
        xml.open("Message", " xmlns=\"\((version ?? .v3_1).namespace)\"")
        xml.escape(fault.faultString, quotes: false)
        xml.close("Message")
        if let requestID {
            xml.open("RequestId", " xmlns=\"urn:efactuur:diagnostics\"")
            xml.escape(requestID, quotes: false)
            xml.close("RequestId")
        }
        xml.close("detail")
        xml.raw("</soap:Fault></soap:Body></soap:Envelope>")
        return xml.text
    }

    private static func write(_ body: ResponseMessage, into xml: inout XMLText) {
        switch body {
        case .login(let token):
            xml.leaf("SecurityToken", token)
        case .accountDetails(let account):
            xml.leaf("Id", account.id)
            xml.leaf("Name", account.name)
            xml.leaf("Description", account.description)
            xml.leaf("EmailAddress", account.emailAddress)
            xml.leaf("CanSendAppIntegrationRequests", "false")
        case .accountParties(let parties, let nextPage):
            xml.open("Results")
            for party in parties {
                xml.open("PartyAccountDetails")
                writeParty(party, into: &xml, withPartyID: true)
                xml.open("Account")
                xml.leaf("Id", party.accountID)
                xml.leaf("Name", party.accountName)
                xml.close("Account")
                xml.leaf("IsRegisteredToPeppol", party.isRegisteredToPeppol ? "true" : "false")
                xml.leaf("IsVerified", party.isVerified ? "true" : "false")
                xml.close("PartyAccountDetails")
            }
            xml.close("Results")
            writePaging(nextPage, into: &xml)
        case .parties(let parties, let nextPage):
            xml.open("Results")
            for party in parties {
                xml.open("Party")
                writeParty(party, into: &xml, withPartyID: false)
                xml.close("Party")
            }
            xml.close("Results")
            writePaging(nextPage, into: &xml)
        case .party(let party):
            xml.open("Details")
            writeParty(party, into: &xml, withPartyID: true)
            xml.close("Details")
        case .sendDocument(let externalID):
            xml.leaf("ExternalId", externalID)
        case .documents(let documents, let nextPage):
            xml.open("Results")
            for document in documents {
                xml.open("Document")
                writeDocument(document, into: &xml, details: false)
                xml.close("Document")
            }
            xml.close("Results")
            writePaging(nextPage, into: &xml)
        case .document(let document, let payload, let statuses):
            xml.open("Details")
            writeDocument(document, into: &xml, details: true)
            xml.open("Payload")
            xml.raw(payload)
            xml.close("Payload")
            xml.close("Details")
            xml.open("Statuses")
            for status in statuses {
                xml.open("Status")
                xml.leaf("Name", status.name)
                xml.leaf("Code", status.code)
                xml.close("Status")
            }
            xml.close("Statuses")
        case .documentStatus(let status, let info):
            xml.open("Details")
            writeStatusDetails(status, info, into: &xml)
            xml.close("Details")
        case .setInboxDocumentStatus(let externalID):
            xml.leaf("ExternalId", externalID)
        case .documentPdf(let fileName, let contents):
            xml.open("File")
            xml.leaf("Name", fileName)
            xml.leaf("Contents", contents.base64EncodedString())
            xml.close("File")
        }
    }

    private static func writeParty(_ party: WireParty, into xml: inout XMLText, withPartyID: Bool) {
        xml.leaf("ReferenceId", party.referenceID)
        xml.leaf("Name", party.name)
        xml.leaf("ChamberNumber", party.chamberNumber)
        if let address = party.address {
            xml.open("Address")
            xml.leaf("StreetName", address.streetName)
            xml.leaf("HouseNumber", address.houseNumber)
            xml.leaf("PostalCode", address.postalCode)
            xml.leaf("Residence", address.residence)
            xml.leaf("CountryCode", address.countryCode)
            xml.close("Address")
        }
        if withPartyID { xml.leaf("EConnectPartyId", party.econnectPartyID) }
    }

    private static func writePaging(_ nextPage: String?, into xml: inout XMLText) {
        xml.open("PagingResponse")
        xml.leaf("NextPage", nextPage)
        xml.close("PagingResponse")
    }

    private static func writeStatusDetails(_ status: WireStatus, _ info: WireStatusInfo, into xml: inout XMLText) {
        xml.leaf("Name", status.name)
        xml.leaf("Code", status.code)
        xml.open("Info")
        xml.leaf("UserId", info.userID)
        xml.leaf("UserName", info.userName)
        xml.leaf("AccountId", info.accountID)
        xml.leaf("AccountName", info.accountName)
        xml.leaf("ChangedOn", WireDate.format(info.changedOn))
        xml.close("Info")
    }

    private static func writeDocument(_ document: WireDocument, into xml: inout XMLText, details: Bool) {
        xml.leaf("ExternalId", document.externalID)
        xml.leaf("Subject", document.subject)
        xml.leaf("CreatedOn", WireDate.format(document.createdOn))
        xml.leaf("ModifiedOn", WireDate.format(document.modifiedOn))
        xml.open("Sender")
        xml.leaf("EConnectPartyId", document.sender.partyID)
        xml.leaf("Name", document.sender.name)
        xml.close("Sender")
        if let receiver = document.receiver {
            xml.open("Reciever")
            xml.leaf("EConnectPartyId", receiver.partyID)
            xml.leaf("Name", receiver.name)
            xml.close("Reciever")
        }
        xml.open("Status")
        if details {
            writeStatusDetails(document.status, document.statusInfo, into: &xml)
        } else {
            xml.leaf("Name", document.status.name)
            xml.leaf("Code", document.status.code)
        }
        xml.close("Status")
        xml.open("Template")
        xml.leaf("Id", document.template.id)
        xml.leaf("Name", document.template.name)
        xml.leaf("MasterId", document.template.masterID)
        xml.leaf("MasterName", document.template.masterName)
        xml.close("Template")
        xml.open("Transaction")
        xml.leaf("Endpoint", document.endpoint)
        xml.leaf("MessageId", document.messageID)
        xml.leaf("DeliveryMethod", document.deliveryMethod.rawValue)
        xml.leaf("SenderReferenceId", document.senderReferenceID)
        xml.leaf("ReceiverReferenceId", document.receiverReferenceID)
        xml.close("Transaction")
    }
}
