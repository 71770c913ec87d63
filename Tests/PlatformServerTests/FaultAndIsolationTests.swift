import EConnectWire
import EInvoice
import Foundation
import Testing

@testable import Platform

@Suite("SOAP API over HTTP: faults")
struct FaultTests {
    @Test("Every documented fault, as HTTP 500 with Message [CODE]", arguments: Storage.allCases)
    func documentedFaults(_ storage: Storage) async throws {
        let fixture = try await PlatformFixture.make(storage: storage)
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            func expectFault(_ answer: SOAPTestClient.Answer, _ code: String, _ comment: Comment? = nil) {
                #expect(answer.status == 500, comment)
                #expect(answer.fault?.code.rawValue == code, comment)
                // The same text in detail/Message.
                let detail = answer.body.children.first { $0.name == "detail" }?.children.first?.text
                #expect(detail == answer.fault?.faultString, comment)
            }
            // Wrong secret, unknown key, no token, unknown token.
            expectFault(
                try await soap.call(
                    "Login", "<ConsumerKey>\(fixture.supplier.appKey)</ConsumerKey><ConsumerSecret>wrong</ConsumerSecret>"),
                "ERRIAU6000007")
            expectFault(try await soap.call("Login", "<ConsumerKey>nope</ConsumerKey><ConsumerSecret>x</ConsumerSecret>"), "ERRIAU6000007")
            expectFault(try await soap.call("GetAccountDetails"), "ERRIAU6000007")
            expectFault(try await soap.call("GetAccountDetails", token: "forged"), "ERRIAU6000007")
            // Namespace and SOAPAction disagree; invalid XML.
            expectFault(
                try await soap.call("GetAccountDetails", token: token, soapAction: "http://api.everbinding.nl/v3/GetAccountDetails"),
                "ERRCDO4000041")
            expectFault(try await soap.call("GetAccountDetails", rawBody: "<soap:Envelope><unclosed>"), "ERRIER8000006")
            expectFault(
                try await soap.call(
                    "GetAccountDetails",
                    rawBody: "<!DOCTYPE x [<!ENTITY a \"b\">]><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"/>"),
                "ERRIER8000006")
            // Sending via an organisation the keys may not act for.
            expectFault(
                try await soap.send(
                    PlatformFixture.invoice(), via: fixture.outsider.partyID, to: fixture.customer.partyID, token: token),
                "ERRGRP3000006")
            // A document the rules reject: the fatal rule ids are listed.
            let invalid = PlatformFixture.invoice(number: "F-BAD").replacingOccurrences(
                of: "<cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>", with: "<cbc:InvoiceTypeCode>999</cbc:InvoiceTypeCode>")
            let rejected = try await soap.send(invalid, via: fixture.supplier.partyID, to: fixture.customer.partyID, token: token)
            expectFault(rejected, "ERRXSL4000001")
            #expect(rejected.fault?.message.contains("BR-CL-01") == true)
            // Not an invoice or credit note, however many children it has that an invoice's head has.
            let order =
                "<Order xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Order-2\">"
                + String(repeating: "<ID>1</ID><AccountingSupplierParty><Party/></AccountingSupplierParty>", count: 20_000) + "</Order>"
            let notAnInvoice = try await soap.send(order, via: fixture.supplier.partyID, to: fixture.customer.partyID, token: token)
            expectFault(notAnInvoice, "ERRREQ4000002")
            #expect(notAnInvoice.fault?.message.contains("the root element is {urn:oasis:names:specification:ubl:schema:xsd:Order-2}Order") == true)
            // A receiver nobody on the platform is, and no e-mail address.
            let elsewhere = PlatformFixture.invoiceToOutsideBuyer(number: "F-NOWHERE")
            expectFault(
                try await soap.send(elsewhere, via: fixture.supplier.partyID, to: "NL:KVK:11223344", token: token),
                "ERRSND4000001")
            // Not a status of the template.
            let sent = try await soap.send(
                PlatformFixture.invoice(number: "F-STATUS"), via: fixture.supplier.partyID, to: fixture.customer.partyID,
                token: token)
            let receiver = try await soap.login(fixture.customer)
            expectFault(
                try await soap.call(
                    "SetInboxDocumentStatus", "<ExternalId>\(sent.text("ExternalId")!)</ExternalId><StatusCode>99</StatusCode>",
                    token: receiver),
                "ERRSTS4000001")
            // A bad paging token.
            expectFault(
                try await soap.call("GetInboxDocuments", "<Paging><Limit>5</Limit><StartPage>abc</StartPage></Paging>", token: receiver),
                "ERRPAG4000001")
            // Nothing was stored by the refused sends.
            let outbox = try await fixture.service.store.documents(
                .outbox, partyID: fixture.supplier.partyID, filter: DocumentFilter(), afterSequence: 0, limit: 100)
            #expect(outbox.map(\.subject) == ["Factuur F-STATUS"])
        }
    }

    @Test("A token expires after its lifetime; revoking a key ends its tokens at once", arguments: Storage.allCases)
    func expiryAndRevocation(_ storage: Storage) async throws {
        let fixture = try await PlatformFixture.make(tokenLifetime: 600, storage: storage)
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            #expect(try await soap.call("GetAccountDetails", token: token).fault == nil)
            fixture.clock.advance(601)
            #expect(try await soap.call("GetAccountDetails", token: token).fault?.code == "DEFAULT_ERROR_CODE999")

            let fresh = try await soap.login(fixture.supplier)
            #expect(try await soap.call("GetAccountDetails", token: fresh).fault == nil)
            try await fixture.service.revokeConnectionKey(appKey: fixture.supplier.appKey)
            #expect(try await soap.call("GetAccountDetails", token: fresh).fault?.code == "ERRIAU6000007")
            let again = try await soap.call(
                "Login",
                "<ConsumerKey>\(fixture.supplier.appKey)</ConsumerKey><ConsumerSecret>\(fixture.supplier.secret)</ConsumerSecret>")
            #expect(again.fault?.code == "ERRIAU6000007")
        }
    }

    @Test("API access needs at least the Basic subscription", arguments: Storage.allCases)
    func subscription(_ storage: Storage) async throws {
        let fixture = try await PlatformFixture.make(storage: storage)
        let account = try await fixture.service.createAccount(name: "Gratis", email: "a@gratis.example", subscription: .free)
        let organisation = try await fixture.service.createOrganisation(accountID: account.id, name: "Gratis", country: "NL")
        let (key, secret) = try await fixture.service.createConnectionKey(partyID: organisation.partyID, email: "a@gratis.example")
        try await fixture.withServer { soap in
            let answer = try await soap.call(
                "Login", "<ConsumerKey>\(key.appKey)</ConsumerKey><ConsumerSecret>\(secret)</ConsumerSecret>")
            #expect(answer.fault?.code == "ERRACC3000001")
        }
    }
}

@Suite("SOAP API over HTTP: isolation between organisations")
struct IsolationTests {
    @Test("Keys of one organisation can neither see nor change another's documents, in any operation", arguments: Storage.allCases)
    func matrix(_ storage: Storage) async throws {
        let fixture = try await PlatformFixture.make(storage: storage)
        try await fixture.withServer { soap in
            let supplier = try await soap.login(fixture.supplier)
            let customer = try await soap.login(fixture.customer)
            let outsider = try await soap.login(fixture.outsider)
            let sent = try await soap.send(
                PlatformFixture.invoice(number: "F-ISO"), via: fixture.supplier.partyID, to: fixture.customer.partyID,
                token: supplier)
            let id = try #require(sent.text("ExternalId"))
            let s = fixture.supplier.partyID
            let c = fixture.customer.partyID
            // (who, operation, body, expected code)
            let attempts: [(String, String, String, String)] = [
                (outsider, "GetInboxDocument", "<ExternalId>\(id)</ExternalId>", "ERRDOC4000004"),
                (outsider, "GetInboxDocumentStatus", "<ExternalId>\(id)</ExternalId>", "ERRDOC4000004"),
                (outsider, "SetInboxDocumentStatus", "<ExternalId>\(id)</ExternalId><StatusCode>50</StatusCode>", "ERRDOC4000004"),
                (outsider, "GetOutboxDocument", "<ExternalId>\(id)</ExternalId>", "ERRDOC4000004"),
                (outsider, "GetOutboxDocumentStatus", "<ExternalId>\(id)</ExternalId>", "ERRDOC4000004"),
                (outsider, "GetDocumentPdf", "<ExternalId>\(id)</ExternalId>", "ERRDOC4000004"),
                (outsider, "GetDocument", "<DocumentId>\(id)</DocumentId>", "ERRDOC4000004"),
                (outsider, "GetInboxDocuments", "<EConnectPartyId>\(c)</EConnectPartyId>", "ERRGRP3000007"),
                (outsider, "GetInboxDocuments", "<GroupId>\(c)</GroupId>", "ERRGRP3000007"),
                (outsider, "GetOutboxDocuments", "<GroupId>\(s)</GroupId>", "ERRGRP3000007"),
                (outsider, "GetOutboxDocuments", "<EConnectPartyId>\(s)</EConnectPartyId>", "ERRGRP3000007"),
                (outsider, "GetDocuments", "<GroupId>\(s)</GroupId>", "ERRGRP3000007"),
                // The parties of one exchange only see their own side of it.
                (supplier, "GetInboxDocument", "<ExternalId>\(id)</ExternalId>", "ERRDOC4000004"),
                (supplier, "SetInboxDocumentStatus", "<ExternalId>\(id)</ExternalId><StatusCode>40</StatusCode>", "ERRDOC4000004"),
                (customer, "GetOutboxDocument", "<ExternalId>\(id)</ExternalId>", "ERRDOC4000004"),
                (customer, "GetOutboxDocumentStatus", "<ExternalId>\(id)</ExternalId>", "ERRDOC4000004"),
                (customer, "GetOutboxDocuments", "<GroupId>\(s)</GroupId>", "ERRGRP3000007"),
                (supplier, "GetInboxDocuments", "<GroupId>\(c)</GroupId>", "ERRGRP3000007"),
            ]
            for (token, operation, body, code) in attempts {
                let answer = try await soap.call(operation, body, token: token)
                #expect(answer.fault?.code.rawValue == code, "\(operation) \(body)")
            }
            let sendVia = try await soap.send(
                PlatformFixture.invoice(number: "F-ISO-2"), via: s, to: c, token: outsider)
            #expect(sendVia.fault?.code == "ERRGRP3000006")
            // The outsider's own lists hold nothing of theirs, and its account parties are its own.
            for operation in ["GetInboxDocuments", "GetOutboxDocuments", "GetDocuments"] {
                let own = try await soap.call(operation, token: outsider)
                #expect(own.fault == nil)
                #expect(own.all("Results", "Document").isEmpty, "\(operation)")
            }
            let parties = try await soap.call("GetAccountParties", token: outsider)
            #expect(
                parties.all("Results", "PartyAccountDetails").map { $0.children.last { $0.name == "EConnectPartyId" }?.text } == [
                    fixture.outsider.partyID
                ])
            // Nothing changed: the status is still the one delivery set.
            let status = try await soap.call("GetInboxDocumentStatus", "<ExternalId>\(id)</ExternalId>", token: customer)
            #expect(status.text("Details", "Code") == "10")
        }
    }
}
