import EInvoice
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The platform commands and `efactuur serve`, run as an operator would, and the server driven by
/// zeep, a standard Python SOAP client that knows the API only from the served WSDL.
@Suite(.timeLimit(.minutes(3)))
struct PlatformCommandTests {
    let cli = CommandLineTests()

    func json(_ arguments: [String]) throws -> [String: String] {
        let result = try cli.run(arguments + ["--json"])
        #expect(result.status == 0, "\(arguments): \(result.stdout) \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String])
    }

    func dataDir() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("efactuur-platform-\(UUID().uuidString)").path
    }

    @Test("Account, organisation and keys: the Bedrijfs-ID, a Secret shown once and the Quick Connect text")
    func provisioning() throws {
        let dir = dataDir()
        let account = try json(["platform", "account", "create", "--data-dir", dir, "--name", "Acme", "--email", "a@acme.nl"])
        let accountID = try #require(account["account"])
        let org = try json([
            "platform", "org", "create", "--data-dir", dir, "--account", accountID, "--name", "Acme BV", "--kvk", "12345678",
        ])
        #expect(org["bedrijfsId"] == "XCNL10001")
        let keys = try json(["platform", "keys", "create", "--data-dir", dir, "--org", "XCNL10001", "--email", "a@acme.nl"])
        let appKey = try #require(keys["appKey"])
        let secret = try #require(keys["secret"])
        #expect(keys["quickConnect"] == "APP_KEY:\(appKey);SECRET_KEY:\(secret);EMAIL_ID:a@acme.nl;COMPANY_ID:XCNL10001;")
        // The secret is nowhere in the database file; only its hash is.
        let database = try Data(contentsOf: URL(fileURLWithPath: dir + "/platform.sqlite"))
        #expect(database.range(of: Data(secret.utf8)) == nil)

        // Refusals: a stable code and exit 1; a usage error exits 2.
        let duplicate = try cli.run([
            "platform", "org", "create", "--data-dir", dir, "--account", accountID, "--name", "Other", "--kvk", "12345678",
            "--json",
        ])
        #expect(duplicate.status == 1)
        #expect(duplicate.stdout.contains("\"error\":\"platform.invalid-input\""))
        let badKvK = try cli.run(["platform", "org", "create", "--data-dir", dir, "--account", accountID, "--name", "X", "--kvk", "123"])
        #expect(badKvK.status == 1)
        #expect(badKvK.stderr.contains("8 digits"))
        let notAdmin = try cli.run(["platform", "keys", "create", "--data-dir", dir, "--org", "XCNL10001", "--email", "b@acme.nl"])
        #expect(notAdmin.status == 1)
        #expect(try cli.run(["platform", "account", "create", "--data-dir", dir]).status == 2)

        #expect(try json(["platform", "keys", "revoke", "--data-dir", dir, appKey])["revoked"] == appKey)
        let again = try cli.run(["platform", "keys", "revoke", "--data-dir", dir, appKey, "--json"])
        #expect(again.status == 1)
        #expect(again.stdout.contains("platform.not-found"))
    }

    @Test("zeep, reading only the WSDL, sends, receives and sets statuses against `efactuur serve`")
    func standardSOAPClient() async throws {
        let dir = dataDir()
        let supplierAccount = try json(["platform", "account", "create", "--data-dir", dir, "--name", "Lev", "--email", "a@lev.nl"])
        let customerAccount = try json(["platform", "account", "create", "--data-dir", dir, "--name", "Min", "--email", "a@min.nl"])
        let supplier = try json([
            "platform", "org", "create", "--data-dir", dir, "--account", supplierAccount["account"]!, "--name", "Lev",
            "--kvk", "12345678",
        ])
        let customer = try json([
            "platform", "org", "create", "--data-dir", dir, "--account", customerAccount["account"]!, "--name", "Min",
            "--oin", "00000001003214321000",
        ])
        let supplierKeys = try json([
            "platform", "keys", "create", "--data-dir", dir, "--org", supplier["bedrijfsId"]!, "--email", "a@lev.nl",
        ])
        let customerKeys = try json([
            "platform", "keys", "create", "--data-dir", dir, "--org", customer["bedrijfsId"]!, "--email", "a@min.nl",
        ])
        let invoice = try cli.temporaryFile(UBLWriter().write(ExampleInvoices.siUBL(number: "F-ZEEP")))

        let port = Int.random(in: 20_000..<60_000)
        let server = Process()
        server.executableURL = CommandLineTests.binary
        server.arguments = ["serve", "--data-dir", dir, "--port", String(port)]
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let base = "http://127.0.0.1:\(port)"
        var ready = false
        for _ in 0..<100 where !ready {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: base + "/health")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                ready = true
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        try #require(ready, "the server did not start on port \(port)")

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/zeep_client.py").path
        let python = Process()
        python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        python.arguments = [
            "python3", script, base + "/soap/v3.1?wsdl", supplierKeys["appKey"]!, supplierKeys["secret"]!,
            supplier["bedrijfsId"]!, customerKeys["appKey"]!, customerKeys["secret"]!, "NL:OINO:00000001003214321000",
            invoice,
        ]
        let out = Pipe()
        let err = Pipe()
        python.standardOutput = out
        python.standardError = err
        try python.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        python.waitUntilExit()
        try #require(python.terminationStatus == 0, "zeep (pip install zeep): \(stderr)")
        let seen = try #require(try JSONSerialization.jsonObject(with: stdout) as? [String: Any])
        #expect((seen["externalId"] as? String)?.hasPrefix("XCNIN") == true)
        #expect(seen["listed"] as? Bool == true)
        #expect(seen["invoiceId"] as? String == "F-ZEEP")
        #expect(seen["statuses"] as? [String] == ["10", "20", "30", "40", "50"])
        #expect(seen["outboxStatus"] as? String == "40")
        #expect(seen["statusName"] as? String == "Goedgekeurd")
        #expect(seen["accountParties"] as? [String] == [supplier["bedrijfsId"]!])
    }
}
