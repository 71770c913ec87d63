import EConnectClient
import EConnectWire
import EInvoice
import Foundation
import HardenedXML
import Platform
import PlatformPostgres
import PlatformServer
import PlatformTestSupport
import Testing

/// Two platform instances, each its own server, on one PostgreSQL database: what one stores the
/// other serves, numbers and Bedrijfs-IDs never collide, paging across both gives each document
/// once, and the same invoice sent through both at once is one document.
@Suite("Two platform instances on one PostgreSQL database", .timeLimit(.minutes(10)))
struct PostgresInstancesTests {
    @Test("Concurrent sends through both instances; the receiver pages through both and sees each document once")
    func twoInstances() async throws {
        let url = try await PostgresServer.shared().makeDatabase()
        let first = PlatformService(store: try await PostgresPlatformStore(url: url))
        let second = PlatformService(store: try await PostgresPlatformStore(url: url))

        // Organisations made through both at once get distinct Bedrijfs-IDs.
        let account = try await first.createAccount(name: "Holding", email: "a@holding.example")
        let partyIDs = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<10 {
                group.addTask {
                    try await (index % 2 == 0 ? first : second).createOrganisation(
                        accountID: account.id, name: "Dochter \(index)", country: "NL"
                    ).partyID
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(partyIDs).count == 10)

        let supplierAccount = try await first.createAccount(name: "Lev", email: "a@lev.example")
        let supplier = try await first.createOrganisation(accountID: supplierAccount.id, name: "Lev", country: "NL", kvk: "12345678")
        let (supplierKey, supplierSecret) = try await first.createConnectionKey(partyID: supplier.partyID, email: "a@lev.example")
        let customerAccount = try await second.createAccount(name: "Min", email: "a@min.example")
        let customer = try await second.createOrganisation(
            accountID: customerAccount.id, name: "Min", country: "NL", oin: "00000001003214321000")
        let (customerKey, customerSecret) = try await second.createConnectionKey(partyID: customer.partyID, email: "a@min.example")

        try await serving({ PlatformHTTPServer.makeApplication(service: first, port: 0, onListening: $0) }) { firstURL in
            try await serving({ PlatformHTTPServer.makeApplication(service: second, port: 0, onListening: $0) }) { secondURL in
                let senders = [firstURL, secondURL].map {
                    EConnectClient(configuration: .init(url: $0, appKey: supplierKey.appKey, secret: supplierSecret))
                }
                let readers = [firstURL, secondURL].map {
                    EConnectClient(configuration: .init(url: $0, appKey: customerKey.appKey, secret: customerSecret))
                }
                let count = 60
                let sent = try await withThrowingTaskGroup(of: [String].self) { group in
                    for worker in 0..<4 {
                        group.addTask {
                            var ids: [String] = []
                            for number in stride(from: worker, to: count, by: 4) {
                                let payload = try SendDocumentRequest.payload(
                                    UBLWriter().write(ExampleInvoices.siUBL(number: "F-PG-\(number)", lineCount: 1)))
                                let id = try await senders[number % 2].send(
                                    SendDocumentRequest(
                                        via: supplier.partyID, toReference: "0190:00000001003214321000", payload: payload,
                                        templateID: TemplateID.factuur))
                                ids.append(id)
                            }
                            return ids
                        }
                    }
                    return try await group.reduce(into: []) { $0 += $1 }
                }
                // The receiver pages through both instances in turn.
                var seen: [String] = []
                var page: String? = nil
                var turn = 0
                repeat {
                    let result = try await readers[turn % 2].documents(in: .inbox, limit: 7, startPage: page)
                    turn += 1
                    seen += result.documents.map(\.externalID)
                    page = result.nextPage
                } while page != nil
                #expect(seen.count == count, "each once")
                #expect(Set(seen) == Set(sent))
                #expect(seen == seen.sorted { Int($0.dropFirst(5))! < Int($1.dropFirst(5))! }, "in arrival order")

                // The same invoice sent through both at once is one document with a revision.
                let payload = try SendDocumentRequest.payload(UBLWriter().write(ExampleInvoices.siUBL(number: "F-PG-SAME", lineCount: 1)))
                let request = SendDocumentRequest(
                    via: supplier.partyID, toReference: "0190:00000001003214321000", payload: payload, templateID: TemplateID.factuur)
                async let a = senders[0].send(request)
                async let b = senders[1].send(request)
                let (one, other) = try await (a, b)
                #expect(one == other)
            }
        }
    }
}
