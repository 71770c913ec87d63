import Foundation
import HardenedXML

// The caller's side of the answers: an envelope read back into a typed ResponseMessage.

/// Why an answer could not be used: the platform refused (a SOAP fault), or what came back is not
/// an answer to the operation.
public struct ResponseReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// What came back is not an answer to the operation.
        public static let malformed: Code = "wire.malformed-answer"
    }

    /// ``Code/malformed``, or the fault's own code.
    public var code: Code
    public var message: String
    /// The platform's refusal, when the answer is a fault.
    public var fault: SOAPFault?

    public static func fault(_ fault: SOAPFault) -> ResponseReadError {
        ResponseReadError(code: Code(rawValue: fault.code.rawValue), message: fault.message, fault: fault)
    }

    public static func malformed(_ why: String) -> ResponseReadError {
        ResponseReadError(code: .malformed, message: why, fault: nil)
    }

    public var description: String { "\(message) [\(code)]" }
}

extension ResponseMessage {
    /// Reads the answer to `operation`. A fault is thrown as a ``ResponseReadError`` with its ``SOAPFault``,
    /// its code and message; elements are taken from whichever API namespace the answer uses.
    public static func read(
        _ bytes: some Collection<UInt8>, operation: Operation, limits: XMLReader.Limits = XMLReader.Limits()
    ) throws(ResponseReadError) -> ResponseMessage {
        let envelope: XMLElement
        do {
            envelope = try XMLReader(limits: limits, opaqueElements: SOAPRequest.payloadElements).read(bytes)
        } catch {
            throw .malformed("the answer is not XML: \(error.message)")
        }
        guard envelope.name == "Envelope", envelope.namespace == soapEnvelopeNamespace,
            let body = envelope.child("Body", in: soapEnvelopeNamespace), let answer = body.children.first
        else { throw .malformed("the answer is not a SOAP 1.1 envelope with a body") }
        if answer.name == "Fault", answer.namespace == soapEnvelopeNamespace {
            let faultString = answer.children.first { $0.name == "faultstring" }?.text ?? ""
            throw .fault(
                SOAPFault(faultString: faultString)
                    ?? SOAPFault(code: "UNKNOWN", message: faultString.isEmpty ? "a fault without a message" : faultString))
        }
        guard answer.name == operation.responseElement, APIVersion(namespace: answer.namespace) != nil else {
            throw .malformed("expected \(operation.responseElement), got {\(answer.namespace)}\(answer.name)")
        }
        let reader = AnswerReader(element: answer, path: answer.name)
        var payload: String?
        if [.getInboxDocument, .getOutboxDocument, .getDocument].contains(operation) {
            // The document exactly as the platform keeps it, not a re-serialization of a tree.
            let path = [
                XMLName(soapEnvelopeNamespace, "Envelope"), XMLName(soapEnvelopeNamespace, "Body"),
                XMLName(answer.namespace, answer.name), XMLName(answer.namespace, "Details"),
                XMLName(answer.namespace, "Payload"),
            ]
            do {
                payload = try SOAPRequest.embeddedDocument(under: path, in: bytes)
            } catch {
                throw .malformed("the answer's document cannot be taken as it is: \(error.message)")
            }
        }
        do {
            return try ResponseMessage(operation, reader, payload: payload)
        } catch let error as AnswerReader.Missing {
            throw .malformed("the answer lacks \(error.path)")
        } catch {
            throw .malformed("\(error)")
        }
    }

    private init(_ operation: Operation, _ answer: AnswerReader, payload: String?) throws {
        switch operation {
        case .login:
            self = .login(securityToken: try answer.required("SecurityToken"))
        case .getAccountDetails:
            self = .accountDetails(
                WireAccount(
                    id: try answer.required("Id"), name: try answer.required("Name"),
                    description: answer.optional("Description"), emailAddress: answer.optional("EmailAddress")))
        case .getAccountParties:
            let parties = try answer.list("Results", "PartyAccountDetails").map { try $0.party() }
            self = .accountParties(parties, nextPage: answer.child("PagingResponse")?.optional("NextPage"))
        case .getParties:
            let parties = try answer.list("Results", "Party").map { try $0.party() }
            self = .parties(parties, nextPage: answer.child("PagingResponse")?.optional("NextPage"))
        case .getParty:
            self = .party(try answer.requiredChild("Details").party())
        case .sendDocument:
            self = .sendDocument(externalID: try answer.required("ExternalId"))
        case .getInboxDocuments, .getOutboxDocuments, .getDocuments:
            let documents = try answer.list("Results", "Document").map { try $0.document() }
            self = .documents(documents, nextPage: answer.child("PagingResponse")?.optional("NextPage"))
        case .getInboxDocument, .getOutboxDocument, .getDocument:
            let details = try answer.requiredChild("Details")
            guard let payload else { throw AnswerReader.Missing(path: details.path + "/Payload/*") }
            let statuses = answer.list("Statuses", "Status").map {
                WireStatus(name: $0.optional("Name") ?? "", code: $0.optional("Code") ?? "")
            }
            self = .document(try details.document(), payload: payload, statuses: statuses)
        case .getInboxDocumentStatus, .getOutboxDocumentStatus:
            let details = try answer.requiredChild("Details")
            self = .documentStatus(try details.status(), try details.statusInfo(fallback: nil))
        case .setInboxDocumentStatus:
            self = .setInboxDocumentStatus(externalID: try answer.required("ExternalId"))
        case .getDocumentPdf:
            let file = try answer.requiredChild("File")
            let encoded = try file.required("Contents")
            guard let contents = Data(base64Encoded: encoded, options: .ignoreUnknownCharacters) else {
                throw AnswerReader.Missing(path: file.path + "/Contents (base64)")
            }
            self = .documentPdf(fileName: file.optional("Name") ?? "document.pdf", contents: contents)
        }
    }
}

/// Reads the children of one answer element by local name, with paths for messages.
private struct AnswerReader {
    struct Missing: Error {
        var path: String
    }

    let element: XMLElement
    let path: String

    func child(_ name: String) -> AnswerReader? {
        element.children.first { $0.name == name }.map { AnswerReader(element: $0, path: path + "/" + name) }
    }

    func requiredChild(_ name: String) throws -> AnswerReader {
        guard let child = child(name) else { throw Missing(path: path + "/" + name) }
        return child
    }

    func optional(_ name: String) -> String? {
        guard let text = child(name)?.element.text.trimmingXMLWhitespace, !text.isEmpty
        else { return nil }
        return text
    }

    func required(_ name: String) throws -> String {
        guard let value = optional(name) else { throw Missing(path: path + "/" + name) }
        return value
    }

    func date(_ name: String) throws -> Date {
        let text = try required(name)
        guard let date = WireDate.parse(text) else { throw Missing(path: "\(path)/\(name) (an xs:dateTime, not '\(text)')") }
        return date
    }

    /// The `item` children of the `container` child.
    func list(_ container: String, _ item: String) -> [AnswerReader] {
        guard let parent = child(container) else { return [] }
        return parent.element.children.filter { $0.name == item }.map {
            AnswerReader(element: $0, path: parent.path + "/" + item)
        }
    }

    func party() throws -> WireParty {
        let address = child("Address").map {
            WireAddress(
                streetName: $0.optional("StreetName"), houseNumber: $0.optional("HouseNumber"),
                postalCode: $0.optional("PostalCode"), residence: $0.optional("Residence"),
                countryCode: $0.optional("CountryCode"))
        }
        return WireParty(
            referenceID: optional("ReferenceId") ?? "", name: optional("Name") ?? "",
            chamberNumber: optional("ChamberNumber"), address: address,
            econnectPartyID: optional("EConnectPartyId") ?? "",
            accountID: child("Account")?.optional("Id") ?? "", accountName: child("Account")?.optional("Name") ?? "",
            isRegisteredToPeppol: optional("IsRegisteredToPeppol") == "true", isVerified: optional("IsVerified") == "true")
    }

    func status() throws -> WireStatus {
        WireStatus(name: optional("Name") ?? "", code: try required("Code"))
    }

    /// `Info`, or when a list leaves it out, the document's modification time.
    func statusInfo(fallback: Date?) throws -> WireStatusInfo {
        guard let info = child("Info") else {
            guard let fallback else { throw Missing(path: path + "/Info") }
            return WireStatusInfo(userID: nil, userName: nil, accountID: nil, accountName: nil, changedOn: fallback)
        }
        return WireStatusInfo(
            userID: info.optional("UserId"), userName: info.optional("UserName"), accountID: info.optional("AccountId"),
            accountName: info.optional("AccountName"), changedOn: try info.date("ChangedOn"))
    }

    func document() throws -> WireDocument {
        let modifiedOn = try date("ModifiedOn")
        let status = try requiredChild("Status")
        let template = child("Template")
        let transaction = child("Transaction")
        let receiver = child("Reciever").map { ($0.optional("EConnectPartyId") ?? "", $0.optional("Name") ?? "") }
        return WireDocument(
            externalID: try required("ExternalId"), subject: optional("Subject") ?? "", createdOn: try date("CreatedOn"),
            modifiedOn: modifiedOn,
            sender: (child("Sender")?.optional("EConnectPartyId") ?? "", child("Sender")?.optional("Name") ?? ""),
            receiver: receiver.map { (partyID: $0.0, name: $0.1) },
            status: try status.status(), statusInfo: try status.statusInfo(fallback: modifiedOn),
            template: WireTemplate(
                id: template?.optional("Id") ?? "", name: template?.optional("Name") ?? "",
                masterID: template?.optional("MasterId") ?? "", masterName: template?.optional("MasterName") ?? ""),
            messageID: transaction?.optional("MessageId") ?? "",
            deliveryMethod: transaction?.optional("DeliveryMethod").flatMap(DeliveryMethod.init(rawValue:)) ?? .none,
            endpoint: transaction?.optional("Endpoint"),
            senderReferenceID: transaction?.optional("SenderReferenceId") ?? "",
            receiverReferenceID: transaction?.optional("ReceiverReferenceId") ?? "")
    }
}
