import EInvoiceTestSupport
import Foundation
import PlatformTestSupport
import Testing

/// The Peppol walkthrough of the README with the real commands: a test PKI from `efactuur peppol
/// pki`, two `efactuur serve` processes with their own databases and certificates, a DNS server
/// (dnslib) publishing their SMPs, and the books on both sides.
@Suite(.timeLimit(.minutes(10)))
struct PeppolCommandTests {
    let cli = CommandLineTests()
    let platformCommands = PlatformCommandTests()

    @Test("Two platforms: the bookkeeper on A sends to a customer on B over Peppol; B's bookkeeper receives the same bytes")
    func twoPlatformsOverPeppol() async throws {
        let root = platformCommands.dataDir()
        let pki = root + "/pki"
        let made = try cli.run(["peppol", "pki", "--out", pki, "--access-point", "POP000001", "POP000002"])
        try #require(made.status == 0, "\(made.stderr)")
        // OpenSSL, not our code, accepts the chain.
        let verified = await Python.command([
            "openssl", "verify", "-CAfile", pki + "/root.pem", "-untrusted", pki + "/ca.pem", pki + "/POP000001.pem",
        ])
        #expect(verified.status == 0, "\(verified.output) \(verified.error)")

        func keys(_ dir: String, _ name: String, kvk: String) throws -> String {
            let account = try platformCommands.json([
                "platform", "account", "create", "--data-dir", dir, "--name", name, "--email", "a@\(name).example",
            ])
            let org = try platformCommands.json(
                ["platform", "org", "create", "--data-dir", dir, "--account", account["account"]!, "--name", "\(name) B.V.", "--kvk", kvk])
            return try platformCommands.json(
                ["platform", "keys", "create", "--data-dir", dir, "--org", org["bedrijfsId"]!, "--email", "a@\(name).example"])["quickConnect"]!
        }
        let keysA = try keys(root + "/a", "devries", kvk: "12345678")
        let keysB = try keys(root + "/b", "klant", kvk: "87654321")

        let (portA, portB) = (TestPorts.take(), TestPorts.take())
        func naptr(_ port: Int) -> [[String: Any]] {
            [
                [
                    "order": 100, "preference": 10, "flags": "U", "service": "Meta:SMP", "regexp": "!^.*$!http://127.0.0.1:\(port)/smp!",
                    "replacement": ".",
                ]
            ]
        }
        let dns = try await DNSServerProcess.start(config: [
            "zone": "sml.example",
            "participants": [["id": "0106:12345678", "naptr": naptr(portA)], ["id": "0106:87654321", "naptr": naptr(portB)]],
        ])
        func peppol(_ name: String) -> [String] {
            [
                "--peppol-certificate", "\(pki)/\(name).pem", "--peppol-key", "\(pki)/\(name).key", "--peppol-trust", "\(pki)/trust.pem",
                "--peppol-smp-trust", "\(pki)/trust.pem",
                "--peppol-dns", "127.0.0.1:\(dns.port)", "--peppol-sml-zone", "sml.example",
            ]
        }
        let (serverA, baseA) = try await platformCommands.startServer(dataDir: root + "/a", port: portA, extra: peppol("POP000001"))
        let (serverB, baseB) = try await platformCommands.startServer(dataDir: root + "/b", port: portB, extra: peppol("POP000002"))
        defer {
            for server in [serverA, serverB] {
                server.terminate()
                server.waitUntilExit()
            }
        }

        let lookup = try cli.run(
            [
                "peppol", "lookup", "0106:87654321", "--dns", "127.0.0.1:\(dns.port)", "--zone", "sml.example", "--smp-trust", pki + "/trust.pem",
                "--json",
            ])
        let found = try #require(try JSONSerialization.jsonObject(with: Data(lookup.stdout.utf8)) as? [String: String], "\(lookup.stderr)")
        #expect(found["address"] == "\(baseB)/as4")
        #expect(found["accessPoint"] == "POP000002")

        @discardableResult
        func books(_ file: String, _ arguments: [String], stdin: String? = nil) throws -> CommandLineTests.Run {
            let result = try cli.run(["books"] + arguments + ["--books", root + "/" + file], stdin: stdin.map { Array($0.utf8) })
            #expect(result.status == 0, "books \(arguments): \(result.stdout) \(result.stderr)")
            return result
        }
        try books("a.books", ["admin", "create", "DeVries"])
        try books(
            "a.books",
            [
                "settings", "set", "--admin", "DeVries", "--quick-connect", keysA, "--platform-url", baseA, "--si-version", "2.0",
                "--sales-folder", root + "/verkoop", "--use-dossier-as-kvk", "--sender-name", "Bouwbedrijf De Vries B.V.",
                "--sender-street", "Havenweg 12", "--sender-postcode", "3011 AB", "--sender-city", "Rotterdam", "--sender-country", "NL",
                "--sender-kvk", "12345678", "--sender-vat", "NL123456782B01", "--sender-iban", "NL91ABNA0417164300",
            ])
        try books(
            "a.books",
            [
                "debtor", "add", "--admin", "DeVries", "--name", "Klant B.V.", "--kvk", "87654321", "--street", "Stationsplein 1",
                "--postcode", "3511 ED", "--city", "Utrecht",
            ])
        try books("a.books", ["invoice", "create", "--admin", "DeVries", "--debtor", "1000", "--reference", "PO-118"])
        try books(
            "a.books",
            [
                "invoice", "line", "add", "--admin", "DeVries", "--invoice", "F2026-0001", "--description", "Renovatie, arbeid",
                "--quantity", "16", "--price", "62.50", "--vat", "21",
            ])
        let sent = try books("a.books", ["invoice", "send", "--admin", "DeVries", "F2026-0001"], stdin: "Ja\nVERZENDEN\n")
        #expect(sent.stdout.contains("Delivery ID: XCNIN100001"), "\(sent.stdout)")
        let document = try platformCommands.json(["platform", "document", "show", "--data-dir", root + "/a", "XCNIN100001"])
        #expect(document["route"] == "ToPeppol")
        #expect(document["status"] == "10 Afgeleverd")

        try books("b.books", ["admin", "create", "Klant"])
        try books(
            "b.books",
            [
                "settings", "set", "--admin", "Klant", "--quick-connect", keysB, "--platform-url", baseB, "--si-version", "2.0",
                "--purchase-folder", root + "/inkoop", "--from-date", "2020-01-01",
            ])
        let received = try books("b.books", ["receive", "--admin", "Klant"])
        #expect(received.stdout.contains("Received 1 new purchase invoice"), "\(received.stdout)")
        let purchase = try #require(try FileManager.default.contentsOfDirectory(atPath: root + "/inkoop").first)
        let salesBytes = try Data(contentsOf: URL(fileURLWithPath: root + "/verkoop/F2026-0001.xml"))
        let purchaseBytes = try Data(contentsOf: URL(fileURLWithPath: root + "/inkoop/" + purchase))
        #expect(salesBytes == purchaseBytes)
        #expect(document["sha256"] != nil && received.stdout.contains(document["sha256"]!))
        // Receiving marked it Verwerkt on B; the Invoice Response brought that to A's books.
        let status = try books("a.books", ["invoice", "status", "--admin", "DeVries", "F2026-0001", "--json"])
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any])
        #expect(answer["code"] as? String == "30")
        #expect(answer["name"] as? String == "Verwerkt")
    }
}
