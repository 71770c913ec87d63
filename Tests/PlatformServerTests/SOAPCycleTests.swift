import EConnectWire
import EInvoice
import Foundation
import HardenedXML
import Testing

@testable import Platform

@Suite("SOAP API over HTTP: send, inbox, status")
struct SOAPCycleTests {
    @Test("send → inbox → status → outbox, between two organisations, on v3 and v3.1", arguments: Storage.allCases)
    func fullCycle(_ storage: Storage) async throws {
        let fixture = try await PlatformFixture.make(storage: storage)
        try await fixture.withServer { soap in
            for version in APIVersion.allCases {
                let number = "F-CYCLE-\(version.rawValue)"
                let sender = try await soap.login(fixture.supplier, version: version)
                let receiver = try await soap.login(fixture.customer, version: version)

                let sent = try await soap.send(
                    PlatformFixture.invoice(number: number), via: fixture.supplier.partyID,
                    to: "NL:OINO:00000001003214321000", token: sender, version: version)
                #expect(sent.status == 200)
                #expect(sent.body.name == "SendDocumentResponse")
                #expect(sent.body.namespace == version.namespace)
                let externalID = try #require(sent.text("ExternalId"))

                // The receiver finds it in its inbox, with the payload intact.
                let inbox = try await soap.call(
                    "GetInboxDocuments", "<Paging><Limit>10</Limit></Paging>", token: receiver, version: version)
                let listed = inbox.all("Results", "Document").map { $0.children.first { $0.name == "ExternalId" }?.text }
                #expect(listed.contains(externalID))
                let document = try await soap.call(
                    "GetInboxDocument", "<ExternalId>\(externalID)</ExternalId>", token: receiver, version: version)
                #expect(document.text("Details", "Sender", "EConnectPartyId") == fixture.supplier.partyID)
                #expect(document.text("Details", "Reciever", "EConnectPartyId") == fixture.customer.partyID)
                #expect(document.text("Details", "Transaction", "DeliveryMethod") == "ToInbox")
                #expect(document.text("Details", "Status", "Code") == "10")
                #expect(document.all("Statuses", "Status").count == 5)
                let payload = try #require(document.element(["Details", "Payload"])?.children.first)
                let received = try UBLReader().read(payload)
                #expect(received == ExampleInvoices.siUBL(number: number))

                // The receiver marks it processed; the sender sees that on its outbox document.
                let set = try await soap.call(
                    "SetInboxDocumentStatus", "<ExternalId>\(externalID)</ExternalId><StatusCode>30</StatusCode>",
                    token: receiver, version: version)
                #expect(set.text("ExternalId") == externalID)
                let status = try await soap.call(
                    "GetOutboxDocumentStatus", "<ExternalId>\(externalID)</ExternalId>", token: sender, version: version)
                #expect(status.text("Details", "Code") == "30")
                #expect(status.text("Details", "Name") == "Verwerkt")
                #expect(status.text("Details", "Info", "AccountName") == "Ministerie")
                let inboxStatus = try await soap.call(
                    "GetInboxDocumentStatus", "<ExternalId>\(externalID)</ExternalId>", token: receiver, version: version)
                #expect(inboxStatus.text("Details", "Code") == "30")
                let outbox = try await soap.call(
                    "GetOutboxDocuments",
                    "<Paging><Limit>10</Limit></Paging><Search><Status><Code>30</Code></Status></Search>",
                    token: sender, version: version)
                #expect(outbox.all("Results", "Document").contains { $0.children.first?.text == externalID })
                let outboxDocument = try await soap.call(
                    "GetOutboxDocument", "<ExternalId>\(externalID)</ExternalId>", token: sender, version: version)
                #expect(outboxDocument.text("Details", "Status", "Name") == "Verwerkt")
            }
        }
    }

    @Test("Re-sending the same invoice makes a revision under the same ExternalId", arguments: Storage.allCases)
    func revision(_ storage: Storage) async throws {
        let fixture = try await PlatformFixture.make(storage: storage)
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            let first = try await soap.send(
                PlatformFixture.invoice(number: "F-REV", lines: 2), via: fixture.supplier.partyID,
                to: fixture.customer.partyID, token: token)
            let second = try await soap.send(
                PlatformFixture.invoice(number: "F-REV", lines: 4), via: fixture.supplier.partyID,
                to: fixture.customer.partyID, token: token)
            #expect(first.text("ExternalId") != nil)
            #expect(first.text("ExternalId") == second.text("ExternalId"))
            let stored = try #require(try await fixture.service.store.document(externalID: first.text("ExternalId")!))
            #expect(stored.revision == 2)
            #expect(try UBLReader().read(Array(stored.payload.utf8)).lines.count == 4)
        }
    }

    /// A re-send once moved the document: the first receiver lost it from its inbox along with its
    /// status 30. What a receiver has received stays theirs; another receiver gets a new document.
    @Test("Re-sending to another receiver is a new document; the first receiver keeps theirs", arguments: Storage.allCases)
    func resendToAnotherReceiver(_ storage: Storage) async throws {
        let fixture = try await PlatformFixture.make(storage: storage)
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            let customer = try await soap.login(fixture.customer)
            let first = try #require(
                try await soap.send(
                    PlatformFixture.invoice(number: "F-AGAIN"), via: fixture.supplier.partyID, to: fixture.customer.partyID,
                    token: token
                ).text("ExternalId"))
            let processed = try await soap.call(
                "SetInboxDocumentStatus", "<ExternalId>\(first)</ExternalId><StatusCode>30</StatusCode>", token: customer)
            #expect(processed.fault == nil)
            let second = try #require(
                try await soap.send(
                    PlatformFixture.invoice(number: "F-AGAIN"), via: fixture.supplier.partyID, to: fixture.outsider.partyID,
                    token: token
                ).text("ExternalId"))
            #expect(second != first)
            let kept = try #require(try await fixture.service.store.document(externalID: first))
            #expect(kept.receiverPartyID == fixture.customer.partyID)
            #expect(kept.status.status.code == "30")
            #expect(kept.revision == 1)
            let inbox = try await soap.call(
                "GetInboxDocumentStatus", "<ExternalId>\(first)</ExternalId>", token: customer)
            #expect(inbox.fault == nil)
            let moved = try #require(try await fixture.service.store.document(externalID: second))
            #expect(moved.receiverPartyID == fixture.outsider.partyID)
        }
    }

    @Test("The receiver is found by Bedrijfs-ID, registry id, ISO 6523 id, or the document's EndpointID", arguments: Storage.allCases)
    func routing(_ storage: Storage) async throws {
        let fixture = try await PlatformFixture.make(storage: storage)
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            let references = [
                fixture.customer.partyID, "NL:OINO:00000001003214321000", "0190:00000001003214321000",
                "iso6523-actorid-upis::0190:00000001003214321000",
                // Unknown on the platform: the buyer's EndpointID in the invoice decides.
                "NL:KVK:99999998",
            ]
            for (index, reference) in references.enumerated() {
                let sent = try await soap.send(
                    PlatformFixture.invoice(number: "F-ROUTE-\(index)"), via: fixture.supplier.partyID, to: reference,
                    token: token)
                let externalID = try #require(sent.text("ExternalId"), "\(reference): \(sent.fault?.faultString ?? "")")
                let stored = try #require(try await fixture.service.store.document(externalID: externalID))
                #expect(stored.receiverPartyID == fixture.customer.partyID, "\(reference)")
            }
        }
    }

    @Test("Paging with NextPage neither skips nor repeats a document while new ones arrive", arguments: Storage.allCases)
    func pagingWhileDocumentsArrive(_ storage: Storage) async throws {
        let fixture = try await PlatformFixture.make(storage: storage)
        try await fixture.withServer { soap in
            let sender = try await soap.login(fixture.supplier)
            let receiver = try await soap.login(fixture.customer)
            var sent: [String] = []
            func sendOne() async throws {
                let answer = try await soap.send(
                    PlatformFixture.invoice(number: "F-PAGE-\(sent.count)", lines: 1), via: fixture.supplier.partyID,
                    to: fixture.customer.partyID, token: sender)
                sent.append(try #require(answer.text("ExternalId")))
            }
            for _ in 0..<12 { try await sendOne() }
            var seen: [String] = []
            var next: String? = nil
            repeat {
                let start = next.map { "<StartPage>\($0)</StartPage>" } ?? ""
                let page = try await soap.call(
                    "GetInboxDocuments", "<Paging><Limit>5</Limit>\(start)</Paging>", token: receiver)
                seen += page.all("Results", "Document").compactMap { $0.children.first?.text }
                next = page.text("PagingResponse", "NextPage")
                // Two more arrive between every two pages.
                if next != nil { for _ in 0..<2 { try await sendOne() } }
            } while next != nil
            #expect(seen == sent)
            #expect(Set(seen).count == seen.count)
        }
    }

    @Test("Account parties, parties, party and account details", arguments: Storage.allCases)
    func parties(_ storage: Storage) async throws {
        let fixture = try await PlatformFixture.make(storage: storage)
        try await fixture.withServer { soap in
            let token = try await soap.login(fixture.supplier)
            let own = try await soap.call("GetAccountParties", "<Search/><Paging><Limit>10</Limit></Paging>", token: token)
            #expect(own.body.name == "GetAccountPartiesReponse")
            #expect(own.all("Results", "PartyAccountDetails").count == 1)
            #expect(own.text("Results", "PartyAccountDetails", "EConnectPartyId") == fixture.supplier.partyID)
            #expect(own.text("Results", "PartyAccountDetails", "IsVerified") == "true")
            let party = try await soap.call("GetParty", "<ReferenceId>NL:KVK:87654321</ReferenceId>", token: token)
            #expect(party.text("Details", "EConnectPartyId") == fixture.outsider.partyID)
            let all = try await soap.call(
                "GetParties", "<Search><CountryCode>NL</CountryCode></Search><Paging><Limit>2</Limit></Paging>", token: token)
            #expect(all.all("Results", "Party").count == 2)
            let next = try #require(all.text("PagingResponse", "NextPage"))
            let rest = try await soap.call(
                "GetParties", "<Search><CountryCode>NL</CountryCode></Search><Paging><Limit>2</Limit><StartPage>\(next)</StartPage></Paging>",
                token: token)
            #expect(rest.all("Results", "Party").count == 1)
            let account = try await soap.call("GetAccountDetails", token: token)
            #expect(account.text("Name") == "Leverancier")
            #expect(account.text("CanSendAppIntegrationRequests") == "false")
        }
    }
}
