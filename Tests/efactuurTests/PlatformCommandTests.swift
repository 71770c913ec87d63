import EConnectWire
import EInvoice
import EInvoiceTestSupport
import Foundation
import PlatformTestSupport
import Testing

@testable import efactuur

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The platform commands and `efactuur serve`, run as an operator would, and the server driven by
/// zeep, a standard Python SOAP client that knows the API only from the served WSDL.
@Suite(.timeLimit(.minutes(10)))
struct PlatformCommandTests {
    let cli = CommandLineTests()

    func json(_ arguments: [String]) throws -> [String: String] {
        let result = try cli.run(arguments + ["--json"])
        #expect(result.status == 0, "\(arguments): \(result.stdout) \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: String])
    }

    func dataDir() -> String {
        TestFolder.root.appendingPathComponent("efactuur-platform-\(UUID().uuidString)").path
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

        // Only the operator can read the platform's data: the folder 0700, the database 0600.
        #expect(PrivateFiles.mode(of: dir) == 0o700)
        #expect(PrivateFiles.mode(of: dir + "/platform.sqlite") == 0o600)
        #expect(chmod(dir, 0o755) == 0 && chmod(dir + "/platform.sqlite", 0o644) == 0)
        let tightened = try cli.run(["platform", "account", "create", "--data-dir", dir, "--name", "B", "--email", "b@b.nl"])
        #expect(tightened.status == 0)
        #expect(tightened.stderr.contains("warning: \(dir) was readable by others"))
        #expect(PrivateFiles.mode(of: dir) == 0o700 && PrivateFiles.mode(of: dir + "/platform.sqlite") == 0o600)

        // Refusals: a stable code and exit 1; a usage error exits 2.
        let unknown = try cli.run(["platform", "document", "show", "--data-dir", dir, "XCNIN999999", "--json"])
        #expect(unknown.status == 1)
        #expect(unknown.stdout.contains("\"error\":\"platform.not-found\""))
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

        // A portal password, from standard input only; too short is refused with its code.
        let set = try cli.run(
            ["platform", "user", "set-password", "--data-dir", dir, "--account", accountID, "--email", "a@acme.nl", "--json"],
            stdin: Array("een-goed-wachtwoord\n".utf8))
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout.contains("\"password\":\"set\"") && !set.stdout.contains("een-goed"))
        let short = try cli.run(
            ["platform", "user", "set-password", "--data-dir", dir, "--account", accountID, "--email", "a@acme.nl", "--json"],
            stdin: Array("kort\n".utf8))
        #expect(short.status == 1)
        #expect(short.stdout.contains("platform.invalid-input"))
        let sqlite = try Data(contentsOf: URL(fileURLWithPath: dir + "/platform.sqlite"))
        #expect(sqlite.range(of: Data("een-goed-wachtwoord".utf8)) == nil)

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

        let (server, base) = try await startServer(dataDir: dir)
        defer {
            server.terminate()
            server.waitUntilExit()
        }

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

    /// `efactuur serve` on a random loopback port, once it answers /health.
    func startServer(
        dataDir: String, port: Int = TestPorts.take(), extra: [String] = []
    ) async throws -> (Process, String) {
        let server = Process()
        server.executableURL = CommandLineTests.binary
        server.arguments = ["serve", "--data-dir", dataDir, "--port", String(port)] + extra
        server.standardError = FileHandle.nullDevice
        try server.run()
        try Watchdog.stopWithThisProcess(server)
        let base = "http://127.0.0.1:\(port)"
        for _ in 0..<200 {
            guard server.isRunning else { break }
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: base + "/health")!),
                (response as? HTTPURLResponse)?.statusCode == 200
            {
                return (server, base)
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        server.terminate()
        throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "the server did not start on port \(port)"])
    }

    func soap(_ base: String, _ operation: String, _ inner: String, token: String? = nil) async throws -> String {
        let version = APIVersion.v3_1
        var request = URLRequest(url: URL(string: base + version.path)!)
        request.httpMethod = "POST"
        request.setValue("text/xml; charset=utf-8", forHTTPHeaderField: "Content-Type")
        request.setValue(version.namespace + operation, forHTTPHeaderField: "SOAPAction")
        request.httpBody = Data(Envelope.request(operation, body: inner, securityToken: token, version: version).utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        return String(decoding: data, as: UTF8.self)
    }

    /// Logs in with the keys `platform keys create --json` printed; the SecurityToken.
    func login(_ base: String, _ keys: [String: String]) async throws -> String {
        let answer = try await soap(
            base, "Login", "<ConsumerKey>\(keys["appKey"]!)</ConsumerKey><ConsumerSecret>\(keys["secret"]!)</ConsumerSecret>")
        return try #require(element("SecurityToken", in: answer), "\(answer)")
    }

    /// Sends a 2-line example invoice to the government body (OIN); the ExternalId.
    func sendToGovernment(_ base: String, number: String, via: String, token: String) async throws -> String {
        let invoice = String(decoding: UBLWriter().write(ExampleInvoices.siUBL(number: number, lineCount: 2)), as: UTF8.self)
            .replacingOccurrences(of: "<?xml version=\"1.0\" encoding=\"UTF-8\"?>", with: "")
        let answer = try await soap(
            base, "SendDocument",
            "<Via><ReferenceId>\(via)</ReferenceId></Via><To><ReferenceId>0190:00000001003214321000</ReferenceId></To>"
                + "<Subject>Factuur</Subject><Payload>\(invoice)</Payload><TemplateId>\(TemplateID.factuur)</TemplateId>",
            token: token)
        return try #require(element("ExternalId", in: answer), "\(answer)")
    }

    func element(_ name: String, in xml: String) -> String? {
        guard let start = xml.range(of: "<\(name)>"), let end = xml.range(of: "</\(name)>", range: start.upperBound..<xml.endIndex)
        else { return nil }
        return String(xml[start.upperBound..<end.lowerBound])
    }

    @Test("Every acknowledged document survives a kill -9 of the server")
    func killNine() async throws {
        let dir = dataDir()
        let account = try json(["platform", "account", "create", "--data-dir", dir, "--name", "Lev", "--email", "a@lev.nl"])
        let other = try json(["platform", "account", "create", "--data-dir", dir, "--name", "Min", "--email", "a@min.nl"])
        let supplier = try json([
            "platform", "org", "create", "--data-dir", dir, "--account", account["account"]!, "--name", "Lev", "--kvk", "12345678",
        ])
        _ = try json([
            "platform", "org", "create", "--data-dir", dir, "--account", other["account"]!, "--name", "Min",
            "--oin", "00000001003214321000",
        ])
        let keys = try json(["platform", "keys", "create", "--data-dir", dir, "--org", supplier["bedrijfsId"]!, "--email", "a@lev.nl"])
        let (server, base) = try await startServer(dataDir: dir)
        let token = try await login(base, keys)
        var acknowledged: [String] = []
        for number in 0..<20 {
            acknowledged.append(try await sendToGovernment(base, number: "F-KILL-\(number)", via: supplier["bedrijfsId"]!, token: token))
        }
        kill(server.processIdentifier, SIGKILL)
        server.waitUntilExit()

        // A new server on the same files still has every one of them.
        let (restarted, newBase) = try await startServer(dataDir: dir)
        defer {
            restarted.terminate()
            restarted.waitUntilExit()
        }
        let newToken = try await login(newBase, keys)
        for externalID in acknowledged {
            let status = try await soap(newBase, "GetOutboxDocumentStatus", "<ExternalId>\(externalID)</ExternalId>", token: newToken)
            #expect(element("Code", in: status) == "10", "\(externalID): \(status)")
        }
    }

    @Test("With --postgres the commands and two servers share one PostgreSQL database")
    func postgres() async throws {
        let url = try await PostgresServer.shared().makeDatabase()
        let dir = dataDir()
        let store = ["--postgres", url]
        let account = try json(["platform", "account", "create", "--name", "Lev", "--email", "a@lev.nl"] + store)
        let other = try json(["platform", "account", "create", "--name", "Min", "--email", "a@min.nl"] + store)
        let supplier = try json(["platform", "org", "create", "--account", account["account"]!, "--name", "Lev", "--kvk", "12345678"] + store)
        _ = try json(
            ["platform", "org", "create", "--account", other["account"]!, "--name", "Min", "--oin", "00000001003214321000"] + store)
        let keys = try json(["platform", "keys", "create", "--org", supplier["bedrijfsId"]!, "--email", "a@lev.nl"] + store)
        let (first, firstBase) = try await startServer(dataDir: dir, extra: store)
        let (second, secondBase) = try await startServer(dataDir: dir + "-other", extra: store)
        defer {
            for server in [first, second] {
                server.terminate()
                server.waitUntilExit()
            }
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/platform.sqlite"), "nothing went to SQLite")
        let token = try await login(firstBase, keys)
        let externalID = try await sendToGovernment(firstBase, number: "F-PG-CLI", via: supplier["bedrijfsId"]!, token: token)
        // The other instance knows the token and the document.
        let status = try await soap(secondBase, "GetOutboxDocumentStatus", "<ExternalId>\(externalID)</ExternalId>", token: token)
        #expect(element("Code", in: status) == "10", "\(status)")

        // SIGTERM: the first drains its requests, then its delivery worker and its PostgreSQL
        // client stop, and it ends cleanly; the other instance serves on.
        first.terminate()
        for _ in 0..<100 where first.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!first.isRunning, "serve did not stop within 10 s of SIGTERM")
        #expect(first.terminationReason == .exit && first.terminationStatus == 0)
        let again = try await soap(secondBase, "GetOutboxDocumentStatus", "<ExternalId>\(externalID)</ExternalId>", token: token)
        #expect(element("Code", in: again) == "10")
    }
}

@Suite("serve's configuration from the environment and a file")
struct ServeConfigurationTests {
    @Test("Every serve option can come from EFACTUUR_<NAME> or the file; the command line wins, then the environment")
    func precedence() async throws {
        // The list the configuration reads is the list serve has.
        let help = try CommandLineTests().run(["serve", "--help"]).stdout
        let named = Set(help.matches(of: /--([a-z0-9-]+)/).map { String($0.1) })
        #expect(named == Set(ServeConfiguration.valueOptions + ServeConfiguration.flags + ["config", "help", "version"]))

        let folder = TestFolder.root.appendingPathComponent("efactuur-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let dataDir = folder.appendingPathComponent("data").path
        let (filePort, environmentPort) = (TestPorts.take(), TestPorts.take())
        let file = folder.appendingPathComponent("efactuur.json")
        try JSONSerialization.data(withJSONObject: ["data-dir": dataDir, "port": filePort, "json": true, "token-lifetime": 600])
            .write(to: file)
        let arguments = try await ServeConfiguration.arguments(
            ["serve", "--config", file.path, "--host", "127.0.0.1"],
            environment: ["EFACTUUR_PORT": String(environmentPort), "EFACTUUR_POSTGRES": "", "PATH": "/bin"])
        #expect(arguments.contains("--port") && arguments[arguments.firstIndex(of: "--port")! + 1] == String(environmentPort))
        #expect(arguments.filter { $0 == "--host" }.count == 1)
        #expect(arguments.contains("--json"))
        #expect(arguments[arguments.firstIndex(of: "--token-lifetime")! + 1] == "600")

        // The real process: it listens on the environment's port, keeps its data where the file
        // says, and logs JSON lines.
        let errors = folder.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let server = Process()
        server.executableURL = CommandLineTests.binary
        server.arguments = ["serve", "--config", file.path]
        server.environment = ["EFACTUUR_PORT": String(environmentPort)]
        server.standardError = try FileHandle(forWritingTo: errors)
        try server.run()
        try Watchdog.stopWithThisProcess(server)
        defer { server.terminate() }
        var healthy = false
        for _ in 0..<200 where !healthy {
            if let (_, response) = try? await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(environmentPort)/health")!) {
                healthy = (response as? HTTPURLResponse)?.statusCode == 200
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        #expect(healthy)
        #expect(FileManager.default.fileExists(atPath: dataDir + "/platform.sqlite"))
        let lines = String(decoding: try Data(contentsOf: errors), as: UTF8.self).split(separator: "\n")
        let logLines = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(logLines.contains { $0["message"] as? String == "request" && $0["api"] as? String == "health" }, "\(lines)")

        // A file that is not there is refused with its code, before anything starts.
        let missing = try CommandLineTests().run(["serve", "--config", folder.appendingPathComponent("nope.json").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("[serve.config]"))
    }
}
