// The platform under load over loopback: SendDocument with 1 and 16 concurrent clients (20-line
// SI-UBL invoices, validation on), documents/s, p50/p99 latency and the server's memory; then
// GetInboxDocuments latency with 100,000 documents stored.
//
// The server runs in a child process (this binary with --serve), so its memory is its own.
//
//   swift run -c release --package-path bench PlatformBenchmarks [--documents N] [--stored N] [--soak-minutes M]
import BenchSupport
import EConnectWire
import EInvoice
import Foundation
import HardenedXML
import Platform
import PlatformServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int { option(name).flatMap { Int($0) } ?? fallback }

if let index = arguments.firstIndex(of: "--print-invoice") {
    // For external load generators: a SI-UBL invoice without prolog, its number NUMBERX.
    let invoice = ExampleInvoices.siUBL(number: "NUMBERX", lineCount: Int(arguments[index + 1]) ?? 20)
    print(
        String(decoding: UBLWriter().write(invoice), as: UTF8.self).replacingOccurrences(
            of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: ""), terminator: "")
    exit(0)
}

if let index = arguments.firstIndex(of: "--serve") {
    // Child: the platform on the given database and port, until killed.
    let store = try SQLitePlatformStore(path: arguments[index + 1])
    let app = PlatformHTTPServer.makeApplication(service: PlatformService(store: store), port: Int(arguments[index + 2])!)
    try await app.runService()
    exit(0)
}

let directory = FileManager.default.temporaryDirectory.appendingPathComponent("efactuur-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
let databasePath = directory.appendingPathComponent("platform.sqlite").path

// Two organisations with keys.
let service = PlatformService(store: try SQLitePlatformStore(path: databasePath))
let supplierAccount = try await service.createAccount(name: "Leverancier", email: "a@lev.example")
let customerAccount = try await service.createAccount(name: "Ministerie", email: "a@min.example")
let supplier = try await service.createOrganisation(
    accountID: supplierAccount.id, name: "Voorbeeld Leverancier", country: "NL", kvk: "12345678")
let customer = try await service.createOrganisation(
    accountID: customerAccount.id, name: "Ministerie", country: "NL", oin: "00000001003214321000")
let supplierKey = try await service.createConnectionKey(partyID: supplier.partyID, email: "a@lev.example")
let customerKey = try await service.createConnectionKey(partyID: customer.partyID, email: "a@min.example")

let port = Int.random(in: 20_000..<60_000)
let server = Process()
server.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
server.arguments = ["--serve", databasePath, String(port)]
try server.run()
defer { server.terminate() }
let endpoint = URL(string: "http://127.0.0.1:\(port)/soap/v3.1")!
let namespace = APIVersion.v3_1.namespace

let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.httpMaximumConnectionsPerHost = 32
    return URLSession(configuration: configuration)
}()

func call(_ operation: String, _ inner: String, token: String?) async throws -> (Int, Data) {
    var request = URLRequest(url: endpoint)
    request.httpMethod = "POST"
    request.setValue("text/xml; charset=utf-8", forHTTPHeaderField: "Content-Type")
    request.setValue("\"\(namespace)\(operation)\"", forHTTPHeaderField: "SOAPAction")
    request.httpBody = Data(Envelope.request(operation, body: inner, securityToken: token, version: .v3_1).utf8)
    let (data, response) = try await session.data(for: request)
    return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
}

func login(_ key: (key: ConnectionKey, secret: String)) async throws -> String {
    for _ in 0..<100 {
        if let (status, data) = try? await call(
            "Login", "<ConsumerKey>\(key.key.appKey)</ConsumerKey><ConsumerSecret>\(key.secret)</ConsumerSecret>", token: nil),
            status == 200
        {
            let root = try XMLReader().read(Array(data))
            return root.children[0].children[0].children[0].text
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    fatalError("the server did not start")
}

let senderToken = try await login(supplierKey)
let receiverToken = try await login(customerKey)

func sendBody(_ number: Int) -> String {
    let invoice = String(decoding: UBLWriter().write(ExampleInvoices.siUBL(number: "B-\(number)", lineCount: 20)), as: UTF8.self)
        .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", with: "")
    return "<Via><ReferenceId>\(supplier.partyID)</ReferenceId></Via><To><ReferenceId>\(customer.partyID)</ReferenceId></To>"
        + "<Subject>Factuur</Subject><Payload>\(invoice)</Payload><TemplateId>\(Template.factuur.masterID)</TemplateId>"
}

var nextNumber = 0
@MainActor func sendRun(clients: Int, documents: Int) async throws {
    let bodies = (0..<documents).map { _ in
        nextNumber += 1; return sendBody(nextNumber)
    }
    let clock = ContinuousClock()
    let start = clock.now
    let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
        for client in 0..<clients {
            group.addTask {
                var mine: [Double] = []
                var index = client
                while index < bodies.count {
                    let begin = clock.now
                    let (status, data) = try await call("SendDocument", bodies[index], token: senderToken)
                    guard status == 200 else { fatalError("send failed: \(String(decoding: data, as: UTF8.self))") }
                    mine.append((clock.now - begin).milliseconds)
                    index += clients
                }
                return mine
            }
        }
        var all: [Double] = []
        for try await part in group { all += part }
        return all.sorted()
    }
    let seconds = (clock.now - start).seconds
    print(
        "SendDocument, \(clients) client(s), \(documents) × 20-line invoice: \(format(Double(documents) / seconds, 0)) documents/s, "
            + "p50 \(format(percentile(latencies, 0.5), 2)) ms, p99 \(format(percentile(latencies, 0.99), 2)) ms, "
            + "server RSS \(residentKiB(server.processIdentifier) / 1024) MiB")
}

let documents = option("--documents", 2000)
print("server pid \(server.processIdentifier), RSS at start \(residentKiB(server.processIdentifier) / 1024) MiB")
try await sendRun(clients: 1, documents: max(documents / 4, 100))
try await sendRun(clients: 16, documents: documents)
try await sendRun(clients: 16, documents: documents)

// Listing latency as the inbox grows: fill it to `stored` documents through the store (as the
// server stores them), then time the first page, a page deep in, and a CreatedOn-filtered page.
let stored = option("--stored", 100_000)
let store = try SQLitePlatformStore(path: databasePath)
let existing = try await store.documents(.inbox, partyID: customer.partyID, filter: DocumentFilter(), afterSequence: 0, limit: Int.max).count
let payload = try XMLReader().read(UBLWriter().write(ExampleInvoices.siUBL(number: "L", lineCount: 1))).serializedXML()
@MainActor func timeListing(_ label: String, _ inner: String) async throws {
    var times: [Double] = []
    let clock = ContinuousClock()
    for _ in 0..<50 {
        let begin = clock.now
        let (status, _) = try await call("GetInboxDocuments", inner, token: receiverToken)
        precondition(status == 200)
        times.append((clock.now - begin).milliseconds)
    }
    times.sort()
    print("  \(label): p50 \(format(percentile(times, 0.5), 2)) ms, p99 \(format(percentile(times, 0.99), 2)) ms")
}
var count = existing
for target in [existing, 10_000, stored] where target >= count {
    while count < target {
        count += 1
        _ = try await store.storeDocument(
            DocumentDraft(
                senderPartyID: supplier.partyID, receiverPartyID: customer.partyID, receiverReference: customer.partyID,
                receiverEmail: nil, subject: "Factuur L-\(count)", templateID: Template.factuur.id, route: .toInbox,
                identity: "L-\(count)", initialStatus: StatusChange(status: .afgeleverd, changedOn: Date()), payload: payload),
            now: Date())
    }
    print("GetInboxDocuments with \(count) documents in the inbox (Limit 10):")
    try await timeListing("first page", "<Paging><Limit>10</Limit></Paging>")
    try await timeListing("page after the middle", "<Paging><Limit>10</Limit><StartPage>\(count / 2)</StartPage></Paging>")
    try await timeListing(
        "CreatedOn/From in the last hour, Factuur template",
        "<Paging><Limit>10</Limit></Paging><Search><CreatedOn><To xsi:nil=\"true\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"/><From>\(WireDate.format(Date().addingTimeInterval(-3600)))</From></CreatedOn><Template><MasterId>\(Template.factuur.masterID)</MasterId></Template></Search>"
    )
}
print("server RSS after the listing runs \(residentKiB(server.processIdentifier) / 1024) MiB")

// Soak: 16 clients sending for --soak-minutes, the server's memory after every batch.
let soakMinutes = option("--soak-minutes", 0)
if soakMinutes > 0 {
    let soakEnd = ContinuousClock.now + .seconds(soakMinutes * 60)
    var batches = 0
    while ContinuousClock.now < soakEnd {
        try await sendRun(clients: 16, documents: 2000)
        batches += 1
    }
    print("soak: \(batches) batches of 2,000 sends in \(soakMinutes) min")
}
print("server RSS at the end \(residentKiB(server.processIdentifier) / 1024) MiB")
server.terminate()
try? FileManager.default.removeItem(at: directory)
