import EConnectWire
import Foundation
import HardenedXML
import Testing

/// The caller's side: every request a client writes reads back on the server side as the same
/// message, and every answer the server writes reads back on the client side.
@Suite("Client-side requests and answers")
struct ClientSideTests {
    static let ubl = """
        <Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" \
        xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"><cbc:ID>F &amp; 1</cbc:ID></Invoice>
        """

    static func requests() throws -> [RequestMessage] {
        var search = DocumentSearch()
        search.externalID = "XCNIN1"
        search.createdOn = TimeSpan(from: Date(timeIntervalSince1970: 1_790_000_000), to: nil)
        search.modifiedOn = TimeSpan(from: nil, to: Date(timeIntervalSince1970: 1_790_086_400))
        search.sender = "XCNL10001"
        search.receiver = "Ministerie <& Co>"
        search.statusCode = "30"
        search.templateMasterID = TemplateID.factuur
        return [
            .login(consumerKey: "k&y", consumerSecret: "s<e>cret"),
            .getAccountDetails,
            .getAccountParties(Paging(limit: 25, startPage: "p2")),
            .getParties(PartySearch(name: "Klant", countryCode: "NL"), Paging()),
            .getParty(referenceID: "NL:KVK:12345678"),
            .sendDocument(
                SendDocumentRequest(
                    via: "XCNL10001", toReference: "0106:87654321", toEmail: "f@klant.example", subject: "Factuur 1",
                    payload: try SendDocumentRequest.payload(Array(ubl.utf8)), templateID: TemplateID.factuur)),
            .listDocuments(.inbox, ListDocumentsRequest(paging: Paging(limit: 100, startPage: "t"), search: search)),
            .listDocuments(.outbox, ListDocumentsRequest()),
            .listDocuments(.drafts, ListDocumentsRequest(groupID: "G")),
            .getDocument(.inbox, id: "XCNIN1"),
            .getDocument(.outbox, id: "XCNIN2"),
            .getDocument(.drafts, id: "D1"),
            .getDocumentStatus(.inbox, externalID: "XCNIN3"),
            .getDocumentStatus(.outbox, externalID: "XCNIN4"),
            .setInboxDocumentStatus(externalID: "XCNIN5", statusCode: "30"),
            .getDocumentPdf(externalID: "XCNIN6"),
        ]
    }

    @Test("Every request a client writes is read by the server as the same message, on v3 and v3.1")
    func requestsRoundTrip() throws {
        let requests = try Self.requests()
        #expect(Set(requests.map(\.operation)) == Set(EConnectWire.Operation.allCases))
        for version in APIVersion.allCases {
            for message in requests {
                let xml = Envelope.request(message, securityToken: "tok", version: version)
                let read = ElementRecorder()
                let parsed = try SOAPRequest.parse(
                    Array(xml.utf8), soapAction: version.soapAction(message.operation), payloadInto: read)
                #expect(parsed.operation == message.operation)
                #expect(parsed.securityToken == "tok")
                var body = parsed.body
                if case .sendDocument(var send) = body {
                    // The document read with the envelope is the payload's own.
                    #expect(send.payloadRead)
                    #expect(read.events == ElementRecorder.events(of: try XMLReader().read(Array(send.payload.utf8))))
                    send.payloadRead = false
                    body = .sendDocument(send)
                } else {
                    #expect(read.events.isEmpty)
                }
                // The payload too: it arrives as the same bytes.
                #expect(String(describing: body) == String(describing: message), "\(message.operation)")
            }
        }
    }

    static let document = WireDocument(
        externalID: "XCNIN100001", subject: "Factuur F1", createdOn: Date(timeIntervalSince1970: 1_790_000_000.5),
        modifiedOn: Date(timeIntervalSince1970: 1_790_000_100), sender: ("XCNL10001", "Lev & Zn"),
        receiver: ("XCNL10002", "Klant"), status: WireStatus(name: "Verwerkt", code: "30"),
        statusInfo: WireStatusInfo(
            userID: "U1", userName: "a@klant.example", accountID: "ACC2", accountName: "Klant",
            changedOn: Date(timeIntervalSince1970: 1_790_000_100)),
        template: WireTemplate(id: TemplateID.factuur, name: "Factuur", masterID: TemplateID.factuur, masterName: "Factuur"),
        messageID: "M1", deliveryMethod: .toInbox, endpoint: nil, senderReferenceID: "NL:KVK:12345678",
        receiverReferenceID: "0106:87654321")

    static let party = WireParty(
        referenceID: "NL:KVK:12345678", name: "Lev", chamberNumber: "12345678",
        address: WireAddress(streetName: "Havenweg", postalCode: "3011 AB", residence: "Rotterdam", countryCode: "NL"),
        econnectPartyID: "XCNL10001", accountID: "ACC1", accountName: "Lev", isRegisteredToPeppol: false, isVerified: true)

    func answer(_ message: ResponseMessage, _ operation: EConnectWire.Operation, _ version: APIVersion = .v3_1) throws -> ResponseMessage {
        try ResponseMessage.read(Array(Envelope.response(message, operation: operation, version: version).utf8), operation: operation)
    }

    @Test("Every answer the server writes reads back on the client side")
    func answersRoundTrip() throws {
        for version in APIVersion.allCases {
            guard case .login("T0K") = try answer(.login(securityToken: "T0K"), .login, version) else {
                Issue.record("login"); return
            }
        }
        guard
            case .accountDetails(let account) = try answer(
                .accountDetails(WireAccount(id: "ACC1", name: "Lev", description: nil, emailAddress: "a@lev.example")),
                .getAccountDetails)
        else { Issue.record("account"); return }
        #expect(account == WireAccount(id: "ACC1", name: "Lev", description: nil, emailAddress: "a@lev.example"))

        guard case .accountParties(let parties, "next") = try answer(.accountParties([Self.party], nextPage: "next"), .getAccountParties)
        else { Issue.record("account parties"); return }
        #expect(parties == [Self.party])
        guard case .parties(let found, nil) = try answer(.parties([Self.party], nextPage: nil), .getParties) else {
            Issue.record("parties"); return
        }
        #expect(found.first?.name == "Lev" && found.first?.address == Self.party.address)
        guard case .party(let one) = try answer(.party(Self.party), .getParty) else { Issue.record("party"); return }
        #expect(one.econnectPartyID == "XCNL10001")
        guard case .sendDocument("XCNIN9") = try answer(.sendDocument(externalID: "XCNIN9"), .sendDocument) else {
            Issue.record("send"); return
        }

        guard case .documents(let documents, "p2") = try answer(.documents([Self.document], nextPage: "p2"), .getInboxDocuments)
        else { Issue.record("documents"); return }
        let listed = try #require(documents.first)
        #expect(listed == Self.document)
        #expect(listed.sender.name == "Lev & Zn" && listed.receiver?.partyID == "XCNL10002")
        #expect(listed.deliveryMethod == .toInbox && listed.receiverReferenceID == "0106:87654321")

        guard
            case .document(let detailed, let payload, let statuses) = try answer(
                .document(Self.document, payload: Self.ubl, statuses: [WireStatus(name: "Afgeleverd", code: "10")]),
                .getOutboxDocument)
        else { Issue.record("document"); return }
        #expect(detailed.statusInfo == Self.document.statusInfo)
        #expect(try XMLReader().read(Array(payload.utf8)).serializedXML() == XMLReader().read(Array(Self.ubl.utf8)).serializedXML())
        #expect(statuses == [WireStatus(name: "Afgeleverd", code: "10")])

        guard
            case .documentStatus(let status, let info) = try answer(
                .documentStatus(Self.document.status, Self.document.statusInfo), .getInboxDocumentStatus)
        else { Issue.record("status"); return }
        #expect(status.code == "30" && info == Self.document.statusInfo)
        guard case .setInboxDocumentStatus("XCNIN1") = try answer(.setInboxDocumentStatus(externalID: "XCNIN1"), .setInboxDocumentStatus)
        else { Issue.record("set status"); return }
        guard case .documentPdf("f.pdf", let pdf) = try answer(.documentPdf(fileName: "f.pdf", contents: Data("%PDF-1.4".utf8)), .getDocumentPdf)
        else { Issue.record("pdf"); return }
        #expect(pdf == Data("%PDF-1.4".utf8))
    }

    @Test("A fault comes back with its code and message; other answers are malformed, not crashes")
    func faultsAndGarbage() {
        func error(_ text: String, _ operation: EConnectWire.Operation = .login) -> ResponseReadError? {
            do {
                _ = try ResponseMessage.read(Array(text.utf8), operation: operation)
                return nil
            } catch { return error }
        }
        #expect(
            error(Envelope.fault(.tokenExpired, version: .v3)) == .fault(SOAPFault(code: "DEFAULT_ERROR_CODE999", message: "DEFAULT_ERROR_MESSAGE")))
        #expect(
            error(Envelope.fault(.validationFailed(["BR-NL-1"]), version: .v3_1))?.fault?.code == "ERRXSL4000001")
        for garbage in [
            "", "<html>502 Bad Gateway</html>", "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"/>",
            Envelope.response(.login(securityToken: "t"), operation: .login, version: .v3),
        ] {
            #expect(error(garbage, garbage.contains("LoginResponse") ? .sendDocument : .login)?.code == .malformed, "\(garbage)")
        }
    }
}

/// The events a sink receives, as text (without lines: a document inside another has that one's).
final class ElementRecorder: XMLElementSink {
    var events: [String] = []

    func start(name: String, namespace: String, attributes: [XMLAttribute], line: Int) {
        events.append("<{\(namespace)}\(name) \(attributes.map { "\($0.namespace):\($0.name)=\($0.value)" })")
    }

    func end(text: String) { events.append(">\(text)") }

    /// What a sink receives reading `element`.
    static func events(of element: XMLElement) -> [String] {
        let recorder = ElementRecorder()
        func feed(_ element: XMLElement) {
            recorder.start(name: element.name, namespace: element.namespace, attributes: element.attributes, line: element.line)
            element.children.forEach(feed)
            recorder.end(text: element.text)
        }
        feed(element)
        return recorder.events
    }
}
